import { exportGguf, GGUF_OUT_TYPES, type GgufOutType } from '@medgpt/quant';
import { defineCommand, EXIT_OK } from '../command.js';
import { resolveModelAndTokenizer } from '../hub/resolve-model-and-tokenizer.js';

/** `medgpt export-gguf`: a Hugging Face model as a GGUF file for llama.cpp, Ollama and LM Studio. */
export const exportGgufCommand = defineCommand({
  name: 'export-gguf',
  summary: 'write a model as a GGUF file that llama.cpp (Ollama, LM Studio) runs: f16, q8_0 or q4_0',
  description:
    "What llama.cpp's convert_hf_to_gguf.py writes (and llama-quantize for q4_0), without Python: the\n" +
    'architecture keys, the tokenizer (byte-level BPE: Qwen2/2.5/3, Llama 3) with its chat template, and\n' +
    "every weight under llama.cpp's name in --outtype (norms and biases stay f32; with q4_0 the output\n" +
    'matrix is q8_0). Architectures: llama, mistral, qwen2, qwen3. The weights are read one tensor at a\n' +
    'time; the file appears only when complete. --model_name_or_path is a local directory or a Hub id.',
  examples: [
    'medgpt export-gguf --model_name_or_path merged-sft --outtype q8_0 --output merged-sft-q8_0.gguf',
    'medgpt export-gguf --model_name_or_path Qwen/Qwen2.5-0.5B-Instruct --outtype q4_0 --output qwen2.5-0.5b-q4_0.gguf',
  ],
  options: {
    model_name_or_path: {
      type: 'string',
      required: true,
      metavar: 'DIR',
      description: 'the model directory (config.json, safetensors) or Hub id',
    },
    tokenizer_name_or_path: {
      type: 'string',
      metavar: 'DIR',
      description: 'tokenizer directory or Hub id (default: --model_name_or_path)',
    },
    outtype: {
      type: 'string',
      default: 'f16',
      choices: GGUF_OUT_TYPES,
      metavar: 'TYPE',
      description: 'type of the weight matrices',
    },
    output: { type: 'string', required: true, metavar: 'FILE', description: 'the GGUF file to write' },
    tokenizer_pre: {
      type: 'string',
      metavar: 'NAME',
      description:
        "llama.cpp's pre-tokenizer name (tokenizer.ggml.pre) when the tokenizer's split is not recognised",
    },
  },
  async run(options, { io }) {
    const log = (line: string) => io.stderr(`${line}\n`);
    const { model, tokenizer } = await resolveModelAndTokenizer(options, io, log);
    const result = await exportGguf({
      model,
      tokenizer,
      output: options.output,
      outType: options.outtype as GgufOutType,
      tokenizerPre: options.tokenizer_pre,
      onTensor: (t, i, n) => {
        if ((i + 1) % 50 === 0 || i + 1 === n) log(`[medgpt] ${i + 1}/${n} tensors written`);
      },
    });
    for (const t of result.tensors) if (t.note !== undefined) log(`note: ${t.name}: ${t.note}`);
    for (const w of result.warnings) log(`warning: ${w}`);
    const counts = new Map<string, number>();
    for (const t of result.tensors) counts.set(t.type, (counts.get(t.type) ?? 0) + 1);
    const types = [...counts].map(([type, n]) => `${n} ${type}`).join(', ');
    io.stdout(
      `Wrote ${result.path}: ${result.architecture}, ${result.outType}, ${result.tensors.length} tensors (${types}), ${result.bytes} bytes\n`,
    );
    return EXIT_OK;
  },
});
