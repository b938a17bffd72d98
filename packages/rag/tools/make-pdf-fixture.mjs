#!/usr/bin/env node
// Writes fixtures/medical-2-pages.pdf: a hand-built two-page PDF with English and Chinese medical text, for
// the PDF reader's tests. No PDF library: the point is a file whose exact text we know.
//
//   node packages/rag/tools/make-pdf-fixture.mjs [OUT_FILE]
//
// English is set in Helvetica (a standard font, nothing embedded). Chinese uses a Type0 font with
// Identity-H encoding, each distinct character given its own 2-byte CID, and a ToUnicode CMap mapping the
// CIDs back to Unicode: that map is what text extraction reads, so no font file is embedded either.
// The output is deterministic (no dates, no ids), so rerunning it gives the same bytes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Pages of paragraphs of lines, as they are set on the page. */
export const FIXTURE_PAGES = [
  [
    [
      'Hypertension is a chronic condition in which the blood',
      'pressure in the arteries is persistently elevated.',
    ],
    ['高血压是一种常见的慢性疾病，患者的动脉血压持续', '升高。长期高血压会损害心、脑、肾等器官。'],
  ],
  [
    ['糖尿病患者应定期监测血糖，', '并注意饮食与运动。'],
    ['二甲双胍（metformin）是2型糖尿病的一线用药。'],
    ['Type 2 diabetes is treated with diet, exercise and', 'metformin as first-line therapy.'],
  ],
];

const FONT_SIZE = 12;
/** Baseline to baseline within a paragraph, and between paragraphs (a blank line's worth more). */
const LEADING = 16;
const PARAGRAPH_GAP = 32;

/** Han, CJK punctuation and full-width forms: set in the Chinese font. */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/u;

/**
 * The bytes of a PDF showing `pages`. `encrypted` adds a Standard security handler whose empty user
 * password does not open the file, which is how a password-protected PDF looks to a reader.
 */
export function buildPdf(pages, { encrypted = false } = {}) {
  const cjkChars = [...new Set(pages.flat(2).join('').match(new RegExp(CJK.source, 'gu')) ?? [])].sort();
  const cid = new Map(cjkChars.map((ch, i) => [ch, i + 1]));
  const pageIds = pages.map((_, i) => 8 + 2 * i);
  const objects = new Map([
    [1, '<< /Type /Catalog /Pages 2 0 R >>'],
    [2, `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`],
    [3, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'],
    [
      4,
      '<< /Type /Font /Subtype /Type0 /BaseFont /MedSong /Encoding /Identity-H /DescendantFonts [5 0 R] /ToUnicode 6 0 R >>',
    ],
    [
      5,
      '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /MedSong /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>' +
        ' /FontDescriptor 7 0 R /DW 1000 /CIDToGIDMap /Identity >>',
    ],
    [6, stream(toUnicodeCMap(cid))],
    [
      7,
      '<< /Type /FontDescriptor /FontName /MedSong /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0' +
        ' /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>',
    ],
  ]);
  pages.forEach((paragraphs, i) => {
    objects.set(
      pageIds[i],
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageIds[i] + 1} 0 R >>`,
    );
    objects.set(pageIds[i] + 1, stream(pageContent(paragraphs, cid)));
  });
  if (encrypted) {
    // 40-bit RC4 (R2). O and U are fixed filler: no password the reader tries by itself matches U.
    const filler = (byte) => `<${byte.repeat(32)}>`;
    objects.set(
      8 + 2 * pages.length,
      `<< /Filter /Standard /V 1 /R 2 /O ${filler('4f')} /U ${filler('55')} /P -44 >>`,
    );
  }

  const ids = [...objects.keys()].sort((a, b) => a - b);
  const size = ids[ids.length - 1] + 1;
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets = new Map();
  for (const id of ids) {
    offsets.set(id, out.length);
    out += `${id} 0 obj\n${objects.get(id)}\nendobj\n`;
  }
  const xrefAt = out.length;
  out += `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let id = 1; id < size; id++) {
    out += offsets.has(id)
      ? `${String(offsets.get(id)).padStart(10, '0')} 00000 n \n`
      : '0000000000 65535 f \n';
  }
  const id = '<6d656467707472616766697874757265>';
  const encrypt = encrypted ? ` /Encrypt ${size - 1} 0 R /ID [${id} ${id}]` : '';
  out += `trailer\n<< /Size ${size} /Root 1 0 R${encrypt} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  // Every character above is < 0x100 (CJK text is hex CIDs), so latin1 writes one byte per character.
  return Buffer.from(out, 'latin1');
}

function stream(body) {
  return `<< /Length ${Buffer.byteLength(body, 'latin1')} >>\nstream\n${body}\nendstream`;
}

/** Text operators for a page: lines at the left margin, paragraphs separated by a wider gap. */
function pageContent(paragraphs, cid) {
  const ops = ['BT', `72 770 Td`];
  paragraphs.forEach((lines, p) => {
    if (p > 0) ops.push(`0 -${PARAGRAPH_GAP} Td`);
    lines.forEach((line, l) => {
      if (l > 0) ops.push(`0 -${LEADING} Td`);
      // Runs of one script each; Tj advances the text position, so runs follow on without a gap.
      for (const run of line.match(new RegExp(`${CJK.source}+|(?:(?!${CJK.source}).)+`, 'gu'))) {
        if (CJK.test(run)) {
          const hex = [...run].map((ch) => cid.get(ch).toString(16).padStart(4, '0')).join('');
          ops.push(`/F2 ${FONT_SIZE} Tf <${hex}> Tj`);
        } else {
          ops.push(`/F1 ${FONT_SIZE} Tf (${run.replace(/[()\\]/g, '\\$&')}) Tj`);
        }
      }
    });
  });
  ops.push('ET');
  return ops.join('\n');
}

/** The ToUnicode CMap: each CID back to its character (bfchar blocks hold at most 100 entries). */
function toUnicodeCMap(cid) {
  const entries = [...cid].map(([ch, n]) => {
    const utf16 = [...Buffer.from(ch, 'utf16le').swap16()].map((b) => b.toString(16).padStart(2, '0'));
    return `<${n.toString(16).padStart(4, '0')}> <${utf16.join('')}>`;
  });
  const blocks = [];
  for (let i = 0; i < entries.length; i += 100) {
    const block = entries.slice(i, i + 100);
    blocks.push(`${block.length} beginbfchar\n${block.join('\n')}\nendbfchar`);
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CIDInit /ProcSet findresource pop',
    'end',
    'end',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? fileURLToPath(new URL('../fixtures/medical-2-pages.pdf', import.meta.url));
  const bytes = buildPdf(FIXTURE_PAGES);
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${bytes.length} bytes)`);
}
