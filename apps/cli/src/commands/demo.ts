// `medgpt demo`: the whole pipeline on a laptop CPU in a few minutes, from MedicalGPT's sample data:
// a domain tokenizer, a tiny model, continued pretraining, supervised fine-tuning, DPO, then a chat answer.
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CHATML_TEMPLATE, createTinyModel, loadModel, streamText } from '@medgpt/models';
import { loadStageDatasets } from '@medgpt/data';
import { ChatTemplate } from '@medgpt/templates';
import { loadTokenizer, readTextLines, Tokenizer, trainBpe, type TokenizerJson } from '@medgpt/tokenizer';
import type { LogEntry, StageResult } from '@medgpt/trainer';
import { DpoTrainer, RewardTrainer } from '@medgpt/trainers-pref';
import { RlooTrainer } from '@medgpt/trainers-rl';
import { PtTrainer, SftTrainer } from '@medgpt/trainers-sft';

import type { CliIo } from '../cli-io.js';
import { defineCommand, EXIT_OK } from '../command.js';
import { exitCodeFor, selectTrainingBackend } from './training-options.js';

const SAMPLE = join('data', 'medicalgpt');
const QUESTION = '小孩发烧怎么办？';

export const demoCommand = defineCommand({
  name: 'demo',
  summary:
    'train a tiny medical model end to end on the sample data (tokenizer, PT, SFT, DPO or RM + RLOO, chat), on CPU',
  description:
    "The README's first command. On MedicalGPT's sample data it trains a byte-level BPE tokenizer on the\n" +
    'medical text (data/medicalgpt/pretrain/fever.txt), builds a tiny Qwen2-shaped model with it, continues\n' +
    'pretraining on that text, fine-tunes on medical_sft_1K_format.jsonl (ChatML), aligns it with DPO on\n' +
    "MedicalGPT's preference pairs (reward/dpo_zh_500.jsonl), then answers a medical question. Everything is\n" +
    'written under --output_dir; each stage prints its loss as it falls, DPO its reward margin as it rises.\n' +
    "--pipeline rlhf runs MedicalGPT's second notebook instead: after SFT, a reward model on the preference\n" +
    "pairs (reward_modeling.py), then RLOO against it (ppo_training.py's stage), and says whether the reward rose.",
  examples: [
    'medgpt demo',
    'medgpt demo --output_dir /tmp/demo --pt_steps 40 --sft_steps 60 --dpo_steps 20',
    'medgpt demo --pipeline rlhf --rm_steps 40 --rl_steps 30',
  ],
  options: {
    output_dir: {
      type: 'string',
      default: 'outputs-demo',
      metavar: 'DIR',
      description: 'where everything is written',
    },
    data_dir: {
      type: 'string',
      metavar: 'DIR',
      description: `MedicalGPT's sample data (default: ${SAMPLE} of the current or an enclosing directory)`,
    },
    backend: {
      type: 'string',
      default: 'wasm',
      metavar: 'NAME',
      description: 'tensor backend (wasm: CPU, any machine)',
    },
    vocab_size: { type: 'integer', default: 2000, metavar: 'N', description: 'size of the domain tokenizer' },
    pt_steps: { type: 'integer', default: 100, metavar: 'N', description: 'continued-pretraining steps' },
    sft_steps: { type: 'integer', default: 300, metavar: 'N', description: 'fine-tuning steps' },
    dpo_steps: { type: 'integer', default: 40, metavar: 'N', description: 'DPO steps' },
    pipeline: {
      type: 'string',
      default: 'dpo',
      choices: ['dpo', 'rlhf'],
      description: "after SFT: DPO, or a reward model then RLOO (MedicalGPT's RLHF notebook)",
    },
    rm_steps: {
      type: 'integer',
      default: 40,
      metavar: 'N',
      description: 'reward-model steps (--pipeline rlhf)',
    },
    rl_steps: { type: 'integer', default: 30, metavar: 'N', description: 'RLOO steps (--pipeline rlhf)' },
    sft_samples: {
      type: 'integer',
      default: 24,
      metavar: 'N',
      description: 'fine-tuning conversations (max_train_samples)',
    },
    question: {
      type: 'string',
      default: QUESTION,
      metavar: 'TEXT',
      description: 'what to ask the model at the end',
    },
    seed: { type: 'integer', default: 42, metavar: 'N', description: 'seed of everything random' },
  },
  async run(options, { io }) {
    const started = performance.now();
    const out = resolve(io.cwd, options.output_dir);
    const data = findSampleData(options.data_dir, io.cwd);
    await selectTrainingBackend(options.backend, io);
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    const say = (line: string) => io.stdout(`${line}\n`);
    const quiet = {
      log: (line: string) => void (/^(step |eval: |\w+ data: )/.test(line) && say(`  ${line}`)),
    };
    const text = join(data, 'pretrain', 'fever.txt');
    const conversations = join(data, 'sft', 'medical_sft_1K_format.jsonl');
    const pairs = join(data, 'reward', 'dpo_zh_500.jsonl');

    const total = options.pipeline === 'rlhf' ? 7 : 6;
    say(`\n[1/${total}] domain tokenizer: byte-level BPE with ${options.vocab_size} ids, trained on ${text}`);
    const tokenizer = await demoTokenizer(text, options.vocab_size, join(out, 'tokenizer'));
    say(`  "${options.question}" -> ${tokenizer.encode(options.question).length} tokens`);

    say(
      `\n[2/${total}] a tiny Qwen2-shaped model (2 layers, hidden 128) with that tokenizer, randomly initialised`,
    );
    await createTinyModel(
      { ...TINY_MODEL, seed: options.seed, tokenizer: join(out, 'tokenizer') },
      join(out, 'base'),
    );

    say(
      `\n[3/${total}] continued pretraining on the medical text: ${options.pt_steps} steps, every weight trained`,
    );
    const pt = await new PtTrainer(
      {
        ...SCHEDULE,
        model_name_or_path: join(out, 'base'),
        train_file_dir: text,
        output_dir: join(out, 'pt'),
        block_size: 64,
        max_train_samples: 256,
        max_eval_samples: 16,
        max_steps: options.pt_steps,
        logging_steps: Math.max(1, Math.round(options.pt_steps / 5)),
        save_steps: options.pt_steps,
        seed: options.seed,
      },
      quiet,
    ).train();
    if (pt.train.stopReason !== 'completed') return exitCodeFor(pt.train.stopReason, pt.train.signal);
    say(`  loss ${lossTrend(pt)}`);

    say(
      `\n[4/${total}] supervised fine-tuning on ${options.sft_samples} conversations of ${conversations}: ${options.sft_steps} steps`,
    );
    const sft = await new SftTrainer(
      {
        ...SCHEDULE,
        model_name_or_path: join(out, 'pt'),
        train_file_dir: conversations,
        output_dir: join(out, 'sft'),
        torch_dtype: 'float32',
        model_max_length: SFT_MAX_LENGTH,
        max_train_samples: options.sft_samples,
        max_eval_samples: 8,
        max_steps: options.sft_steps,
        logging_steps: Math.max(1, Math.round(options.sft_steps / 5)),
        save_steps: options.sft_steps,
        seed: options.seed,
      },
      quiet,
    ).train();
    if (sft.train.stopReason !== 'completed') return exitCodeFor(sft.train.stopReason, sft.train.signal);
    say(`  loss ${lossTrend(sft)}`);

    const aligned = options.pipeline === 'rlhf' ? 'rloo' : 'dpo';
    const stop =
      options.pipeline === 'rlhf'
        ? await rlhfStages(out, conversations, pairs, options, quiet, say)
        : await dpoStage(out, pairs, options, quiet, say);
    if (stop !== null) return stop;

    const seen = await trainingConversation(conversations, options.sft_samples, tokenizer, SFT_MAX_LENGTH);
    say(`\n[${total}/${total}] chat (greedy decoding)`);
    for (const [label, question, reference] of [
      ['a question from the fine-tuning data', seen.question, seen.answer],
      ['a question it has not seen', options.question, null],
    ] as const) {
      say(`  ${label}: ${question}`);
      if (reference) say(`    the data's answer: ${oneLine(reference).slice(0, 80)}`);
      io.stdout('    before SFT: ');
      await answer(join(out, 'pt'), question, io);
      io.stdout('    after SFT:  ');
      await answer(join(out, 'sft'), question, io);
      io.stdout(`    after ${aligned === 'dpo' ? 'DPO' : 'RLOO'}: `.padEnd(16));
      await answer(join(out, aligned), question, io);
    }

    const seconds = (performance.now() - started) / 1000;
    say(`\nDone in ${seconds.toFixed(0)} s. Outputs in ${out}:`);
    say(`  tokenizer/  the domain tokenizer (${tokenizer.vocabSize} ids, ChatML chat template)`);
    say('  base/       the tiny model before training');
    say('  pt/         after continued pretraining: model, metrics.jsonl, loss.svg, trainer_state.json');
    say('  sft/        after fine-tuning: model, metrics.jsonl, loss.svg, eval_results.json');
    if (aligned === 'dpo')
      say(
        '  dpo/        after DPO: model, metrics.jsonl (rewards/margins, rewards/accuracies ...), loss.svg',
      );
    else {
      say('  rm/         the reward model (a score head on the SFT model): metrics.jsonl (accuracy, margin)');
      say('  rloo/       after RLOO: model, metrics.jsonl (reward, rewards/reward_model/mean, kl ...)');
    }
    say('A model this small learns its fine-tuning answers by heart and little beyond them; the pipeline is');
    say(
      `the same for real models (medgpt pt / sft / ${aligned === 'dpo' ? 'dpo' : 'rm / rloo'} with MedicalGPT's flags).`,
    );
    return EXIT_OK;
  },
});

