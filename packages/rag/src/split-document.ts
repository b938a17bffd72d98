import { extname } from 'node:path';
import { jsonlRecords } from './jsonl-records.js';
import { markdownParagraphs } from './markdown-paragraphs.js';
import type { LocatedText } from './passage.js';
import { pdfParagraphs } from './pdf-paragraphs.js';
import type { Document } from './read-documents.js';
import { textLines } from './text-lines.js';

/**
 * A document's passages by its extension: .md paragraphs, .jsonl records, .pdf paragraphs with their
 * page, anything else one per line.
 */
export function splitDocument(doc: Document): LocatedText[] {
  const ext = extname(doc.source).toLowerCase();
  if (ext === '.md') return markdownParagraphs(doc.text);
  if (ext === '.jsonl') return jsonlRecords(doc.text, doc.source);
  if (ext === '.pdf') return pdfParagraphs(doc.text);
  return textLines(doc.text);
}
