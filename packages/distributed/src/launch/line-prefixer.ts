/**
 * Cuts a child's output into lines and writes each with `prefix`, so the ranks' interleaved output
 * stays readable; a last line without a newline is written by flush().
 */
export class LinePrefixer {
  private partial = '';

  constructor(
    private readonly prefix: string,
    private readonly write: (text: string) => void,
  ) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const end = text.lastIndexOf('\n');
    if (end === -1) {
      this.partial = text;
      return;
    }
    this.partial = text.slice(end + 1);
    const lines = text.slice(0, end).split('\n');
    this.write(lines.map((line) => `${this.prefix}${line}\n`).join(''));
  }

  flush(): void {
    if (this.partial === '') return;
    this.write(`${this.prefix}${this.partial}\n`);
    this.partial = '';
  }
}