type DemoOptions = { dpo_steps: number; rm_steps: number; rl_steps: number; seed: number };
type Quiet = { log: (line: string) => void };

/** Stage 5 of the default pipeline: DPO on the short pairs. Returns an exit code when it stopped early. */
async function dpoStage(
  out: string,
  pairs: string,
  options: DemoOptions,
  quiet: Quiet,
  say: (line: string) => void,
): Promise<number | null> {
  say(
    `\n[5/6] DPO on the short pairs of ${pairs} (prompt + answer <= ${DPO_MAX_CHARS} characters): ${options.dpo_steps} steps,\n` +
      '      every weight trained, reference log-probs computed once before training',
  );
  const dpo = await new DpoTrainer(
    {
      ...SCHEDULE,
      learning_rate: 2e-4,
      model_name_or_path: join(out, 'sft'),
      train_file_dir: pairs,
      output_dir: join(out, 'dpo'),
      torch_dtype: 'float32',
      max_source_length: DPO_MAX_CHARS / 2,
      max_target_length: DPO_MAX_CHARS / 2,
      precompute_ref_log_probs: true,
      gradient_checkpointing: false,
      per_device_train_batch_size: 4,
      gradient_accumulation_steps: 1,
      eval_strategy: 'no',
      max_steps: options.dpo_steps,
      logging_steps: Math.max(1, Math.round(options.dpo_steps / 5)),
      save_steps: options.dpo_steps,
      seed: options.seed,
    },
    quiet,
  ).train();
  if (dpo.train.stopReason !== 'completed') return exitCodeFor(dpo.train.stopReason, dpo.train.signal);
  say(`  ${marginTrend(dpo)}`);
  return null;
}

