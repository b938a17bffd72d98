import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SafetensorsFile, tf } from '@medgpt/core-tensor';
import { loadModel } from '@medgpt/models';
import type { LogEntry } from '@medgpt/trainer';
import { describe, expect, it } from 'vitest';
import { SFT_FILE, tinySetup } from '../test-support/tiny-setup.js';
import { SftTrainer } from './sft-trainer.js';
import type { SftConfigInput } from './sft-config.js';

const quiet = { log: () => undefined, progress: false as const, handleSignals: false };
const losses = (h: LogEntry[]) => h.filter((e) => e.loss !== undefined).map((e) => e.loss!);

function config(base: string, out: string, extra: Partial<SftConfigInput> = {}): SftConfigInput {
  return {
    model_name_or_path: base,
    train_file_dir: SFT_FILE,
    output_dir: out,
    torch_dtype: 'float32',
    model_max_length: 48,
    max_train_samples: 8,
    max_eval_samples: 2,
    per_device_train_batch_size: 4,
    max_steps: 12,
    learning_rate: 1e-2,
    logging_steps: 1,
    save_steps: 6,
    ...extra,
  };
}

async function tensorsOf(file: string): Promise<Map<string, number[]>> {
  const st = await SafetensorsFile.open(file);
  const out = new Map<string, number[]>();
  for (const name of st.names) {
    const t = await st.readTensor(name);
    out.set(name, Array.from(t.dataSync()));
    t.dispose();
  }
  await st.close();
  return out;
}

