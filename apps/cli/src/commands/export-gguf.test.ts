import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { main } from '../cli-main.js';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu'); // createTinyModel draws the weights
  root = await mkdtemp(join(tmpdir(), 'medgpt-export-gguf-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function medgpt(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: root,
    env: { HF_HUB_OFFLINE: '1', HF_HUB_CACHE: join(root, 'hub') },
  };
  return { code: await main(argv, io), stdout, stderr };
}

async function magic(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const bytes = new Uint8Array(8);
    await file.read(bytes, 0, 8, 0);
    const version = new DataView(bytes.buffer).getUint32(4, true);
    return `${new TextDecoder().decode(bytes.subarray(0, 4))} v${version}`;
  } finally {
    await file.close();
  }
}

describe('medgpt export-gguf', () => {
  it('writes a q4_0 GGUF of a Llama model and says what it wrote', async () => {
    const { dir } = await createTinyModel({ architecture: 'llama', seed: 1 }, join(root, 'tiny-llama'));
    const output = join(root, 'tiny-llama-q4_0.gguf');
    const r = await medgpt(
      'export-gguf',
      '--model_name_or_path',
      dir,
      '--outtype',
      'q4_0',
      '--output',
      output,
    );
    expect(r.stderr).toContain('[medgpt] 20/20 tensors written');
    expect(r.stderr).toContain('note: token_embd.weight: the output matrix: q8_0');
    expect(r.code).toBe(0);
    // 2 layers x (7 matrices, 2 norms) + token_embd + output_norm; tied embeddings, so no output.weight.
    expect(r.stdout).toMatch(
      new RegExp(`^Wrote ${output}: llama, q4_0, 20 tensors \\(1 q8_0, 14 q4_0, 5 f32\\), \\d+ bytes\\n$`),
    );
    expect(await magic(output)).toBe('GGUF v3');
  });

  it('defaults to f16 and takes the tokenizer from elsewhere', async () => {
    const { dir } = await createTinyModel({ architecture: 'qwen2', seed: 2 }, join(root, 'tiny-qwen2'));
    const output = join(root, 'tiny-qwen2.gguf');
    const r = await medgpt(
      'export-gguf',
      '--model-name-or-path',
      dir,
      '--tokenizer_name_or_path',
      join(root, 'tiny-llama'),
      '--output',
      output,
    );
    expect(r.code).toBe(0);
    // 2 layers x (7 matrices; q/k/v biases and 2 norms) + token_embd + output_norm.
    expect(r.stdout).toContain(`Wrote ${output}: qwen2, f16, 26 tensors (15 f16, 11 f32)`);
  });

  it('fails with the library error naming the tensor, and writes nothing', async () => {
    const { dir } = await createTinyModel(
      { architecture: 'qwen2', seed: 1, hiddenSize: 48 },
      join(root, 'ragged'),
    );
    const out = join(root, 'empty');
    await rm(out, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(out));
    const r = await medgpt(
      'export-gguf',
      '--model_name_or_path',
      dir,
      '--outtype',
      'q4_0',
      '--output',
      join(out, 'x.gguf'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'medgpt export-gguf: error: ' +
        `${join(dir, 'model.safetensors')}: "blk.0.attn_q.weight": has rows of 48 values (shape [48,48]); q4_0 needs rows that are a multiple of 32`,
    );
    expect(await readdir(out)).toEqual([]);
  });

  it('refuses an unknown --outtype with the choices', async () => {
    const r = await medgpt(
      'export-gguf',
      '--model_name_or_path',
      'x',
      '--outtype',
      'q4_k',
      '--output',
      'y.gguf',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--outtype must be one of f32, f16, q8_0, q4_0; got "q4_k"');
  });
});
