import { resolveModelDir, type HubRepoKind } from '@medgpt/hub';
import { mergePeftAdapter } from '@medgpt/peft';
import { UsageError } from '../args/usage-error.js';
import { DEVICE_OPTION, initCliBackend } from '../backend-init.js';
import { defineCommand, EXIT_OK } from '../command.js';
import { cliHubOptions } from '../hub/cli-hub-options.js';

/** `medgpt merge`: MedicalGPT's tools/merge_peft_adapter.py, with its flags. */
export const mergeCommand = defineCommand({
  name: 'merge',
  summary: 'merge a LoRA adapter into its base model and save a full Hugging Face checkpoint',
  description:
    "The flags of MedicalGPT's tools/merge_peft_adapter.py. Loads --base_model, applies the PEFT adapter\n" +
    '--lora_model (LoRA, rsLoRA or DoRA; made by medgpt or by Python peft), folds it into the weights\n' +
    "(modules_to_save and trained biases become the model's own) and saves the result to --output_dir in\n" +
    "the base's dtype, in shards of at most --max_shard_size; then copies the tokenizer and generation\n" +
    'files (tokenizer.json, tokenizer_config.json, chat_template.jinja, generation_config.json ...) from\n' +
    '--tokenizer_path (default: the base model). transformers and medgpt load the output alike.\n' +
    'Each input is a local directory or a Hub id (org/name[@revision]), taken from the Hugging Face\n' +
    'cache (HF_HUB_CACHE / HF_HOME) or downloaded into it (HF_ENDPOINT, HF_TOKEN; not with HF_HUB_OFFLINE=1).',
  examples: [
    'medgpt merge --base_model Qwen/Qwen2.5-0.5B --lora_model outputs-sft-v1 --output_dir merged-sft',
    'medgpt merge --base_model base --tokenizer_path outputs-pt --lora_model outputs-pt --resize_emb --output_dir merged-pt',
  ],
  options: {
    base_model: {
      type: 'string',
      required: true,
      metavar: 'DIR',
      description: 'base model directory or Hub id',
    },
    tokenizer_path: {
      type: 'string',
      metavar: 'DIR',
      description: 'tokenizer directory or Hub id (default: --base_model)',
    },
    lora_model: {
      type: 'string',
      required: true,
      metavar: 'DIR',
      description: 'the LoRA adapter to merge (directory or Hub id)',
    },
    resize_emb: {
      type: 'boolean',
      description: "resize the token embeddings to the tokenizer's length first",
    },
    output_dir: {
      type: 'string',
      default: './merged',
      metavar: 'DIR',
      description: 'where the merged model goes',
    },
    max_shard_size: { type: 'string', default: '10GB', metavar: 'SIZE', description: 'largest weight file' },
    hf_hub_model_id: {
      type: 'string',
      default: '',
      metavar: 'ID',
      description: 'not supported (no uploads; upload with huggingface-cli)',
    },
    hf_hub_token: {
      type: 'string',
      metavar: 'TOKEN',
      description: 'not supported (the upload token; downloads use HF_TOKEN)',
    },
    backend: {
      type: 'string',
      metavar: 'NAME',
      description: 'tensor backend: cuda, tensorflow, wasm, cpu or auto (default MEDGPT_BACKEND, else auto)',
    },
    device: DEVICE_OPTION,
  },
  async run(options, { io }) {
    if (options.hf_hub_model_id) {
      throw new UsageError(
        '--hf_hub_model_id: pushing to the Hugging Face Hub is not supported (medgpt only downloads)',
        `upload ${options.output_dir} with huggingface-cli upload ${options.hf_hub_model_id} ${options.output_dir}`,
      );
    }
    const log = (line: string) => io.stdout(`${line}\n`);
    await initCliBackend({
      backend: options.backend,
      device: options.device,
      env: { ...io.env },
      log: (line) => io.stderr(`${line}\n`),
    });
    const hub = cliHubOptions(io, (line) => io.stderr(`${line}\n`));
    const dirOf = (value: string, kind: HubRepoKind, option: string) =>
      resolveModelDir(value, { ...hub, kind, option });
    const report = await mergePeftAdapter({
      baseModel: await dirOf(options.base_model, 'model', 'base_model'),
      loraModel: await dirOf(options.lora_model, 'adapter', 'lora_model'),
      outputDir: options.output_dir,
      tokenizerPath:
        options.tokenizer_path === undefined
          ? undefined
          : await dirOf(options.tokenizer_path, 'tokenizer', 'tokenizer_path'),
      resizeEmb: options.resize_emb,
      maxShardSize: options.max_shard_size,
      log,
    });
    if (report.copied.length > 0) log(`copied from the tokenizer directory: ${report.copied.join(', ')}`);
    return EXIT_OK;
  },
});
