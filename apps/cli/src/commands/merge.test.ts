import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '@medgpt/core-tensor';
import { loadModel, type CausalLM } from '@medgpt/models';
import { PeftModel } from '@medgpt/peft';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../args/parse-args.js';
import type { CliIo } from '../cli-io.js';
import { mergeCommand } from './merge.js';

const BASE = fileURLToPath(new URL('../../../../packages/models/src/fixtures/llama', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'medgpt-merge-'));

function logits(model: CausalLM): Float32Array {
  return tf.tidy(() => {
    const ids = tf.tensor2d([[5, 9, 17, 33, 2]], undefined, 'int32');
    return model.forward({ inputIds: ids }).dataSync() as Float32Array;
  });
}

async function run(...argv: string[]) {
  let stdout = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: () => undefined,
    cwd: dir,
    env: { MEDGPT_BACKEND: 'cpu' },
  };
  const { options } = parseArgs(argv, mergeCommand.options);
  const code = await mergeCommand.run(options, { io, positionals: [] });
  return { code, stdout };
}

describe('medgpt merge', () => {
  it('folds a LoRA adapter into the base and writes a checkpoint with the same logits', async () => {
    await tf.setBackend('cpu');
    const model = await loadModel(BASE);
    const peft = new PeftModel(model);
    peft.addAdapter(
      'default',
      { target_modules: 'all', r: 4, lora_alpha: 8, init_lora_weights: false },
      { seed: 7 },
    );
    const expected = logits(model);
    await peft.saveAdapter(join(dir, 'adapter'));
    peft.dispose();
    model.dispose();

    const out = join(dir, 'merged');
    const { code, stdout } = await run(
      '--base_model',
      BASE,
      '--lora_model',
      join(dir, 'adapter'),
      '--output_dir',
      out,
    );
    expect(code).toBe(0);
    expect(stdout).toContain(`Done! merged model saved to ${out} (14 layers merged, 1 weight file(s))`);
    expect(stdout).toContain('copied from the tokenizer directory: generation_config.json');
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
    const merged = await loadModel(out);
    const got = logits(merged);
    merged.dispose();
    expect(Math.max(...got.map((x, i) => Math.abs(x - expected[i]!)))).toBeLessThan(1e-5);
  });

  it('refuses --hf_hub_model_id (no network) before loading anything', async () => {
    await expect(
      run('--base_model', BASE, '--lora_model', 'x', '--hf_hub_model_id', 'me/model'),
    ).rejects.toThrow('--hf_hub_model_id: pushing to the Hugging Face Hub is not supported');
  });
});
