import type { DownloadProgress, DownloadProgressCallback } from '@medgpt/hub';
import { formatDuration, type ProgressStream } from '@medgpt/trainer';
import { formatBytes } from './format-bytes.js';

export interface DownloadProgressPrinterOptions {
  /** Plain lines: each download's start, each finished file, its end. */
  readonly log: (line: string) => void;
  /** Where a live line (percent, bytes, rate, ETA) is redrawn when it is a terminal; else, progress lines every 10 s. */
  readonly stream: ProgressStream | null;
  /** Milliseconds now (default performance.now). */
  readonly now?: () => number;
}

const REDRAW_MS = 100;
const PLAIN_EVERY_MS = 10_000;

/**
 * Prints Hub download progress the way the trainer prints training progress: on a terminal a line
 * redrawn in place, `  41% |████████············| 412.0 MB/988.1 MB  model.safetensors (3/7)  11.9 MB/s  0:35<0:48`,
 * cleared before each log line; otherwise a line every 10 s. Both get a line when a download starts,
 * per finished file and when it ends.
 */
export function downloadProgressPrinter(options: DownloadProgressPrinterOptions): DownloadProgressCallback {
  const now = options.now ?? (() => performance.now());
  const tty = options.stream?.isTTY === true ? options.stream : null;
  let started = 0;
  let lastDraw = -Infinity;
  let lastPlain = 0;
  let drawn = false;

  const clear = () => {
    if (tty && drawn) tty.write('\r\x1b[K');
    drawn = false;
  };
  const log = (line: string) => {
    clear();
    options.log(`[medgpt] ${line}`);
  };
  const rate = (p: DownloadProgress) => {
    const seconds = (now() - started) / 1000;
    return seconds > 0 ? p.received / seconds : NaN;
  };
  const eta = (p: DownloadProgress) => (p.totalBytes - p.bytes) / rate(p);
  const perSecond = (p: DownloadProgress) =>
    Number.isFinite(rate(p)) ? `${formatBytes(Math.round(rate(p)))}/s` : '';

  return (p) => {
    switch (p.event) {
      case 'start': {
        started = now();
        lastPlain = started;
        const resumed = p.bytes > 0 ? `, resuming from ${formatBytes(p.bytes)}` : '';
        log(
          `downloading ${p.repoId}@${p.revision} (commit ${p.commit.slice(0, 7)}): ${p.files} file${p.files === 1 ? '' : 's'}, ` +
            `${formatBytes(p.totalBytes)}${resumed}, into ${p.cacheDir}`,
        );
        return;
      }
      case 'bytes': {
        const t = now();
        const share = p.totalBytes > 0 ? p.bytes / p.totalBytes : 1;
        if (tty) {
          if (t - lastDraw < REDRAW_MS) return;
          lastDraw = t;
          const width = 20;
          const filled = Math.round(share * width);
          const elapsed = (t - started) / 1000;
          const line = [
            `${String(Math.floor(share * 100)).padStart(3)}% |${'█'.repeat(filled)}${'·'.repeat(width - filled)}|`,
            `${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)}`,
            `${p.file} (${p.filesDone + 1}/${p.files})`,
            perSecond(p),
            `${formatDuration(elapsed)}<${formatDuration(eta(p))}`,
          ]
            .filter(Boolean)
            .join('  ');
          const columns = tty.columns ?? 100;
          tty.write(`\r${line.length > columns - 1 ? line.slice(0, columns - 1) : line}\x1b[K`);
          drawn = true;
        } else if (t - lastPlain >= PLAIN_EVERY_MS) {
          lastPlain = t;
          log(
            `  ${Math.floor(share * 100)}%: ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)} ` +
              `(${p.file} ${formatBytes(p.fileBytes)}/${formatBytes(p.fileSize)}), ${perSecond(p)}, ETA ${formatDuration(eta(p))}`,
          );
        }
        return;
      }
      case 'file-done':
        log(`  ${p.file}: ${formatBytes(p.fileSize)} (${p.filesDone}/${p.files})`);
        return;
      case 'done': {
        const speed = perSecond(p);
        log(
          `downloaded ${p.repoId}@${p.revision} in ${formatDuration((now() - started) / 1000)}` +
            `${speed ? ` (${speed})` : ''}: ${p.dir}`,
        );
        return;
      }
    }
  };
}
