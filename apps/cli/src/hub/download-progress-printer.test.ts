import type { DownloadProgress } from '@medgpt/hub';
import { describe, expect, it } from 'vitest';
import { downloadProgressPrinter } from './download-progress-printer.js';
import { formatBytes } from './format-bytes.js';

const base = {
  repoId: 'Qwen/Qwen2.5-0.5B',
  revision: 'main',
  commit: 'c0ffee1234'.padEnd(40, '0'),
  files: 2,
};
const at = (bytes: number, received: number, filesDone: number) => ({
  ...base,
  bytes,
  totalBytes: 3_000_000,
  received,
  filesDone,
});
const EVENTS: [number, DownloadProgress][] = [
  [0, { ...at(1_000_000, 0, 0), event: 'start', cacheDir: '/hf/hub' }],
  [
    500,
    {
      ...at(1_500_000, 500_000, 0),
      event: 'bytes',
      file: 'model.safetensors',
      fileBytes: 1_500_000,
      fileSize: 2_000_000,
    },
  ],
  [
    11_000,
    {
      ...at(2_000_000, 1_000_000, 0),
      event: 'bytes',
      file: 'model.safetensors',
      fileBytes: 2_000_000,
      fileSize: 2_000_000,
    },
  ],
  [
    11_000,
    {
      ...at(2_000_000, 1_000_000, 1),
      event: 'file-done',
      file: 'model.safetensors',
      fileBytes: 2_000_000,
      fileSize: 2_000_000,
    },
  ],
  [
    12_000,
    {
      ...at(3_000_000, 2_000_000, 2),
      event: 'file-done',
      file: 'tokenizer.json',
      fileBytes: 1_000_000,
      fileSize: 1_000_000,
    },
  ],
  [
    20_000,
    { ...at(3_000_000, 2_000_000, 2), event: 'done', dir: '/hf/hub/models--Qwen--Qwen2.5-0.5B/snapshots/c' },
  ],
];

function replay(stream: { write(t: string): void; isTTY?: boolean; columns?: number } | null) {
  let clock = 0;
  const lines: string[] = [];
  const print = downloadProgressPrinter({ log: (l) => lines.push(l), stream, now: () => clock });
  for (const [t, event] of EVENTS) {
    clock = t;
    print(event);
  }
  return lines;
}

describe('downloadProgressPrinter', () => {
  it('writes plain lines off a terminal: start, every 10 s, each file, done with the rate', () => {
    expect(replay(null)).toEqual([
      '[medgpt] downloading Qwen/Qwen2.5-0.5B@main (commit c0ffee1): 2 files, 3.0 MB, resuming from 1.0 MB, into /hf/hub',
      '[medgpt]   66%: 2.0 MB of 3.0 MB (model.safetensors 2.0 MB/2.0 MB), 90.9 kB/s, ETA 0:11',
      '[medgpt]   model.safetensors: 2.0 MB (1/2)',
      '[medgpt]   tokenizer.json: 1.0 MB (2/2)',
      '[medgpt] downloaded Qwen/Qwen2.5-0.5B@main in 0:20 (100.0 kB/s): /hf/hub/models--Qwen--Qwen2.5-0.5B/snapshots/c',
    ]);
  });

  it('on a terminal redraws one line in place and clears it before each log line', () => {
    let screen = '';
    const lines = replay({ write: (t) => void (screen += t), isTTY: true, columns: 200 });
    expect(lines).toHaveLength(4); // no timed lines: the live line shows progress
    expect(screen).toBe(
      '\r 50% |██████████··········|  1.5 MB/3.0 MB  model.safetensors (1/2)  1.0 MB/s  0:01<0:02\x1b[K' +
        '\r 66% |█████████████·······|  2.0 MB/3.0 MB  model.safetensors (1/2)  90.9 kB/s  0:11<0:11\x1b[K' +
        '\r\x1b[K',
    );
  });

  it('formats sizes in decimal units', () => {
    expect([0, 999, 1000, 4096, 988_100_000, 15_200_000_000].map(formatBytes)).toEqual([
      '0 B',
      '999 B',
      '1.0 kB',
      '4.1 kB',
      '988.1 MB',
      '15.2 GB',
    ]);
  });
});
