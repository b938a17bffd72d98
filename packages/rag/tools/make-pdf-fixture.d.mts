// Types for make-pdf-fixture.mjs, so the tests can build PDFs with it.
export declare const FIXTURE_PAGES: string[][][];
export declare function buildPdf(pages: string[][][], options?: { encrypted?: boolean }): Buffer;
