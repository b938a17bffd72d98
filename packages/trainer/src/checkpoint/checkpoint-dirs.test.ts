import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  lastCheckpoint,
  listCheckpoints,
  removeUnfinishedCheckpoints,
  rotateCheckpoints,
  writeCheckpointDir,
} from './checkpoint-dirs.js';

const dir = () => mkdtempSync(join(tmpdir(), 'medgpt-ckpt-'));
const write = (text: string) => async (d: string) => writeFileSync(join(d, 'f.txt'), text);

describe('checkpoint directories', () => {
  it('appear whole or not at all: a failed write leaves nothing, a rewrite replaces', async () => {
    const out = dir();
    await writeCheckpointDir(out, 5, write('a'));
    const failed = writeCheckpointDir(out, 6, async (d) => {
      writeFileSync(join(d, 'half.txt'), 'x');
      throw new Error('disk full');
    });
    await expect(failed).rejects.toThrow('disk full');
    expect(readdirSync(out)).toEqual(['checkpoint-5']);
    await writeCheckpointDir(out, 5, write('b'));
    expect(readdirSync(out)).toEqual(['checkpoint-5']);
    expect(readFileSync(join(out, 'checkpoint-5', 'f.txt'), 'utf8')).toBe('b');
  });

  it('sorts by step, finds the newest, rotates, and cleans what a crash left', async () => {
    const out = dir();
    for (const step of [10, 2, 30]) await writeCheckpointDir(out, step, write(String(step)));
    expect((await listCheckpoints(out)).map((c) => c.step)).toEqual([2, 10, 30]);
    expect(await lastCheckpoint(out)).toBe(join(out, 'checkpoint-30'));
    expect(await rotateCheckpoints(out, 2)).toEqual([join(out, 'checkpoint-2')]);
    expect(await rotateCheckpoints(out, null)).toEqual([]);
    // A crash mid-write, and one between the two renames of a replacement.
    mkdirSync(join(out, '.checkpoint-40.tmp-123-abcd'));
    mkdirSync(join(out, '.checkpoint-50.old-123-abcd'));
    writeFileSync(join(out, '.checkpoint-50.old-123-abcd', 'f.txt'), '50');
    await removeUnfinishedCheckpoints(out);
    expect(readdirSync(out).sort()).toEqual(['checkpoint-10', 'checkpoint-30', 'checkpoint-50']);
    expect(existsSync(join(out, 'checkpoint-50', 'f.txt'))).toBe(true);
    expect(await listCheckpoints(join(out, 'missing'))).toEqual([]);
  });
});