/**
 * Stages 5 and 6 of MedicalGPT's RLHF notebook: a reward model on the preference pairs (the SFT model
 * with a score head), then RLOO of the SFT model against it. Returns an exit code when one stopped early.
 */
async function rlhfStages(
  out: string,
  conversations: string,
  pairs: string,
  options: DemoOptions,
  quiet: Quiet,
  say: (line: string) => void,
): Promise<number | null> {
  say(`\n[5/7] reward model on the short pairs of ${pairs}: ${options.rm_steps} steps, every weight trained`);
  const rm = await new RewardTrainer(
    {
      ...SCHEDULE,
      learning_rate: 1e-3,
      model_name_or_path: join(out, 'sft'),
      train_file_dir: pairs,
      output_dir: join(out, 'rm'),
      torch_dtype: 'float32',
      max_source_length: DPO_MAX_CHARS / 2,
      max_target_length: DPO_MAX_CHARS / 2,
      per_device_train_batch_size: 4,
      gradient_accumulation_steps: 1,
      eval_strategy: 'no',
      max_steps: options.rm_steps,
      logging_steps: Math.max(1, Math.round(options.rm_steps / 5)),
      save_steps: options.rm_steps,
      seed: options.seed,
    },
    quiet,
  ).train();
  if (rm.train.stopReason !== 'completed') return exitCodeFor(rm.train.stopReason, rm.train.signal);
  say(`  loss ${lossTrend(rm)}`);

  say(
    `\n[6/7] RLOO of the SFT model against that reward model: ${options.rl_steps} steps, 4 answers per question,\n` +
      '      sampled by the serving engine from the model as it trains',
  );
  const rloo = await new RlooTrainer(
    {
      ...SCHEDULE,
      learning_rate: 1e-4,
      sft_model_path: join(out, 'sft'),
      reward_model_path: join(out, 'rm'),
      train_file_dir: conversations,
      output_dir: join(out, 'rloo'),
      max_source_length: SFT_MAX_LENGTH,
      max_completion_length: 24,
      num_generations: 4,
      per_device_train_batch_size: 8,
      gradient_accumulation_steps: 1,
      max_steps: options.rl_steps,
      logging_steps: 1,
      save_steps: options.rl_steps,
      seed: options.seed,
    },
    quiet,
  ).train();
  if (rloo.train.stopReason !== 'completed') return exitCodeFor(rloo.train.stopReason, rloo.train.signal);
  say(`  ${rewardTrend(rloo)}`);
  return null;
}

