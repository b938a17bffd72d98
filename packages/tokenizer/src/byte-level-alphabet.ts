// GPT-2's byte-level alphabet (used by Qwen, Llama-3...): each byte maps to one printable
// character, so any UTF-8 text becomes a string over 256 symbols that BPE can merge.

function buildByteToChar(): string[] {
  const printable: number[] = [];
  const add = (from: number, to: number) => {
    for (let b = from; b <= to; b++) printable.push(b);
  };
  add(0x21, 0x7e); // '!'..'~'
  add(0xa1, 0xac); // '¡'..'¬'
  add(0xae, 0xff); // '®'..'ÿ'
  const chars = new Array<string>(256);
  for (const b of printable) chars[b] = String.fromCharCode(b);
  // The other bytes (controls, space, 0x7f-0xa0, 0xad) move to 256, 257, ... in byte order.
  let next = 256;
  for (let b = 0; b < 256; b++) if (chars[b] === undefined) chars[b] = String.fromCharCode(next++);
  return chars;
}

/** BYTE_TO_CHAR[b] is the character that stands for byte b. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

const encoder = new TextEncoder();

/** The byte-level form of `text`: its UTF-8 bytes, each written as its alphabet character. */
export function toByteLevel(text: string): string {
  let out = '';
  for (const b of encoder.encode(text)) out += BYTE_TO_CHAR[b];
  return out;
}
