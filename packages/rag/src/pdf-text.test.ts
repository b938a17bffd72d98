import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPdf, FIXTURE_PAGES } from '../tools/make-pdf-fixture.mjs';
import { pdfText } from './pdf-text.js';

const fixture = fileURLToPath(new URL('../fixtures/medical-2-pages.pdf', import.meta.url));

describe('pdfText', () => {
  it('reads the fixture’s lines, a blank line between paragraphs and a form feed between pages', async () => {
    expect(await pdfText(await readFile(fixture), fixture)).toBe(
      [
        'Hypertension is a chronic condition in which the blood',
        'pressure in the arteries is persistently elevated.',
        '',
        '高血压是一种常见的慢性疾病，患者的动脉血压持续',
        '升高。长期高血压会损害心、脑、肾等器官。\f糖尿病患者应定期监测血糖，',
        '并注意饮食与运动。',
        '',
        '二甲双胍（metformin）是2型糖尿病的一线用药。',
        '',
        'Type 2 diabetes is treated with diet, exercise and',
        'metformin as first-line therapy.',
      ].join('\n'),
    );
  });

  it('the committed fixture is what tools/make-pdf-fixture.mjs builds', async () => {
    expect(Buffer.compare(await readFile(fixture), buildPdf(FIXTURE_PAGES))).toBe(0);
  });

  it('names the file of a damaged PDF or one that is not a PDF', async () => {
    const truncated = (await readFile(fixture)).subarray(0, 2000);
    await expect(pdfText(truncated, 'cut.pdf')).rejects.toThrow(
      'cut.pdf: not a readable PDF (Invalid PDF structure.); the file is damaged or not a PDF',
    );
    await expect(pdfText(new TextEncoder().encode('fever\n'), 'notes.pdf')).rejects.toThrow(
      /^notes\.pdf: not a readable PDF/,
    );
    await expect(pdfText(new Uint8Array(), 'empty.pdf')).rejects.toThrow(/^empty\.pdf: not a readable PDF/);
  });

  it('says a password-protected PDF is encrypted', async () => {
    await expect(pdfText(buildPdf(FIXTURE_PAGES, { encrypted: true }), 'locked.pdf')).rejects.toThrow(
      'locked.pdf: the PDF is password-protected (encrypted); save an unprotected copy to read it',
    );
  });

  it('says a PDF without a text layer needs OCR', async () => {
    await expect(pdfText(buildPdf([[], []]), 'scan.pdf')).rejects.toThrow(
      'scan.pdf: no text in its 2 page(s); a scanned PDF needs OCR into a text layer first',
    );
  });
});
