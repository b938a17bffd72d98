import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer } from '@medgpt/tokenizer';
import { describe, expect, it } from 'vitest';
import { PT_FILE, tinySetup } from '../test-support/tiny-setup.js';
import { resolvePtConfig } from './pt-config.js';
import { ptData } from './pt-data.js';

describe('ptData', () => {
  it('groups text into block_size blocks with labels = ids; max_*_samples count blocks; validation is the first 1%', async () => {
    const { base } = await tinySetup();
    const tokenizer = await loadTokenizer(base);
    const options = resolvePtConfig({
      model_name_or_path: base,
      train_file_dir: PT_FILE,
      block_size: 32,
      max_train_samples: 10,
      max_eval_samples: 3,
    });
    const data = await ptData(options, tokenizer, 0);
    expect(data.train).toHaveLength(10);
    expect(data.eval).toHaveLength(3);
    expect(data.rows.validation).toBe(Math.round(data.rows.train / 99)); // 1 % of all rows, rounded like HF
    for (const row of [...data.train, ...data.eval]) {
      expect(row.inputIds).toHaveLength(32);
      expect(Array.from(row.labels)).toEqual(Array.from(row.inputIds));
    }
    // EOS separates documents: the first block holds the first line's ids then EOS.
    const firstLine = tokenizer.encode('第一章论\n');
    expect(Array.from(data.eval[0]!.inputIds).slice(0, firstLine.length + 1)).toEqual([
      ...firstLine,
      tokenizer.eosTokenId,
    ]);
  });

  it('without packing: one row per text, cut to block_size; keep_linebreaks false drops the line break', async () => {
    const { dir, base } = await tinySetup();
    const tokenizer = await loadTokenizer(base);
    const file = join(mkdtempSync(join(dir, 'txt-')), 'a.txt');
    writeFileSync(file, 'fever is common\nx\n' + 'cough '.repeat(20) + '\n');
    const options = resolvePtConfig({
      model_name_or_path: base,
      train_file_dir: file,
      block_size: 16,
      packing: false,
      keep_linebreaks: false,
      validation_split_percentage: 0,
    });
    const { train } = await ptData(options, tokenizer, 0);
    expect(train.map((r) => r.inputIds.length)).toEqual([tokenizer.encode('fever is common').length, 16]);
    void tmpdir;
  });

  it('mask_pad_labels false: every text padded to block_size, pad ids kept as labels, padding masked from attention', async () => {
    const { dir, base } = await tinySetup();
    const tokenizer = await loadTokenizer(base);
    const file = join(mkdtempSync(join(dir, 'txt-')), 'a.txt');
    writeFileSync(file, 'fever is common\nx\n');
    const pad = 3;
    const options = resolvePtConfig({
      model_name_or_path: base,
      train_file_dir: file,
      block_size: 16,
      packing: false,
      mask_pad_labels: false,
      validation_split_percentage: 0,
    });
    const { train } = await ptData(options, tokenizer, pad);
    expect(train).toHaveLength(2); // the one-token row is kept: its padding is still scored
    for (const [i, text] of ['fever is common\n', 'x\n'].entries()) {
      const ids = tokenizer.encode(text);
      const padding = new Array<number>(16 - ids.length).fill(pad);
      expect(Array.from(train[i]!.inputIds)).toEqual([...ids, ...padding]);
      expect(Array.from(train[i]!.labels)).toEqual([...ids, ...padding]);
      expect(Array.from(train[i]!.attentionMask!)).toEqual([...ids.map(() => 1), ...padding.map(() => 0)]);
    }
  });
});
