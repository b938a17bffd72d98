/** A piece of a document's text with the 1-based line of the file it starts on. */
export interface LocatedText {
  line: number;
  text: string;
}

/** One retrievable unit: a .txt line, a .jsonl record, a Markdown paragraph, or a chunk of one. */
export interface Passage {
  /** Unique within an index; readPassages numbers passages 0, 1, 2, ... in reading order. */
  id: number;
  /** The file the passage was read from. */
  source: string;
  /** 1-based line of `source` where the passage starts. */
  line: number;
  text: string;
}
