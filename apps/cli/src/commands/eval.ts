import { writeFile } from 'node:fs/promises';
import { choiceRenderer, evaluateChoices, readChoiceQuestions } from '@medgpt/eval';
import { loadModel } from '@medgpt/models';
import { evaluatePerplexity } from '@medgpt/quant';
import { loadTokenizer } from '@medgpt/tokenizer';
import { UsageError } from '../args/usage-error.js';
import { DEVICE_OPTION, initCliBackend } from '../backend-init.js';
import { defineCommand, EXIT_OK } from '../command.js';
import { resolveModelAndTokenizer } from '../hub/resolve-model-and-tokenizer.js';

/** `medgpt eval --perplexity`: MedicalGPT's tools/eval_quantize.py, as a proper sliding-window perplexity. */
export const evalCommand = defineCommand({
  name: 'eval',
  summary:
    'perplexity on a text file, or multiple-choice accuracy (CMMLU / C-Eval / MedQA style), of a model',
  description:
    "MedicalGPT's tools/eval_quantize.py idea, done as Hugging Face's perplexity guide does: the whole\n" +
    'file is tokenised, windows of --max_length tokens slide by --stride, each token is scored once (the\n' +
    "overlap's labels are masked) and nothing is padded. A bitsandbytes checkpoint (medgpt quantize, or\n" +
    "transformers' save_pretrained) is dequantised as it loads, so the original and the quantised model\n" +
    'can be compared on the same file.\n' +
    '--choice_file scores multiple-choice questions (CSV or JSONL: question, A, B, ..., answer) as the C-Eval and\n' +
    'CMMLU harnesses do: each option letter by its log-probability after the prompt (--shots solved examples\n' +
    'of the subject first); prints per-subject and overall accuracy, --output_file writes them as JSON.',
  examples: [
    'medgpt eval --model_name_or_path merged-sft --choice_file ceval/val --shots 5 --output_file ceval.json',
    'medgpt eval --perplexity --model_name_or_path merged-sft --file_path data/medicalgpt/pretrain/en_article_tail500.txt',
    'medgpt eval --perplexity --model_name_or_path merged-sft-nf4 --file_path data/medicalgpt/pretrain/en_article_tail500.txt',
  ],
  options: {
    perplexity: { type: 'boolean', description: 'compute the perplexity of --file_path' },
    choice_file: {
      type: 'string',
      metavar: 'PATH',
      description: 'multiple-choice questions (.csv/.jsonl, or a directory of them) to score',
    },
    shots: { type: 'integer', default: 0, metavar: 'K', description: 'solved examples before each question' },
    shot_file: {
      type: 'string',
      metavar: 'PATH',
      description: "where the examples come from (C-Eval's dev split; default --choice_file)",
    },
    template_name: {
      type: 'string',
      metavar: 'NAME',
      description:
        "prompt format: a MedicalGPT template, none (the text as it is), default the tokenizer's chat template",
    },
    batch_size: { type: 'integer', default: 8, metavar: 'N', description: 'questions per forward' },
    output_file: {
      type: 'string',
      metavar: 'FILE',
      description: 'write the accuracies and predictions as JSON',
    },
    model_name_or_path: {
      type: 'string',
      required: true,
      metavar: 'DIR',
      description: 'model directory or Hub id; a bitsandbytes checkpoint is dequantised as it loads',
    },
    tokenizer_name_or_path: {
      type: 'string',
      metavar: 'DIR',
      description: 'tokenizer directory or Hub id (default: --model_name_or_path)',
    },
    file_path: {
      type: 'string',
      metavar: 'FILE',
      description: 'the UTF-8 text file to score',
    },
    max_length: {
      type: 'integer',
      metavar: 'N',
      description: "window length (default: the model's max_position_embeddings, at most 1024)",
    },
    stride: {
      type: 'integer',
      metavar: 'N',
      description: 'window step, 1 to --max_length (default: half the window)',
    },
    backend: {
      type: 'string',
      metavar: 'NAME',
      description: 'tensor backend: cuda, tensorflow, wasm, cpu or auto (default MEDGPT_BACKEND, else auto)',
    },
    device: DEVICE_OPTION,
  },
  async run(options, { io }) {
    if (!options.perplexity && options.choice_file === undefined) {
      throw new UsageError(
        'nothing to evaluate: give --perplexity --file_path FILE, or --choice_file FILE',
        'medgpt eval --perplexity --model_name_or_path DIR --file_path FILE',
      );
    }
    if (options.perplexity && options.file_path === undefined)
      throw new UsageError('--perplexity needs --file_path FILE', 'the UTF-8 text file to score');
    const log = (line: string) => io.stderr(`${line}\n`);
    await initCliBackend({ backend: options.backend, device: options.device, env: { ...io.env }, log });
    const { model, tokenizer } = await resolveModelAndTokenizer(options, io, log);
    if (options.choice_file !== undefined) {
      const questions = await readChoiceQuestions(options.choice_file);
      const lm = await loadModel(model);
      const tok = await loadTokenizer(tokenizer ?? model);
      const r = evaluateChoices({
        model: lm,
        tokenizer: tok,
        questions,
        render: choiceRenderer(tok, options.template_name ?? null),
        shots: options.shots,
        shotPool: options.shot_file ? await readChoiceQuestions(options.shot_file) : undefined,
        batchSize: options.batch_size,
        onBatch: (done, total) => {
          if (done === total || done % (options.batch_size * 10) === 0)
            log(`[medgpt] ${done}/${total} questions`);
        },
      });
      for (const [subject, a] of Object.entries(r.subjects))
        io.stdout(
          `${subject.padEnd(28)} ${(100 * a.accuracy).toFixed(1).padStart(5)} %  (${a.correct}/${a.total})\n`,
        );
      io.stdout(
        `accuracy ${(100 * r.accuracy).toFixed(2)} % (${r.correct}/${r.total}, ${r.shots}-shot, ${r.questionsPerSecond.toFixed(1)} questions/s)\n`,
      );
      lm.dispose();
      if (options.output_file) await writeFile(options.output_file, `${JSON.stringify(r, null, 2)}\n`);
      if (!options.perplexity) return EXIT_OK;
    }
    const r = await evaluatePerplexity({
      model,
      tokenizer,
      filePath: options.file_path!,
      maxLength: options.max_length,
      stride: options.stride,
      onWindow: (i, n) => {
        if ((i + 1) % 20 === 0 || i + 1 === n) log(`[medgpt] ${i + 1}/${n} windows`);
      },
    });
    const q = r.quantization;
    const what =
      q === null
        ? 'not quantised'
        : q.load_in_8bit
          ? 'bitsandbytes int8'
          : `bitsandbytes ${q.bnb_4bit_quant_type}${q.bnb_4bit_use_double_quant ? ' + double quant' : ''}`;
    io.stdout(
      `${options.file_path}: ${r.textTokens} tokens, ${r.windows} windows of ${r.maxLength} (stride ${r.stride}), ${r.tokens} tokens scored\n`,
    );
    io.stdout(`model ${options.model_name_or_path} (${what})\n`);
    io.stdout(`perplexity ${r.perplexity.toFixed(4)} (mean NLL ${r.meanNll.toFixed(4)} nats/token)\n`);
    return EXIT_OK;
  },
});
