import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { loadTokenizer } from '@medgpt/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/load-model.js';
import { createTinyModel } from './create-tiny-model.js';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-tiny-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('createTinyModel', () => {
  it.each(['llama', 'qwen2', 'qwen3', 'mistral'])(
    'writes a loadable %s dir with a tokenizer',
    async (architecture) => {
      const dir = join(root, architecture);
      const made = await createTinyModel(
        { architecture, seed: 3, slidingWindow: architecture === 'mistral' ? 8 : null },
        dir,
      );
      expect((await readdir(dir)).sort()).toEqual([
        'config.json',
        'generation_config.json',
        'model.safetensors',
        'special_tokens_map.json',
        'tokenizer.json',
        'tokenizer_config.json',
      ]);
      const model = await loadModel(dir);
      expect(model.config).toEqual(made.config);
      expect(model.config.vocabSize).toBe(259);
      const tokenizer = await loadTokenizer(dir);
      const text = 'Fever 发热 🤒';
      const ids = tokenizer.encode(text);
      expect(ids.length).toBe(new TextEncoder().encode(text).length);
      expect(tokenizer.decode(ids)).toBe(text);
      expect(tokenizer.eosToken).toBe('<|im_end|>');
      expect(model.generationConfig.eosTokenIds).toEqual([258, 256]);
      model.dispose();
    },
  );

  it('is deterministic in its seed', async () => {
    await createTinyModel({ seed: 7 }, join(root, 'a'));
    await createTinyModel({ seed: 7 }, join(root, 'b'));
    await createTinyModel({ seed: 8 }, join(root, 'c'));
    const bytes = (d: string) => readFile(join(root, d, 'model.safetensors'));
    expect((await bytes('a')).equals(await bytes('b'))).toBe(true);
    expect((await bytes('a')).equals(await bytes('c'))).toBe(false);
  });

  it('refuses an unknown architecture and a vocabulary smaller than the tokenizer', async () => {
    await expect(createTinyModel({ architecture: 'gpt2' }, join(root, 'x'))).rejects.toThrow(
      /architecture 'gpt2' is not supported; supported: llama, qwen2, qwen3, mistral/,
    );
    await expect(createTinyModel({ vocabSize: 100 }, join(root, 'y'))).rejects.toThrow(
      /vocabSize 100 is smaller than the tokenizer's 259/,
    );
    await expect(
      createTinyModel({ architecture: 'llama', slidingWindow: 8 }, join(root, 'z')),
    ).rejects.toThrow(/LlamaForCausalLM has no sliding window/);
  });
});