describe('SftTrainer', () => {
  it('full fine-tuning: the loss falls, every parameter changes, the model and its eval land in output_dir, no tensor leaks', async () => {
    const { dir, base } = await tinySetup();
    const before = tf.memory().numTensors;
    const out = join(dir, 'full');
    const result = await new SftTrainer(config(base, out, { use_peft: false }), quiet).train();
    expect(tf.memory().numTensors).toBe(before);
    const l = losses(result.train.logHistory);
    expect(l).toHaveLength(12);
    expect(l.every(Number.isFinite)).toBe(true);
    expect(l.at(-1)!).toBeLessThan(0.8 * l[0]!);
    expect(result).toMatchObject({ saved: 'model', trainRows: 8, evalRows: 2 });
    const initial = await tensorsOf(join(base, 'model.safetensors'));
    const trained = await tensorsOf(join(out, 'model.safetensors'));
    for (const [name, values] of initial) expect(trained.get(name), name).not.toEqual(values);
    const evalResults = JSON.parse(readFileSync(join(out, 'eval_results.json'), 'utf8'));
    expect(evalResults.perplexity).toBeCloseTo(Math.exp(evalResults.eval_loss), 6);
    // The saved model loads back (a real HF dir) and has the trained weights.
    const reloaded = await loadModel(out);
    expect(Array.from(reloaded.weight('model.norm.weight').dataSync())).toEqual(
      trained.get('model.norm.weight'),
    );
    reloaded.dispose();
  });

  it('LoRA (MedicalGPT default): only the adapter trains; checkpoints are peft adapters and resume exactly', async () => {
    const { dir, base } = await tinySetup(1);
    const out = join(dir, 'lora');
    const full = await new SftTrainer(
      config(base, out, { lora_rank: 4, lora_alpha: 8, lora_dropout: 0.1 }),
      quiet,
    ).train();
    expect(full.saved).toBe('adapter');
    const adapter = await tensorsOf(join(out, 'adapter_model.safetensors'));
    const names = [...adapter.keys()];
    expect(names.every((n) => /^base_model\.model\.model\.layers\.\d+\..*\.lora_[AB]\.weight$/.test(n))).toBe(
      true,
    );
    expect(
      names.filter((n) => n.endsWith('lora_B.weight')).every((n) => adapter.get(n)!.some((v) => v !== 0)),
    ).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'adapter_config.json'), 'utf8'))).toMatchObject({
      r: 4,
      lora_alpha: 8,
      lora_dropout: 0.1,
    });
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);

    // Resume from checkpoint-6 in another dir: LoRA dropout's stream is restored too, so the losses agree.
    const again = join(dir, 'lora-resumed');
    cpSync(join(out, 'checkpoint-6'), join(again, 'checkpoint-6'), { recursive: true });
    const resumed = await new SftTrainer(
      config(base, again, { lora_rank: 4, lora_alpha: 8, lora_dropout: 0.1, resume_from_checkpoint: true }),
      quiet,
    ).train();
    expect(losses(resumed.train.logHistory)).toEqual(losses(full.train.logHistory));
    expect(await tensorsOf(join(again, 'adapter_model.safetensors'))).toEqual(adapter);
  });

  it('QLoRA (--load_in_4bit --qlora) and 8-bit: LoRA trains over the quantised base; it follows full-precision LoRA, no tensor leaks', async () => {
    const { dir, base } = await tinySetup(4);
    const run = (out: string, extra: Partial<SftConfigInput>) =>
      new SftTrainer(config(base, join(dir, out), { lora_rank: 4, lora_alpha: 8, ...extra }), quiet).train();
    const before = tf.memory().numTensors;
    const lora = losses((await run('lora', {})).train.logHistory);
    for (const extra of [
      { load_in_4bit: true, qlora: true, gradient_checkpointing: true },
      { load_in_4bit: true },
      { load_in_8bit: true },
    ]) {
      const result = await run(JSON.stringify(extra).replace(/\W+/g, '-'), extra);
      const l = losses(result.train.logHistory);
      expect(l).toHaveLength(12);
      expect(l.at(-1)!).toBeLessThan(l[0]! - 0.05);
      // The base really is quantised (the losses differ from full-precision LoRA's), and training follows
      // the same course (within 2 % at every step).
      expect(l).not.toEqual(lora);
      l.forEach((v, i) => expect(Math.abs(v - lora[i]!)).toBeLessThan(0.02 * lora[i]!));
      expect(result.saved).toBe('adapter');
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gradient checkpointing changes memory, not results (full and LoRA with dropout)', async () => {
    const { dir, base } = await tinySetup(3);
    for (const use_peft of [false, true]) {
      const run = (gradient_checkpointing: boolean) =>
        new SftTrainer(
          config(base, join(dir, `${use_peft}-${gradient_checkpointing}`), {
            use_peft,
            gradient_checkpointing,
            max_steps: 3,
            lora_dropout: 0.1,
          }),
          quiet,
        ).train();
      const plain = losses((await run(false)).train.logHistory);
      const recomputed = losses((await run(true)).train.logHistory);
      recomputed.forEach((l, i) => expect(l).toBeCloseTo(plain[i]!, 5));
    }
  });

  it('NEFTune: the noise changes training, a seed reproduces it, and a resumed run draws the same noise', async () => {
    const { dir, base } = await tinySetup(2);
    const run = (out: string, extra: Partial<SftConfigInput> = {}) =>
      new SftTrainer(
        config(base, join(dir, out), { use_peft: false, max_steps: 4, save_steps: 2, ...extra }),
        quiet,
      ).train();
    const plain = losses((await run('plain')).train.logHistory);
    const neft = losses((await run('neft', { neft_alpha: 5 })).train.logHistory);
    expect(neft[0]).not.toBe(plain[0]);
    expect(losses((await run('neft-again', { neft_alpha: 5 })).train.logHistory)).toEqual(neft);
    expect(losses((await run('neft-seed', { neft_alpha: 5, seed: 7 })).train.logHistory)).not.toEqual(neft);
    const small = losses(
      (await run('neft-medicalgpt', { neft_alpha: 5, neft_scale: 'medicalgpt' })).train.logHistory,
    );
    expect(small[0]).not.toBe(neft[0]);
    cpSync(join(dir, 'neft', 'checkpoint-2'), join(dir, 'neft-resumed', 'checkpoint-2'), { recursive: true });
    const resumed = await run('neft-resumed', { neft_alpha: 5, resume_from_checkpoint: true });
    expect(losses(resumed.train.logHistory)).toEqual(neft);
  });

  it('packing: a short packed run trains reproducibly, no tensor leaks', async () => {
    const { dir, base } = await tinySetup(2);
    const before = tf.memory().numTensors;
    const run = (out: string) =>
      new SftTrainer(
        config(base, join(dir, out), { use_peft: false, max_steps: 3, packing: true }),
        quiet,
      ).train();
    const packed = await run('packed');
    expect(tf.memory().numTensors).toBe(before);
    expect(packed.train.globalStep).toBe(3);
    const l = losses(packed.train.logHistory);
    expect(l.every(Number.isFinite)).toBe(true);
    expect(losses((await run('packed-again')).train.logHistory)).toEqual(l);
  });
});
