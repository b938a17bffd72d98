import { evaluatePerplexity } from '@medgpt/quant';
import { UsageError } from '../args/usage-error.js';
import { DEVICE_OPTION, initCliBackend } from '../backend-init.js';
import { defineCommand, EXIT_OK } from '../command.js';
import { resolveModelAndTokenizer } from '../hub/resolve-model-and-tokenizer.js';

/** `medgpt eval --perplexity`: MedicalGPT's tools/eval_quantize.py, as a proper sliding-window perplexity. */
export const evalCommand = defineCommand({
  name: 'eval',
  summary: 'perplexity of a model (full precision or bitsandbytes-quantised) on a text file',
  description:
    "MedicalGPT's tools/eval_quantize.py idea, done as Hugging Face's perplexity guide does: the whole\n" +
    'file is tokenised, windows of --max_length tokens slide by --stride, each token is scored once (the\n' +
    "overlap's labels are masked) and nothing is padded. A bitsandbytes checkpoint (medgpt quantize, or\n" +
    "transformers' save_pretrained) is dequantised as it loads, so the original and the quantised model\n" +
    'can be compared on the same file.',
  examples: [
    'medgpt eval --perplexity --model_name_or_path merged-sft --file_path data/medicalgpt/pretrain/en_article_tail500.txt',
    'medgpt eval --perplexity --model_name_or_path merged-sft-nf4 --file_path data/medicalgpt/pretrain/en_article_tail500.txt',
  ],
  options: {
    perplexity: { type: 'boolean', description: 'compute the perplexity (the only evaluation so far)' },
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
      required: true,
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
    if (!options.perplexity) {
      throw new UsageError(
        'nothing to evaluate: give --perplexity',
        'medgpt eval --perplexity --model_name_or_path DIR --file_path FILE',
      );
    }
    const log = (line: string) => io.stderr(`${line}\n`);
    await initCliBackend({ backend: options.backend, device: options.device, env: { ...io.env }, log });
    const { model, tokenizer } = await resolveModelAndTokenizer(options, io, log);
    const r = await evaluatePerplexity({
      model,
      tokenizer,
      filePath: options.file_path,
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
