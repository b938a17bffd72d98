import { formatDuration } from './format-duration.js';

/** Where a progress bar draws: a terminal stream (process.stderr). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * A one-line progress bar with ETA, redrawn in place on a terminal:
 * `  37% |███████·············|  37/100 steps  loss 2.31  1,234 tok/s  0:42<1:11`.
 * It draws nothing when the stream is not a TTY (logs and CI get the plain log lines instead), and it
 * clears itself before other output so lines never interleave with it.
 */
export class ProgressBar {
  private readonly started = performance.now();
  private startStep = 0;
  private line = '';
  private lastDraw = 0;

  constructor(
    private readonly stream: ProgressStream | null,
    private readonly total: number,
  ) {}

  get active(): boolean {
    return this.stream?.isTTY === true;
  }

  /** The step the run starts from (resume), so the ETA uses only this run's speed. */
  start(step: number): void {
    this.startStep = step;
  }

  update(step: number, info: { loss?: number; tokensPerSecond?: number } = {}): void {
    if (!this.active) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && step < this.total) return; // at most 10 redraws a second
    this.lastDraw = now;
    const elapsed = (now - this.started) / 1000;
    const done = step - this.startStep;
    const eta = done > 0 ? (elapsed / done) * (this.total - step) : NaN;
    const share = this.total > 0 ? step / this.total : 1;
    const width = 20;
    const filled = Math.round(share * width);
    const parts = [
      `${String(Math.floor(share * 100)).padStart(3)}% |${'█'.repeat(filled)}${'·'.repeat(width - filled)}|`,
      `${step}/${this.total} steps`,
      info.loss !== undefined ? `loss ${info.loss.toFixed(4)}` : '',
      info.tokensPerSecond !== undefined
        ? `${Math.round(info.tokensPerSecond).toLocaleString('en-US')} tok/s`
        : '',
      `${formatDuration(elapsed)}<${formatDuration(eta)}`,
    ].filter(Boolean);
    this.draw(parts.join('  '));
  }

  /** Removes the bar so a log line can be printed; the next update redraws it. */
  clear(): void {
    if (this.active && this.line !== '') this.stream!.write('\r\x1b[K');
    this.line = '';
  }

  /** Clears the bar for good. */
  done(): void {
    this.clear();
  }

  private draw(text: string): void {
    const columns = this.stream!.columns ?? 100;
    const line = text.length > columns - 1 ? text.slice(0, columns - 1) : text;
    this.stream!.write(`\r${line}\x1b[K`);
    this.line = line;
  }
}
