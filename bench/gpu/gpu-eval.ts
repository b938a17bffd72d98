// The GPU evaluation benchmark, our side: `medgpt eval --choice_file` as the CLI runs it (loadModel,
// loadTokenizer, readChoiceQuestions, the tokenizer's chat template, evaluateChoices), on the model
// directory and 1,000-question CSV that bench/torch/gpu_eval_torch.py makes (a Qwen2.5-0.5B-shaped model with
// bf16 weights, the Qwen3 tokenizer), beside transformers' same scoring in the same device run
// (bench/gpu/gpu-eval.sh). Numbers, not a test.
//
//   node .device/cuda/gpu-eval.mjs --model DIR --questions FILE [--batch-size 16] [--backend cuda|cpu]
//     [--matmul bf16|fp32] [--json FILE] [--predictions FILE] [--compare FILE]
//
// Timed: evaluateChoices over every question after a warm-up call on the first batch (cuBLASLt plans,
// kernel modules); questions/s is its own figure (rendering and tokenising included, as on the torch
// side). --compare: transformers' predictions (a JSON list of letters) to count agreement with ours.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tf } from '@medgpt/core-tensor';
import { choicePrompt, choiceRenderer, evaluateChoices, readChoiceQuestions } from '@medgpt/eval';
import { loadModel } from '@medgpt/models';
import { loadTokenizer } from '@medgpt/tokenizer';
import { memoryMiB, setupBackend } from '../lib/gpu-model.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    questions: { type: 'string' },
    'batch-size': { type: 'string', default: '16' },
    backend: { type: 'string', default: 'cuda' },
    matmul: { type: 'string', default: 'bf16' },
    json: { type: 'string' },
    predictions: { type: 'string' },
    compare: { type: 'string' },
  },
});
if (!args.model || !args.questions) throw new Error('--model DIR and --questions FILE are required');
const batchSize = Number(args['batch-size']);

await setupBackend(args.backend, args.matmul);
const loadStarted = performance.now();
const model = await loadModel(args.model);
const tokenizer = await loadTokenizer(args.model);
const loadSeconds = (performance.now() - loadStarted) / 1000;
const questions = await readChoiceQuestions(args.questions);
const render = choiceRenderer(tokenizer, null);
console.log(`model and tokenizer loaded in ${loadSeconds.toFixed(1)} s; ${questions.length} questions`);

// Warm-up on the first batch, then the timed run over all of them.
evaluateChoices({ model, tokenizer, questions: questions.slice(0, batchSize), render, batchSize });
const before = tf.memory().numTensors;
const r = evaluateChoices({ model, tokenizer, questions, render, batchSize });
const leaked = tf.memory().numTensors - before;

let checksum = 0;
let tokens = 0;
for (const q of questions) {
  const ids = render(choicePrompt(q));
  tokens += ids.length;
  for (const id of ids) checksum += id;
}
const predicted = r.predictions.map((p) => p.predicted);
let agreement: number | null = null;
if (args.compare) {
  const theirs = JSON.parse(readFileSync(args.compare, 'utf8')) as string[];
  agreement = predicted.filter((p, i) => p === theirs[i]).length / predicted.length;
}
const mem = memoryMiB();
const result = {
  side: 'medgpt',
  backend: args.backend,
  matmul: args.backend === 'cuda' ? args.matmul : 'fp32',
  questions: r.total,
  batch_size: batchSize,
  seconds: Number((r.total / r.questionsPerSecond).toFixed(3)),
  questions_per_second: Number(r.questionsPerSecond.toFixed(1)),
  prompt_tokens: tokens,
  prompt_checksum: checksum,
  accuracy: Number(r.accuracy.toFixed(4)),
  agreement_with_transformers: agreement,
  load_seconds: Number(loadSeconds.toFixed(1)),
  pool_peak_mib: mem.poolPeakMiB,
  leaked_tensors: leaked,
};
console.log(JSON.stringify(result));
if (args.json) appendFileSync(args.json, `${JSON.stringify(result)}\n`);
if (args.predictions) writeFileSync(args.predictions, JSON.stringify(predicted));
model.dispose();
