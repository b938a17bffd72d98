/** A piece of a document's text with the 1-based line of the file it starts on. */
export interface LocatedText {
  /** 1-based page of a paged document (PDF); absent for plain files. */
  page?: number;
  line: number;
  text: string;
}

/** One retrievable unit: a .txt line, a .jsonl record, a Markdown or PDF paragraph, or a chunk of one. */
export interface Passage {
  /** Unique within an index; readPassages numbers passages 0, 1, 2, ... in reading order. */
  id: number;
  /** The file the passage was read from. */
  source: string;
  /** 1-based page of `source` for a PDF, where a page says more to a reader than a line; else absent. */
  page?: number;
  /** 1-based line of `source` where the passage starts; in a PDF, the line among `page`'s text lines. */
  line: number;
  text: string;
}
