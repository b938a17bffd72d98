import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDenseIndex } from './open-dense-index.js';
import type { Passage } from './passage.js';

const p = (id: number, text: string): Passage => ({ id, source: 'a.txt', line: id + 1, text });
const passages = [p(0, 'ab'), p(1, 'b')];
const model = { name: 'toy', dimension: 2 };
// A toy embedding: counts of 'a' and 'b'.
const count = (t: string) => Float32Array.from([t.split('a').length - 1, t.split('b').length - 1]);

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'rag-open-dense-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('openDenseIndex', () => {
  it('embeds and saves the passages once, then loads them without embedding', async () => {
    const path = join(dir, 'docs.bm25.json.dense');
    const embed = vi.fn(async (texts: readonly string[]) => texts.map(count));
    const log: string[] = [];
    const built = await openDenseIndex(passages, { model, embed, path, log: (l) => void log.push(l) });
    expect(embed).toHaveBeenCalledOnce();
    expect(existsSync(path)).toBe(true);
    const loaded = await openDenseIndex(passages, { model, embed, path, log: (l) => void log.push(l) });
    expect(embed).toHaveBeenCalledOnce();
    expect(loaded.search(count('a'), 2)).toEqual(built.search(count('a'), 2));
    expect(log).toEqual([
      '[medgpt] embedding 2 passages with toy',
      `[medgpt] dense index saved to ${path}`,
      `[medgpt] dense index: ${path}`,
    ]);
    // No path: built in memory.
    expect((await openDenseIndex(passages, { model, embed })).passages).toEqual(passages);
  });

  it('refuses a saved index of another model or of other passages, saying how to rebuild', async () => {
    const path = join(dir, 'docs.dense');
    const embed = async (texts: readonly string[]) => texts.map(count);
    await openDenseIndex(passages, { model, embed, path });
    await expect(
      openDenseIndex(passages, { model: { name: 'other', dimension: 2 }, embed, path }),
    ).rejects.toThrow(
      `${path}: model: the index holds embeddings of "toy" (dimension 2), not of "other" (dimension 2); ` +
        'delete the file to embed the passages again with "other"',
    );
    await expect(openDenseIndex([p(0, 'ab'), p(1, 'bb')], { model, embed, path })).rejects.toThrow(
      `${path}: the dense index holds other passages than the documents' (passage 1: text differs)`,
    );
  });
});
