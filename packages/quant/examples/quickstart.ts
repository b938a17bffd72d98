// Export a Hugging Face model to GGUF and run it with llama.cpp (here through node-llama-cpp, on the
// CPU): its greedy continuation is medgpt's.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@medgpt/core-tensor';
import { createTinyModel, generate, loadModel } from '@medgpt/models';
import { exportGguf } from '@medgpt/quant';
import { getLlama, type Token } from 'node-llama-cpp';

await initBackend();
const root = await mkdtemp(join(tmpdir(), 'gguf-'));
// A tiny random Qwen2 model as a Hugging Face directory; use your fine-tuned model's directory instead.
const { dir, tokenizer } = await createTinyModel(
  { architecture: 'qwen2', seed: 5, initializerRange: 0.5, dtype: 'float16' },
  join(root, 'tiny-qwen2'),
);

// f16, q8_0 or q4_0 (llama.cpp's block layouts); the tokenizer and chat template go in the file too.
const result = await exportGguf({ model: dir, output: join(root, 'tiny-qwen2-f16.gguf'), outType: 'f16' });
console.log(`${result.architecture}: ${result.tensors.length} tensors, ${result.bytes} bytes`);

const prompt = tokenizer.encode('Hello, doc');
const llama = await getLlama({ gpu: false, build: 'never' }); // the prebuilt CPU binary
const gguf = await llama.loadModel({ modelPath: result.path });
const context = await gguf.createContext({ contextSize: 64, threads: 1 });
const sequence = context.getSequence();
const theirs: number[] = [];
for await (const token of sequence.evaluate(prompt as Token[], { temperature: 0, yieldEogToken: true })) {
  if (theirs.push(token) === 8) break;
}
await context.dispose();
await gguf.dispose();

const model = await loadModel(dir);
const ours = await generate(model, [prompt], { maxNewTokens: 8, doSample: false, eosTokenIds: [] });
model.dispose();
console.log(`llama.cpp: ${theirs.join(' ')}`);
console.log(`medgpt:    ${ours.tokenIds[0]!.join(' ')}`);
await rm(root, { recursive: true });
