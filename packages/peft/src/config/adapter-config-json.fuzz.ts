// Fuzz target for adapter_config.json (readAdapterConfig -> parseAdapterConfig, then the matching of its
// module names against a model, as loadAdapter does): generated LoraConfigs written by
// adapterConfigJson must read back equal; mutated files must give a PeftError naming the file, or a
// config that writes and reads back unchanged and that resolveTargets / resolveModulesToSave apply to
// a model without an exception other than a PeftError. Run by adapter-config-json.fuzz.test.ts and
// bench/cpu/fuzz.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseModelConfig } from '@medgpt/models';
import {
  attempt,
  attemptAsync,
  expectResult,
  jsonEqual,
  mutated,
  mutatedJsonBytes,
  scratchPath,
  type FuzzTarget,
  type Mutated,
} from '../../../../tools/fuzz/fuzz-kit.js';
import {
  adapterConfigJson,
  ADAPTER_CONFIG_FILE,
  createLoraConfig,
  expandAllTargets,
  parseAdapterConfig,
  PeftError,
  readAdapterConfig,
  resolveModulesToSave,
  resolveTargets,
  SEQ_CLS_HEADS,
  type LoraConfig,
} from '../index.js';

// A two-layer Llama: the model the parsed configs are matched against.
const MODEL = parseModelConfig(
  {
    model_type: 'llama',
    vocab_size: 32,
    hidden_size: 8,
    intermediate_size: 16,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    num_key_value_heads: 1,
    max_position_embeddings: 64,
    rms_norm_eps: 1e-6,
  },
  'config.json',
);

const LINEARS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

const loraConfig: fc.Arbitrary<{ json: unknown; config: LoraConfig }> = fc
  .record({
    r: fc.integer({ min: 1, max: 64 }),
    lora_alpha: fc.oneof(fc.integer({ min: 1, max: 128 }), fc.constantFrom(0.5, 16.25)),
    lora_dropout: fc.constantFrom(0, 0.05, 0.1),
    target_modules: fc.oneof(
      fc.uniqueArray(fc.constantFrom(...LINEARS), { minLength: 1, maxLength: 4 }),
      fc.constantFrom('all-linear', '.*\\.(q|v)_proj', 'all'),
    ),
    bias: fc.constantFrom('none' as const, 'all' as const, 'lora_only' as const),
    use_rslora: fc.boolean(),
    use_dora: fc.boolean(),
    init_lora_weights: fc.constantFrom(true, false, 'gaussian' as const),
    task_type: fc.constantFrom('CAUSAL_LM' as const, 'SEQ_CLS' as const),
    modules_to_save: fc.option(
      fc.constantFrom('embed_tokens', 'lm_head').map((m) => [m]),
      { nil: null },
    ),
    rank_pattern: fc.dictionary(
      fc.constantFrom('q_proj', 'layers.1.mlp.up_proj'),
      fc.integer({ min: 1, max: 16 }),
      {
        maxKeys: 2,
      },
    ),
    base_model_name_or_path: fc.option(fc.constantFrom('Qwen/Qwen2.5-0.5B', '/models/x'), { nil: null }),
  })
  .map((options) => {
    const config = createLoraConfig(options);
    return { json: JSON.parse(adapterConfigJson(config)) as unknown, config };
  });

const typed = (file: string) => (e: unknown) => e instanceof PeftError && e.file === file;

async function checkAdapterConfig(input: Mutated<{ json: unknown; config: LoraConfig }>): Promise<void> {
  const dir = scratchPath('adapter');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, ADAPTER_CONFIG_FILE);
  writeFileSync(file, mutatedJsonBytes(input, '  '));
  const read = await attemptAsync(() => readAdapterConfig(dir), typed(file));
  if (!read.ok) {
    expectResult(input.kind !== 'valid', () => `a valid adapter config was refused: ${read.error.message}`);
    return;
  }
  const c = read.value;
  if (input.kind === 'valid') {
    const want = input.value.config;
    // adapterConfigJson writes target_modules sorted (peft keeps a set).
    const sorted = Array.isArray(want.target_modules)
      ? { ...want, target_modules: [...want.target_modules].sort() }
      : want;
    expectResult(jsonEqual(c, sorted), () => `read ${JSON.stringify(c)}, wrote ${JSON.stringify(sorted)}`);
  }
  // What the parser accepts, the writer writes and the parser reads back the same.
  const again = attempt(() => parseAdapterConfig(JSON.parse(adapterConfigJson(c)), file), typed(file));
  const sortedC = Array.isArray(c.target_modules)
    ? { ...c, target_modules: [...c.target_modules].sort() }
    : c;
  expectResult(
    again.ok && jsonEqual(again.value, { ...sortedC, exclude_modules: sortList(c.exclude_modules) }),
    () =>
      `adapterConfigJson -> parse changed the config: ${again.ok ? JSON.stringify(again.value) : again.error.message}`,
  );
  // Matching the names against a model: targets or a PeftError, never a SyntaxError from a regex.
  const targets = attempt(() => resolveTargets(expandAllTargets(c, MODEL), MODEL, file), typed(file));
  if (targets.ok) {
    for (const t of targets.value) {
      expectResult(
        Number.isSafeInteger(t.r) && t.r > 0 && Number.isFinite(t.scale),
        () => `target ${t.module} with r ${t.r} scale ${t.scale}`,
      );
    }
  }
  attempt(() => resolveModulesToSave(c.modules_to_save, MODEL, file, SEQ_CLS_HEADS), typed(file));
}

function sortList(v: string[] | string | null): string[] | string | null {
  return Array.isArray(v) ? [...v].sort() : v;
}

/** readAdapterConfig on a directory's adapter_config.json, then the config applied to a model. */
export const adapterConfigTarget: FuzzTarget<Mutated<{ json: unknown; config: LoraConfig }>> = {
  name: 'peft/adapter_config.json',
  arbitrary: mutated(loraConfig),
  check: (input) => checkAdapterConfig(input),
};
