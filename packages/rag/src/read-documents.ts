import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pdfText } from './pdf-text.js';

/** A file's text as read: UTF-8, byte-order mark removed; a PDF's extracted text (see pdfText). */
export interface Document {
  /** The file's path, as given or as found under a given directory. */
  source: string;
  text: string;
}

/** Extensions picked up when walking a directory. */
export const DOCUMENT_EXTENSIONS = ['.txt', '.md', '.jsonl', '.pdf'] as const;

/** Formats chatpdf reads that this package does not read yet: a clear error beats indexing binary bytes. */
const NOT_YET: Record<string, string> = {
  '.docx': 'DOCX is not supported yet; convert it to .txt, .md or .pdf first',
};

/**
 * Reads documents from files and directories (walked recursively, in name order, hidden entries skipped,
 * keeping .txt, .md, .jsonl and .pdf files). A PDF gives its text layer, pages separated by form feeds
 * (pdfText). A file named explicitly with another extension is read as plain text, as chatpdf does;
 * .docx files, named or found, are an error.
 */
export async function readDocuments(paths: readonly string[]): Promise<Document[]> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await expandPath(path)));
  const docs: Document[] = [];
  for (const source of files) {
    if (extname(source).toLowerCase() === '.pdf') {
      docs.push({ source, text: await pdfText(await readFile(source), source) });
      continue;
    }
    const text = await readFile(source, 'utf8');
    docs.push({ source, text: text.replace(/^\uFEFF/, '') });
  }
  return docs;
}

async function expandPath(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => {
    throw new Error(
      `${path}: no such file or directory; expected a .txt, .md, .jsonl or .pdf file or a directory`,
    );
  });
  if (!info.isDirectory()) return [checkSupported(path)];
  const out: string[] = [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await expandPath(child)));
    else if (NOT_YET[extname(child).toLowerCase()]) checkSupported(child);
    else if ((DOCUMENT_EXTENSIONS as readonly string[]).includes(extname(child).toLowerCase()))
      out.push(child);
  }
  return out;
}

function checkSupported(file: string): string {
  const why = NOT_YET[extname(file).toLowerCase()];
  if (why) throw new Error(`${file}: ${why}`);
  return file;
}
