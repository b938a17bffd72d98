// The GPU GRPO benchmark (#17), our side: GRPO with LoRA (r 8 on every linear) on a Qwen2.5-0.5B-shaped
// random model, G = 8 completions per prompt of --new-tokens (256) tokens, 2 prompts per step (16
// completions), through @medgpt/trainers-rl's GrpoTrainer as a user runs it (model directory, JSONL
// rows, the serving engine sampling from the live adapter). Per step: seconds in total, in `prepare`
// (sampling 16 completions, scoring them) and in training (the rest), and the generation's tokens/s.
// bench/gpu/gpu-grpo.sh runs HF generate on the same batch beside it (bench/torch/gpu_serve_torch.py).
//
//   node .device/cuda/gpu-grpo.mjs [--steps 20] [--new-tokens 256] [--layers 24] [--backend cuda|cpu]
//     [--vocab 151936] [--hidden 896] [--intermediate 4864] [--heads 14] [--kv-heads 2] [--json FILE]
//
// The weights are random, so completions run to the token limit (random ids are rarely EOS): every step
// generates 16 x new-tokens tokens. The reward is a cheap TypeScript function of the text (its share of
// digits), so scoring costs nothing next to generation.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { saveModel } from '@medgpt/models';
import { GroupRolloutTask, GrpoTrainer, type NamedReward } from '@medgpt/trainers-rl';
import { buildRandomModel, memoryMiB, qwenRawConfig, setupBackend } from '../lib/gpu-model.js';
import { wideTokenizer } from '../lib/serve-tokenizer.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'cuda' },
    matmul: { type: 'string', default: 'bf16' },
    steps: { type: 'string', default: '20' },
    'new-tokens': { type: 'string', default: '256' },
    generations: { type: 'string', default: '8' },
    prompts: { type: 'string', default: '2' },
    layers: { type: 'string', default: '24' },
    vocab: { type: 'string', default: '151936' },
    hidden: { type: 'string', default: '896' },
    intermediate: { type: 'string', default: '4864' },
    heads: { type: 'string', default: '14' },
    'kv-heads': { type: 'string', default: '2' },
    json: { type: 'string' },
  },
});
const n = (k: keyof typeof args) => Number(args[k]);
const [steps, newTokens, G, prompts] = [n('steps'), n('new-tokens'), n('generations'), n('prompts')];

await setupBackend(args.backend, args.matmul);
const dir = mkdtempSync(join(tmpdir(), 'medgpt-gpu-grpo-'));
const started = performance.now();
const shape = {
  layers: n('layers'),
  vocab: n('vocab'),
  hidden: n('hidden'),
  intermediate: n('intermediate'),
  heads: n('heads'),
  kvHeads: n('kv-heads'),
};
const model = buildRandomModel(qwenRawConfig(shape));
await saveModel(model, join(dir, 'model'), { dtype: 'bfloat16' });
model.dispose();
await wideTokenizer(shape.vocab, 64 + newTokens + 16).save(join(dir, 'model'));
const rows = Array.from({ length: 64 }, (_, i) => ({
  question: `What is ${i} plus ${2 * i}? Show the steps.`,
  answer: `${3 * i}`,
}));
writeFileSync(join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
console.log(`grpo: model and rows written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// Time `prepare` (sampling + scoring) per step by wrapping the shared rollout task's method.
const prepareMs: number[] = [];
const original = GroupRolloutTask.prototype.prepare;
GroupRolloutTask.prototype.prepare = async function (...a: Parameters<typeof original>) {
  const t = performance.now();
  const out = await original.apply(this, a);
  prepareMs.push(performance.now() - t);
  return out;
};
const stepEnds: number[] = [];
const digits: NamedReward = {
  name: 'digits',
  fn: (completions) =>
    completions.map((t) => [...t].filter((c) => c >= '0' && c <= '9').length / Math.max(1, t.length)),
};
const trainStart = performance.now();
const result = await new GrpoTrainer(
  {
    model_name_or_path: join(dir, 'model'),
    train_file_dir: join(dir, 'rows.jsonl'),
    output_dir: join(dir, 'out'),
    reward_funcs: '',
    use_peft: true,
    lora_r: 8,
    lora_alpha: 16,
    lora_dropout: 0,
    lora_target_modules: 'all',
    num_generations: G,
    per_device_train_batch_size: G * prompts,
    max_completion_length: newTokens,
    max_prompt_length: 64,
    max_steps: steps,
    logging_steps: 1,
    save_strategy: 'no',
    learning_rate: 1e-6,
  },
  {
    log: (l) => void (/^(grpo|LoRA)/.test(l) && console.log(l)),
    progress: false,
    handleSignals: false,
    rewardFns: [digits],
    callbacks: [{ onStepEnd: () => void stepEnds.push(performance.now()) }],
  },
).train();
const stepMs = stepEnds.map((t, i) => t - (i === 0 ? trainStart : stepEnds[i - 1]!));
const lengths = result.train.logHistory
  .filter((e) => e['completions/mean_length'] !== undefined)
  .map((e) => e['completions/mean_length']! * G * prompts);
// The first step includes the engine's start and the first kernels' loading: report it apart.
const timed = (xs: number[]) => xs.slice(1);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const generationTokens = mean(timed(lengths));
const line = JSON.stringify({
  bench: 'gpu-grpo',
  stack: 'medgpt',
  backend: args.backend,
  layers: shape.layers,
  generations: G,
  prompts,
  newTokens,
  steps: stepMs.length,
  firstStepS: Math.round(stepMs[0]! / 10) / 100,
  stepS: Math.round(mean(timed(stepMs)) / 10) / 100,
  generationS: Math.round(mean(timed(prepareMs)) / 10) / 100,
  trainingS: Math.round((mean(timed(stepMs)) - mean(timed(prepareMs))) / 10) / 100,
  generatedTokensPerStep: Math.round(generationTokens),
  generationTokensPerSec: Math.round(generationTokens / (mean(timed(prepareMs)) / 1000)),
  peakMiB: memoryMiB().poolPeakMiB,
});
console.log(line);
if (args.json) appendFileSync(args.json, `${line}\n`);
rmSync(dir, { recursive: true, force: true });