/** Whether RLOO's mean reward rose: the first and last fifth of its steps, averaged. */
function rewardTrend(result: StageResult): string {
  const rewards = result.train.logHistory
    .filter((e: LogEntry) => e.reward !== undefined)
    .map((e) => e.reward!);
  const n = Math.max(1, Math.floor(rewards.length / 5));
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const [first, last] = [avg(rewards.slice(0, n)), avg(rewards.slice(-n))];
  return (
    `reward (the reward model's score) ${first.toFixed(3)} -> ${last.toFixed(3)} ` +
    `(${last > first ? 'rose: the policy moved towards what the reward model prefers' : 'did not rise in this short run'})`
  );
}

// DPO keeps the pairs whose prompt + answer fit in this many characters (MedicalGPT's filter).
const DPO_MAX_CHARS = 160;

// Rows of the fine-tuning data are cut to this many tokens (MedicalGPT's --model_max_length).
const SFT_MAX_LENGTH = 64;

// Small enough to train in seconds on one CPU core, big enough to learn the demo's data.
const TINY_MODEL = {
  architecture: 'qwen2',
  hiddenSize: 128,
  intermediateSize: 384,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  numKeyValueHeads: 2,
  maxPositionEmbeddings: 256,
};

// Shared by both stages: full fine-tuning at a learning rate a tiny model takes.
const SCHEDULE = {
  use_peft: false,
  per_device_train_batch_size: 8,
  learning_rate: 1e-2,
  warmup_steps: 5,
  lr_scheduler_type: 'cosine',
  weight_decay: 0.01,
  logging_first_step: true,
  save_total_limit: 1,
};

/**
 * A conversation SFT trains on (after MedicalGPT's seeded shuffle and split) that fits whole in
 * `maxLength` tokens: longer ones are cut in training (MedicalGPT's proportional rule), so the model
 * never saw their full prompt.
 */
