import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, generate, loadModel } from '@medgpt/models';
import { PeftModel } from '@medgpt/peft';
import { loadChatTemplate } from '@medgpt/templates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceSettings } from './inference-settings.js';
import { InferenceSession } from './inference-session.js';

let root: string;
let tiny: string;
let adapter: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-lora-'));
  tiny = join(root, 'tiny');
  adapter = join(root, 'adapter');
  await createTinyModel({ seed: 4, initializerRange: 0.5 }, tiny);
  // An adapter that changes the output from the start (peft's init_lora_weights=False), saved as peft does.
  const peft = new PeftModel(await loadModel(tiny));
  peft.addAdapter(
    'default',
    { r: 4, lora_alpha: 8, target_modules: 'all', init_lora_weights: false },
    { seed: 1 },
  );
  await peft.saveAdapter(adapter);
  peft.dispose();
  peft.model.dispose();
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function load(flags: Partial<InferenceSettings> & { base_model: string }) {
  const log: string[] = [];
  const session = await InferenceSession.load(flags, { log: (line) => void log.push(line) });
  return { session, log };
}

const QUESTION = [{ role: 'user', content: 'Fever?' }];
const GREEDY = { max_new_tokens: 6, temperature: 0 };

async function answer(session: InferenceSession): Promise<string> {
  const { texts } = await generate(
    session.model,
    [session.promptIds([], 'Fever?', '')],
    session.generateOptions,
  );
  return texts[0]!;
}

describe('--lora_model and --resize_emb', () => {
  it('answers through the adapter as peft does, unmerged; frees everything', async () => {
    const before = tf.memory().numTensors;
    const { session, log } = await load({ base_model: tiny, lora_model: adapter, ...GREEDY });
    expect(log.join('\n')).toContain(`[medgpt] LoRA adapter: ${adapter} (r 4, 14 layers)`);
    const withLora = await answer(session);
    session.dispose();
    expect(tf.memory().numTensors).toBe(before);

    // The same question to the adapter loaded by hand, with the prompt rendered by hand.
    const reference = new PeftModel(await loadModel(tiny));
    await reference.loadAdapter(adapter, 'default', { trainable: false });
    const prompt = (await loadChatTemplate(tiny)).render(QUESTION, { addGenerationPrompt: true });
    const { texts } = await generate(reference.model, [session.tokenizer.encode(prompt)], {
      maxNewTokens: 6,
      doSample: false,
      tokenizer: session.tokenizer,
    });
    reference.dispose();
    reference.model.dispose();
    expect(withLora).toBe(texts[0]);

    const { session: plain } = await load({ base_model: tiny, ...GREEDY });
    expect(await answer(plain)).not.toBe(withLora); // the adapter is really applied
    plain.dispose();
  });

  it('names the file when the adapter directory is not one', async () => {
    await expect(load({ base_model: tiny, lora_model: join(root, 'none') })).rejects.toThrow(
      join(root, 'none', 'adapter_config.json'),
    );
  });

  it('--resize_emb resizes the embeddings to the tokenizer; without it they stay', async () => {
    const big = join(root, 'big-vocab');
    await createTinyModel({ seed: 4, vocabSize: 300 }, big);
    const resized = await load({ base_model: big, resize_emb: true, ...GREEDY });
    expect(resized.session.model.config.vocabSize).toBe(resized.session.tokenizer.vocabSize);
    expect(resized.log.join('\n')).toContain("resizing the model's embeddings from 300 to the tokenizer's");
    await answer(resized.session);
    resized.session.dispose();
    const kept = await load({ base_model: big, ...GREEDY });
    expect(kept.session.model.config.vocabSize).toBe(300);
    kept.session.dispose();
  });
});

describe('--load_in_8bit / --load_in_4bit', () => {
  it('quantises the base as it loads; the adapter and --resize_emb work on top; frees everything', async () => {
    const before = tf.memory().numTensors;
    for (const [flag, format] of [
      ['load_in_8bit', 'int8'],
      ['load_in_4bit', 'fp4'],
    ] as const) {
      const { session } = await load({ base_model: tiny, lora_model: adapter, [flag]: true, ...GREEDY });
      const formats = new Set([...session.model.quantized.values()].map((q) => q.format));
      expect([...formats]).toEqual([format]);
      expect(session.model.quantized.size).toBe(7 * session.model.config.numHiddenLayers);
      expect((await answer(session)).length).toBeGreaterThan(0);
      session.dispose();
    }
    const big = join(root, 'big-vocab-4bit');
    await createTinyModel({ seed: 4, vocabSize: 300 }, big);
    const resized = await load({ base_model: big, resize_emb: true, load_in_4bit: true, ...GREEDY });
    expect(resized.session.model.config.vocabSize).toBe(resized.session.tokenizer.vocabSize);
    expect(resized.session.model.quantized.size).toBeGreaterThan(0);
    await answer(resized.session);
    resized.session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
