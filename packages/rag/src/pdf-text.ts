import { pageText } from './page-text.js';

/**
 * A PDF's text: each page's lines in the PDF's order, a blank line between paragraphs (pageText), and a
 * form feed between pages, pdftotext's convention, so page N is `text.split('\f')[N - 1]`. Errors name
 * `file` (and the page) and say what is wrong: not a PDF or damaged, password-protected, or no text at
 * all (a scanned PDF, which needs OCR first).
 */
export async function pdfText(data: Uint8Array, file: string): Promise<string> {
  // Loaded on first use: pdf.js is megabytes that only PDF corpora need.
  const { getDocumentProxy } = await import('unpdf');
  // A copy, because pdf.js takes over the buffer it is given and rejects Node Buffers.
  const bytes = new Uint8Array(data);
  // verbosity 0: errors only; pdf.js would otherwise print its repairs of damaged files to the console.
  const pdf = await getDocumentProxy(bytes, { verbosity: 0 }).catch((err: unknown) => {
    throw new Error(`${file}: ${whyUnreadable(err)}`, { cause: err });
  });
  try {
    const pages: string[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      try {
        const page = await pdf.getPage(n);
        const content = await page.getTextContent();
        pages.push(pageText(content.items.flatMap((item) => ('str' in item ? [item] : []))));
        page.cleanup();
      } catch (err) {
        throw new Error(`${file} p.${n}: cannot read the page's text: ${messageOf(err)}`, { cause: err });
      }
    }
    if (pages.every((p) => p === ''))
      throw new Error(
        `${file}: no text in its ${pdf.numPages} page(s); a scanned PDF needs OCR into a text layer first`,
      );
    return pages.join('\f');
  } finally {
    await pdf.destroy();
  }
}

/** pdf.js's load errors in words, by the exception's name (its classes are not exported for instanceof). */
function whyUnreadable(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'PasswordException')
    return 'the PDF is password-protected (encrypted); save an unprotected copy to read it';
  if (name === 'InvalidPDFException')
    return `not a readable PDF (${messageOf(err)}); the file is damaged or not a PDF`;
  return `cannot read the PDF: ${messageOf(err)}`;
}

function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}
