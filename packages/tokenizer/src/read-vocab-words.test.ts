import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { readVocabWords } from './read-vocab-words.js';
import { DATA_DIR } from './test-tokenizers.js';

describe('readVocabWords', () => {
  it('takes the first field of each line, keeps all-Chinese entries once, in file order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'medgpt-words-'));
    try {
      const file = join(dir, 'words.txt');
      await writeFile(file, '<unk>\t0\n医院\t1\n▁the\t2\n医院 3\r\n发烧 100\n\t\t6\nabc中\t7\n');
      expect(await readVocabWords(file)).toEqual(['医院', '发烧']);
      expect(await readVocabWords(file, /^[a-z]+$/)).toEqual([]);
      expect(await readVocabWords(file, /^▁/)).toEqual(['▁the']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reads MedicalGPT's Baichuan vocabulary", async () => {
    const words = await readVocabWords(`${DATA_DIR}/vocab/baichuan_vocab.txt`);
    expect(words.length).toBeGreaterThan(20_000);
    expect(words.every((w) => /^[\u4e00-\u9fa5]+$/u.test(w))).toBe(true);
  });

  it('names a missing file', async () => {
    await expect(readVocabWords('/nonexistent/words.txt')).rejects.toThrow(
      /\/nonexistent\/words\.txt: cannot read the word list/,
    );
  });
});
