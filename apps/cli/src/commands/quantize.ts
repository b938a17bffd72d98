import { resolveModelDir } from '@medgpt/hub';
import { quantizeCheckpoint, type FourBitQuantType } from '@medgpt/quant';
import { UsageError } from '../args/usage-error.js';
import { defineCommand, EXIT_OK } from '../command.js';
import { cliHubOptions } from '../hub/cli-hub-options.js';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

/** `medgpt quantize`: MedicalGPT's tools/model_quant.py, with transformers' BitsAndBytesConfig names. */
export const quantizeCommand = defineCommand({
  name: 'quantize',
  summary: 'write a bitsandbytes 4-bit (NF4/FP4) or 8-bit (LLM.int8) checkpoint that transformers loads',
  description:
    "MedicalGPT's tools/model_quant.py without a GPU: every decoder Linear weight (q/k/v/o, gate/up/down)\n" +
    "quantised as bitsandbytes does (bit-exact), in the layout transformers' save_pretrained writes, with\n" +
    'quantization_config in config.json; embeddings, lm_head, norms and biases kept as they are; the\n' +
    'tokenizer and generation files copied. Read one tensor at a time; --output_dir appears only when\n' +
    'complete. Prints the weight bytes before and after and the dequantisation error per kind of weight.\n' +
    '`medgpt eval --perplexity` compares the result with the original.',
  examples: [
    'medgpt quantize --model_name_or_path merged-sft --output_dir merged-sft-nf4 --load_in_4bit --bnb_4bit_use_double_quant',
    'medgpt quantize --model_name_or_path merged-sft --output_dir merged-sft-int8 --load_in_8bit',
  ],
  options: {
    model_name_or_path: {
      type: 'string',
      metavar: 'DIR',
      description: 'the full-precision model directory or Hub id (model_quant.py: --unquantized_model_path)',
    },
    unquantized_model_path: {
      type: 'string',
      metavar: 'DIR',
      description: "model_quant.py's name for --model_name_or_path",
    },
    output_dir: {
      type: 'string',
      metavar: 'DIR',
      description:
        'where the quantised model goes, a new or empty directory (model_quant.py: --quantized_model_output_path)',
    },
    quantized_model_output_path: {
      type: 'string',
      metavar: 'DIR',
      description: "model_quant.py's name for --output_dir",
    },
    load_in_4bit: { type: 'boolean', description: '4-bit weights (the default when neither is given)' },
    load_in_8bit: { type: 'boolean', description: 'LLM.int8() 8-bit weights' },
    bnb_4bit_quant_type: {
      type: 'string',
      default: 'nf4',
      choices: ['nf4', 'fp4'],
      metavar: 'TYPE',
      description: '4-bit data type (model_quant.py: nf4; transformers defaults to fp4)',
    },
    bnb_4bit_use_double_quant: { type: 'boolean', description: 'double-quantise the 4-bit absmax (QLoRA)' },
    bnb_4bit_compute_dtype: {
      type: 'string',
      default: 'float32',
      choices: ['bfloat16', 'float16', 'float32'],
      metavar: 'DTYPE',
      description: "the dtype transformers' Linear4bit computes in, recorded in quantization_config",
    },
    max_shard_size: { type: 'string', default: '5GB', metavar: 'SIZE', description: 'largest weight file' },
  },
  async run(options, { io }) {
    const model = pick(
      options.model_name_or_path,
      options.unquantized_model_path,
      'model_name_or_path',
      'unquantized_model_path',
    );
    const outputDir = pick(
      options.output_dir,
      options.quantized_model_output_path,
      'output_dir',
      'quantized_model_output_path',
    );
    if (options.load_in_4bit && options.load_in_8bit) {
      throw new UsageError(
        '--load_in_4bit and --load_in_8bit: give one of them',
        'transformers allows only one',
      );
    }
    const bits = options.load_in_8bit ? 8 : 4;
    const log = (line: string) => io.stderr(`${line}\n`);
    const dir = await resolveModelDir(model, {
      ...cliHubOptions(io, log),
      kind: 'model',
      option: 'model_name_or_path',
    });
    const r = await quantizeCheckpoint({
      model: dir,
      outputDir,
      bits,
      quantType: options.bnb_4bit_quant_type as FourBitQuantType,
      doubleQuant: options.bnb_4bit_use_double_quant ?? false,
      computeDtype: options.bnb_4bit_compute_dtype as 'bfloat16' | 'float16' | 'float32',
      maxShardSize: options.max_shard_size,
      onTensor: (_name, i, n) => {
        if ((i + 1) % 50 === 0 || i + 1 === n) log(`[medgpt] ${i + 1}/${n} parameters`);
      },
    });
    const q = r.quantizationConfig;
    const kind =
      bits === 8
        ? 'LLM.int8() 8-bit'
        : `${q.bnb_4bit_quant_type} 4-bit${q.bnb_4bit_use_double_quant ? ', double quant' : ''}, compute ${q.bnb_4bit_compute_dtype}`;
    const out = io.stdout;
    out(
      `Wrote ${r.outputDir}: ${kind}; ${r.quantized} linear weights quantised, ${r.kept} tensors kept as they were\n`,
    );
    out(
      `size: ${mb(r.bytesBefore)} -> ${mb(r.bytesAfter)} (${((100 * r.bytesAfter) / r.bytesBefore).toFixed(1)}%)\n`,
    );
    out('dequantisation error (|dequantised - original|):\n');
    const width = Math.max(...r.errors.map((e) => e.kind.length));
    for (const e of r.errors) {
      out(
        `  ${e.kind.padEnd(width)}  max ${e.maxAbs.toExponential(3)}  mean ${e.meanAbs.toExponential(3)}  (${e.weights} weights)\n`,
      );
    }
    return EXIT_OK;
  },
});

function pick(value: string | undefined, alias: string | undefined, name: string, aliasName: string): string {
  if (value !== undefined && alias !== undefined && value !== alias) {
    throw new UsageError(`--${name} and --${aliasName} name the same thing; give one`);
  }
  const v = value ?? alias;
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}
