import { join } from 'node:path';
import { SafetensorsFile } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import type { LogEntry } from '@medgpt/trainer';
import { describe, expect, it } from 'vitest';
import { PtTrainer } from '../pt/pt-trainer.js';
import { SftTrainer } from '../sft/sft-trainer.js';
import { PT_FILE, SFT_FILE, tinySetup } from '../test-support/tiny-setup.js';
import { longLoraModulesToSave } from './shift-attn.js';

const losses = (h: LogEntry[]) => h.filter((e) => e.loss !== undefined).map((e) => e.loss!);

describe('--shift_attn', () => {
  it("adds LongLoRA's trainable embeddings and norms to modules_to_save", () => {
    expect(longLoraModulesToSave(null, false)).toBe('embed_tokens,norm');
    expect(longLoraModulesToSave('lm_head, norm', false)).toBe('lm_head,norm,embed_tokens');
    // A tied LM head reads embed_tokens: peft's copy of one side cannot be expressed, so only the norms.
    expect(longLoraModulesToSave(null, true)).toBe('norm');
  });

  it('SFT with LoRA: training steps use S2-Attn (a different first loss), losses are finite, the norms train with the adapter', async () => {
    const { dir, base } = await tinySetup(2);
    const run = async (shift: boolean) => {
      const lines: string[] = [];
      const result = await new SftTrainer(
        {
          model_name_or_path: base,
          train_file_dir: SFT_FILE,
          output_dir: join(dir, shift ? 's2' : 'full'),
          torch_dtype: 'float32',
          model_max_length: 48,
          max_train_samples: 8,
          max_eval_samples: 2,
          per_device_train_batch_size: 4,
          max_steps: 4,
          learning_rate: 1e-2,
          logging_steps: 1,
          lora_dropout: 0,
          shift_attn: shift,
        },
        { log: (l) => void lines.push(l), progress: false, handleSignals: false },
      ).train();
      return { result, lines };
    };
    const s2 = await run(true);
    const full = await run(false);
    const l = losses(s2.result.train.logHistory);
    expect(l).toHaveLength(4);
    expect(l.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(s2.result.evalMetrics!.eval_loss)).toBe(true);
    // LoRA's B starts at 0: the first step is the base model's loss, sparse vs full attention.
    expect(Math.abs(l[0]! - losses(full.result.train.logHistory)[0]!)).toBeGreaterThan(1e-4);
    expect(s2.lines.some((x) => /^shift_attn: S2-Attn .*multiple of 4.*norm/.test(x))).toBe(true);
    const st = await SafetensorsFile.open(join(s2.result.outputDir, 'adapter_model.safetensors'));
    const names = [...st.names];
    await st.close();
    expect(names.some((n) => n.includes('input_layernorm'))).toBe(true);
    expect(names.some((n) => n.includes('model.norm'))).toBe(true);
  });

  it('LoRA on an untied model also trains embed_tokens, saved with the adapter', async () => {
    const { dir } = await tinySetup(4);
    const base = join(dir, 'untied');
    await createTinyModel({ seed: 4, hiddenSize: 32, intermediateSize: 64, tieWordEmbeddings: false }, base);
    const result = await new SftTrainer(
      {
        model_name_or_path: base,
        train_file_dir: SFT_FILE,
        output_dir: join(dir, 'out'),
        torch_dtype: 'float32',
        model_max_length: 48,
        max_train_samples: 4,
        per_device_train_batch_size: 4,
        max_steps: 2,
        logging_steps: 1,
        shift_attn: true,
      },
      { log: () => undefined, progress: false, handleSignals: false },
    ).train();
    expect(losses(result.train.logHistory).every(Number.isFinite)).toBe(true);
    const st = await SafetensorsFile.open(join(result.outputDir, 'adapter_model.safetensors'));
    const names = [...st.names];
    await st.close();
    expect(names.some((n) => n.includes('embed_tokens'))).toBe(true);
    expect(names.some((n) => n.includes('post_attention_layernorm'))).toBe(true);
  });

  it('PT: rows are padded to a multiple of 4 so they split into groups (block_size 18 -> 20)', async () => {
    const { dir, base } = await tinySetup(3);
    const result = await new PtTrainer(
      {
        model_name_or_path: base,
        train_file_dir: PT_FILE,
        output_dir: join(dir, 'pt'),
        torch_dtype: 'float32',
        use_peft: false,
        block_size: 18,
        max_train_samples: 8,
        per_device_train_batch_size: 4,
        max_steps: 2,
        logging_steps: 1,
        shift_attn: true,
      },
      { log: () => undefined, progress: false, handleSignals: false },
    ).train();
    expect(losses(result.train.logHistory).every(Number.isFinite)).toBe(true);
  });
});
