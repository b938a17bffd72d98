import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** Whether util-linux `script` (Debian's bsdutils, an essential package) can give a command a pty. */
export function hasScriptPty(): boolean {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.includes('util-linux');
}

// CSI sequences readline writes in a terminal (cursor moves, line clears).
const ANSI = new RegExp(String.raw`\x1b\[[0-9;?]*[A-Za-z]`, 'g');

/**
 * A command run in a real pseudo-terminal (util-linux `script -qfec`): its stdin is a terminal, so
 * readline runs in terminal mode (raw keys, echo, Ctrl-C as a key). `type` sends keystrokes; `waitFor`
 * waits until the screen text (escape sequences removed) shows a string past what was consumed.
 */
export class PtyProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private raw = '';
  private consumed = 0;
  private readonly exited: Promise<number | null>;

  constructor(command: string, cwd: string) {
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd,
      env: { ...process.env, TERM: 'xterm' },
    });
    this.child.stdout.on('data', (chunk: Buffer) => void (this.raw += chunk.toString('utf8')));
    this.child.stderr.on('data', (chunk: Buffer) => void (this.raw += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** What the terminal showed, without escape sequences. */
  get screen(): string {
    return this.raw.replace(ANSI, '');
  }

  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** Resolves to the screen text between the last match and the end of this one. */
  async waitFor(text: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.screen.indexOf(text, this.consumed);
      if (at >= 0) {
        const seen = this.screen.slice(this.consumed, at + text.length);
        this.consumed = at + text.length;
        return seen;
      }
      if (Date.now() > deadline)
        throw new Error(`pty: no ${JSON.stringify(text)} after ${timeoutMs} ms; screen:\n${this.screen}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The command's exit status (script passes it through with -e). */
  exitCode(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }

  kill(): void {
    this.child.kill();
  }
}