async function trainingConversation(
  file: string,
  samples: number,
  tokenizer: Tokenizer,
  maxLength: number,
): Promise<{ question: string; answer: string }> {
  const { train } = await loadStageDatasets({ stage: 'sft', trainFileDir: file, maxTrainSamples: samples });
  const template = new ChatTemplate(tokenizer.chatTemplate!, {});
  const pairs = train.map(({ value }) => ({
    question: value.conversations.find((t) => t.from === 'human')?.value ?? '',
    answer: value.conversations.find((t) => t.from === 'gpt')?.value ?? '',
  }));
  const fits = ({ question, answer }: { question: string; answer: string }) => {
    const prompt = template.render([{ role: 'user', content: question }], { addGenerationPrompt: true });
    return tokenizer.encode(prompt).length + tokenizer.encode(answer).length + 1 <= maxLength;
  };
  return pairs.find(fits) ?? pairs[0]!;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/**
 * A byte-level BPE tokenizer trained on the medical text, with Qwen's chat tokens added
 * (`<|im_start|>`, `<|im_end|>` as eos) and a ChatML chat template, saved to `dir`.
 */
async function demoTokenizer(textFile: string, vocabSize: number, dir: string): Promise<Tokenizer> {
  const trained = trainBpe(await readTextLines([textFile]), { modelType: 'byte_level', vocabSize }).tokenizer;
  const files = trained.files();
  const chat = ['<|im_start|>', '<|im_end|>'].map((content, i) => ({
    id: trained.vocabSize + i,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const tokenizer = Tokenizer.fromFiles({
    ...files,
    tokenizerJson: {
      ...files.tokenizerJson,
      added_tokens: [...files.tokenizerJson.added_tokens, ...chat],
    } as TokenizerJson,
    tokenizerConfig: {
      ...files.tokenizerConfig,
      eos_token: '<|im_end|>',
      pad_token: '<|endoftext|>',
      additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
      chat_template: CHATML_TEMPLATE,
      model_max_length: 256,
    },
    chatTemplate: CHATML_TEMPLATE,
  });
  await tokenizer.save(dir);
  return tokenizer;
}

/** Greedy answer of the model in `dir` to `question` (ChatML), streamed to stdout. */
async function answer(dir: string, question: string, io: CliIo): Promise<void> {
  const model = await loadModel(dir);
  const tokenizer = await loadTokenizer(dir);
  try {
    const template = new ChatTemplate(tokenizer.chatTemplate!, {});
    const prompt = template.render([{ role: 'user', content: question }], { addGenerationPrompt: true });
    const ids = tokenizer.encode(prompt);
    let said = false;
    for await (const delta of streamText(model, tokenizer, ids, {
      maxNewTokens: 48,
      doSample: false,
      eosTokenIds: [tokenizer.eosTokenId!],
    })) {
      io.stdout(oneLine(delta));
      said = true;
    }
    io.stdout(said ? '\n' : '(nothing: it ends the text at once)\n');
  } finally {
    model.dispose();
  }
}

/** "first -> last" training loss of a stage, and its final eval loss. */
function lossTrend(result: StageResult): string {
  const losses = result.train.logHistory.filter((e: LogEntry) => e.loss !== undefined).map((e) => e.loss!);
  const evalLoss = result.evalMetrics ? `; eval loss ${result.evalMetrics.eval_loss.toFixed(3)}` : '';
  return `${losses[0]!.toFixed(3)} -> ${losses.at(-1)!.toFixed(3)}${evalLoss}`;
}

/**
 * How DPO's implicit reward margin (β times the chosen answers' log-ratio minus the rejected ones')
 * and accuracy moved: it starts at 0 (policy = reference) and rises as the policy prefers the chosen.
 */
function marginTrend(result: StageResult): string {
  const steps = result.train.logHistory.filter((e: LogEntry) => e['rewards/margins'] !== undefined);
  const first = steps[0]!;
  const last = steps.at(-1)!;
  const rising = last['rewards/margins']! > first['rewards/margins']!;
  return (
    `reward margin (chosen - rejected) ${first['rewards/margins']!.toFixed(3)} -> ${last['rewards/margins']!.toFixed(3)}` +
    ` (${rising ? 'rising: the model now prefers the chosen answers' : 'not rising'}); ` +
    `accuracy ${first['rewards/accuracies']!.toFixed(2)} -> ${last['rewards/accuracies']!.toFixed(2)}`
  );
}

/** data/medicalgpt: --data_dir, else in the current directory or one above it, else beside this package. */
function findSampleData(given: string | undefined, cwd: string): string {
  if (given) {
    const dir = resolve(cwd, given);
    if (!existsSync(join(dir, 'pretrain', 'fever.txt'))) {
      throw new Error(`--data_dir ${dir}: no pretrain/fever.txt there (expected MedicalGPT's data/ layout)`);
    }
    return dir;
  }
  const starts = [cwd, dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, SAMPLE, 'pretrain', 'fever.txt'))) return join(dir, SAMPLE);
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error(
    `cannot find ${SAMPLE}/ (MedicalGPT's sample data); run from the repository or pass --data_dir`,
  );
}
