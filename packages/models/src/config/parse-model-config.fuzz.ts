// Fuzz targets for config.json and generation_config.json (parseModelConfig, parseGenerationConfig,
// as loadModel runs them on the files' JSON): generated configs of every architecture, in transformers
// 4 and 5 spellings, must parse to the generated values and survive writeModelConfig -> parse; mutated
// ones (wrong types, huge or negative sizes, deep nesting, unknown keys) must give a ModelError naming
// the file or a config whose every field has its documented form. Run by parse-model-config.fuzz.test.ts
// and bench/cpu/fuzz.ts.
import fc from 'fast-check';
import {
  attempt,
  expectResult,
  jsonEqual,
  mutated,
  mutatedJsonBytes,
  type FuzzTarget,
  type Mutated,
} from '../../../../tools/fuzz/fuzz-kit.js';
import {
  MODEL_DTYPES,
  ModelError,
  parseGenerationConfig,
  parseModelConfig,
  writeModelConfig,
  type GenerationConfig,
  type ModelConfig,
  type MoeConfig,
} from '../index.js';
import { ROPE_NUMBER_KEYS } from './read-rope-settings.js';

const FILE = '/models/x/config.json';

interface GeneratedConfig {
  readonly json: Record<string, unknown>;
  /** The ModelConfig fields the generated keys fix. */
  readonly expected: Partial<ModelConfig>;
}

const ROPE = fc.oneof(
  fc.constant(null),
  fc.record({ rope_type: fc.constant('linear'), factor: fc.constantFrom(2, 4.5) }),
  fc.record({ rope_type: fc.constant('dynamic'), factor: fc.constantFrom(2, 8) }),
  fc.record({
    rope_type: fc.constant('llama3'),
    factor: fc.constant(8),
    low_freq_factor: fc.constant(1),
    high_freq_factor: fc.constant(4),
    original_max_position_embeddings: fc.constant(16),
  }),
  fc.record({
    rope_type: fc.constant('yarn'),
    factor: fc.constantFrom(2, 4),
    original_max_position_embeddings: fc.constant(32),
  }),
);

const generatedConfig: fc.Arbitrary<GeneratedConfig> = fc
  .record({
    modelType: fc.constantFrom('llama', 'qwen2', 'qwen3', 'mistral', 'mixtral', 'qwen3_moe'),
    kvHeads: fc.integer({ min: 1, max: 4 }),
    groups: fc.integer({ min: 1, max: 3 }),
    // 4 and up: dynamic NTK needs a rotary dim above 2.
    headDim: fc.constantFrom(4, 8, 16),
    vocab: fc.integer({ min: 1, max: 5000 }),
    intermediate: fc.integer({ min: 1, max: 64 }),
    layers: fc.integer({ min: 1, max: 4 }),
    maxPos: fc.integer({ min: 8, max: 8192 }),
    eps: fc.constantFrom(1e-6, 1e-5, 0.001),
    theta: fc.constantFrom(10000, 1000000, 500000.5),
    rope: ROPE,
    v5: fc.boolean(),
    tie: fc.boolean(),
    dtype: fc.constantFrom(...MODEL_DTYPES),
    bos: fc.option(fc.nat(100), { nil: null }),
    eos: fc.oneof(fc.nat(100), fc.array(fc.nat(100), { minLength: 1, maxLength: 3 })),
    pad: fc.option(fc.nat(100), { nil: null }),
    labels: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    // Mixture of experts (mixtral, qwen3_moe only).
    experts: fc.integer({ min: 1, max: 8 }),
    topK: fc.integer({ min: 1, max: 8 }),
    denseLayers: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    normTopk: fc.boolean(),
    auxCoef: fc.constantFrom(0, 0.001, 0.02),
    routerLogits: fc.boolean(),
  })
  .map((g) => {
    const heads = g.kvHeads * g.groups;
    const className = {
      llama: 'Llama',
      qwen2: 'Qwen2',
      qwen3: 'Qwen3',
      mistral: 'Mistral',
      mixtral: 'Mixtral',
      qwen3_moe: 'Qwen3Moe',
    }[g.modelType]!;
    const mixtral = g.modelType === 'mixtral';
    const moe: MoeConfig | undefined =
      mixtral || g.modelType === 'qwen3_moe'
        ? {
            numExperts: g.experts,
            numExpertsPerTok: Math.min(g.topK, g.experts),
            expertIntermediateSize: mixtral ? g.intermediate : g.intermediate + 1,
            normTopkProb: mixtral || g.normTopk,
            sparseLayers: mixtral
              ? new Array<boolean>(g.layers).fill(true)
              : g.denseLayers.slice(0, g.layers).map((d) => !d),
            routerAuxLossCoef: g.auxCoef,
            outputRouterLogits: g.routerLogits,
            expertNames: mixtral ? 'mixtral' : 'qwen',
          }
        : undefined;
    const rope = g.rope === null ? { rope_type: 'default' } : g.rope;
    const json: Record<string, unknown> = {
      architectures: [`${className}${g.labels === null ? 'ForCausalLM' : 'ForSequenceClassification'}`],
      model_type: g.modelType,
      vocab_size: g.vocab,
      hidden_size: heads * g.headDim,
      intermediate_size: g.intermediate,
      num_hidden_layers: g.layers,
      num_attention_heads: heads,
      num_key_value_heads: g.kvHeads,
      head_dim: g.headDim,
      hidden_act: 'silu',
      max_position_embeddings: g.maxPos,
      rms_norm_eps: g.eps,
      tie_word_embeddings: g.tie,
      bos_token_id: g.bos,
      eos_token_id: g.eos,
      pad_token_id: g.pad,
      attention_dropout: 0,
      use_cache: true,
      initializer_range: 0.02,
      transformers_version: '5.0.0',
      ...(g.labels === null
        ? {}
        : {
            id2label: Object.fromEntries(
              Array.from({ length: g.labels }, (_, i) => [String(i), `LABEL_${i}`]),
            ),
          }),
      ...(moe === undefined
        ? {}
        : {
            [mixtral ? 'num_local_experts' : 'num_experts']: moe.numExperts,
            num_experts_per_tok: moe.numExpertsPerTok,
            router_aux_loss_coef: moe.routerAuxLossCoef,
            output_router_logits: moe.outputRouterLogits,
            ...(mixtral
              ? {}
              : {
                  moe_intermediate_size: moe.expertIntermediateSize,
                  norm_topk_prob: moe.normTopkProb,
                  mlp_only_layers: moe.sparseLayers.flatMap((sparse, i) => (sparse ? [] : [i])),
                }),
          }),
      ...(g.v5
        ? { rope_parameters: { ...rope, rope_theta: g.theta }, dtype: g.dtype }
        : { rope_theta: g.theta, rope_scaling: g.rope, torch_dtype: `torch.${g.dtype}` }),
    };
    const expected: Partial<ModelConfig> = {
      modelType: g.modelType,
      vocabSize: g.vocab,
      hiddenSize: heads * g.headDim,
      intermediateSize: g.intermediate,
      numHiddenLayers: g.layers,
      numAttentionHeads: heads,
      numKeyValueHeads: g.kvHeads,
      headDim: g.headDim,
      rmsNormEps: g.eps,
      maxPositionEmbeddings: g.maxPos,
      ropeTheta: g.theta,
      ropeScaling: g.rope,
      tieWordEmbeddings: g.tie,
      dtype: g.dtype,
      bosTokenId: g.bos,
      eosTokenIds: Array.isArray(g.eos) ? g.eos : [g.eos],
      padTokenId: g.pad,
      numLabels: g.labels,
      ...(moe === undefined ? {} : { moe }),
    };
    return { json, expected };
  });

const isPositiveInt = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
const isTokenId = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isFinitePositive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Every field of a parsed config in its documented form (what the model code relies on). */
function configProblems(c: ModelConfig): string[] {
  const bad: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) bad.push(what);
  };
  for (const key of [
    'vocabSize',
    'hiddenSize',
    'intermediateSize',
    'numHiddenLayers',
    'numAttentionHeads',
    'numKeyValueHeads',
    'headDim',
    'maxPositionEmbeddings',
  ] as const) {
    need(isPositiveInt(c[key]), `${key} ${c[key]}`);
  }
  need(c.numAttentionHeads % c.numKeyValueHeads === 0, 'heads not a multiple of kv heads');
  need(isFinitePositive(c.rmsNormEps), `rmsNormEps ${c.rmsNormEps}`);
  need(
    typeof c.ropeTheta === 'number' && Number.isFinite(c.ropeTheta) && c.ropeTheta > 1,
    `ropeTheta ${c.ropeTheta}`,
  );
  const rotary = c.headDim * c.partialRotaryFactor;
  need(
    typeof c.partialRotaryFactor === 'number' && Number.isInteger(rotary) && rotary >= 2 && rotary % 2 === 0,
    `partialRotaryFactor ${String(c.partialRotaryFactor)}`,
  );
  if (c.ropeScaling !== null) {
    // Keys transformers does not read are kept as they are (it warns and ignores them).
    for (const [k, v] of Object.entries(c.ropeScaling)) {
      if (v === null) continue;
      if (k === 'rope_type' || k === 'type') need(typeof v === 'string', `ropeScaling.${k}`);
      else if (k === 'truncate') need(typeof v === 'boolean', 'ropeScaling.truncate');
      else if ((ROPE_NUMBER_KEYS as readonly string[]).includes(k))
        need(typeof v === 'number' && Number.isFinite(v), `ropeScaling.${k}`);
    }
  }
  for (const key of ['qkvBias', 'outputBias', 'mlpBias', 'qkNorm', 'tieWordEmbeddings'] as const)
    need(typeof c[key] === 'boolean', `${key} ${String(c[key])}`);
  need(
    Array.isArray(c.slidingWindows) &&
      c.slidingWindows.length === c.numHiddenLayers &&
      c.slidingWindows.every((w) => w === null || isPositiveInt(w)),
    'slidingWindows',
  );
  need(MODEL_DTYPES.includes(c.dtype), `dtype ${c.dtype}`);
  need(c.bosTokenId === null || isTokenId(c.bosTokenId), `bosTokenId ${c.bosTokenId}`);
  need(c.padTokenId === null || isTokenId(c.padTokenId), `padTokenId ${c.padTokenId}`);
  need(Array.isArray(c.eosTokenIds) && c.eosTokenIds.every(isTokenId), 'eosTokenIds');
  need(c.numLabels === null || isPositiveInt(c.numLabels), `numLabels ${c.numLabels}`);
  if (c.moe !== undefined) {
    const m = c.moe;
    need(isPositiveInt(m.numExperts), `moe.numExperts ${m.numExperts}`);
    need(isPositiveInt(m.numExpertsPerTok) && m.numExpertsPerTok <= m.numExperts, 'moe.numExpertsPerTok');
    need(isPositiveInt(m.expertIntermediateSize), 'moe.expertIntermediateSize');
    need(
      Array.isArray(m.sparseLayers) &&
        m.sparseLayers.length === c.numHiddenLayers &&
        m.sparseLayers.every((x) => typeof x === 'boolean'),
      'moe.sparseLayers',
    );
    need(Number.isFinite(m.routerAuxLossCoef) && m.routerAuxLossCoef >= 0, 'moe.routerAuxLossCoef');
    for (const key of ['normTopkProb', 'outputRouterLogits'] as const)
      need(typeof m[key] === 'boolean', `moe.${key}`);
    need(m.expertNames === 'mixtral' || m.expertNames === 'qwen', 'moe.expertNames');
  }
  return bad;
}

const typedModelError = (e: unknown) => e instanceof ModelError && e.file === FILE;

function parseText(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}

function checkConfig(input: Mutated<GeneratedConfig>): void {
  const raw = parseText(mutatedJsonBytes(input, '  '));
  // Text that is not JSON is readJsonFile's "not valid JSON" ModelError, before this parser.
  if (raw === undefined) return;
  const parsed = attempt(() => parseModelConfig(raw, FILE), typedModelError);
  if (!parsed.ok) {
    expectResult(input.kind !== 'valid', () => `a valid config was refused: ${parsed.error.message}`);
    return;
  }
  const c = parsed.value;
  const problems = configProblems(c);
  expectResult(problems.length === 0, () => `parsed into a config with ${problems.join(', ')}`);
  if (input.kind === 'valid') {
    const got = Object.fromEntries(
      Object.keys(input.value.expected).map((k) => [k, c[k as keyof ModelConfig]]),
    );
    expectResult(
      jsonEqual(got, input.value.expected),
      () => `parsed ${JSON.stringify(got)}, expected ${JSON.stringify(input.value.expected)}`,
    );
  }
  // What parse accepts, the writer writes and parse reads back the same.
  const again = attempt(() => parseModelConfig(writeModelConfig(c), FILE), typedModelError);
  expectResult(
    again.ok && jsonEqual(again.value, c),
    () =>
      `writeModelConfig -> parse changed the config: ${again.ok ? JSON.stringify(again.value) : again.error.message}`,
  );
}

/** parseModelConfig on config.json text (JSON.parse first, as loadModel's readJsonFile does). */
export const modelConfigTarget: FuzzTarget<Mutated<GeneratedConfig>> = {
  name: 'models/config.json',
  arbitrary: mutated(generatedConfig),
  check: (input, guard) => guard(() => checkConfig(input)),
};

const GEN_FILE = '/models/x/generation_config.json';

const generatedGeneration = fc
  .record({
    do_sample: fc.boolean(),
    temperature: fc.constantFrom(0.7, 1, 0.01),
    top_k: fc.constantFrom(0, 20, 50),
    top_p: fc.constantFrom(0.8, 1, 0.95),
    max_new_tokens: fc.integer({ min: 1, max: 4096 }),
    eos_token_id: fc.oneof(fc.nat(100), fc.array(fc.nat(100), { minLength: 1, maxLength: 3 })),
    pad_token_id: fc.nat(100),
    repetition_penalty: fc.constantFrom(1, 1.1),
  })
  .map((json) => ({ json }));

function generationProblems(g: GenerationConfig): string[] {
  const bad: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) bad.push(what);
  };
  need(typeof g.doSample === 'boolean', 'doSample');
  need(
    typeof g.temperature === 'number' && Number.isFinite(g.temperature) && g.temperature >= 0,
    `temperature ${g.temperature}`,
  );
  need(Number.isSafeInteger(g.topK) && g.topK >= 0, `topK ${g.topK}`);
  need(typeof g.topP === 'number' && g.topP >= 0 && g.topP <= 1, `topP ${g.topP}`);
  need(g.minP === null || (typeof g.minP === 'number' && g.minP >= 0 && g.minP <= 1), `minP ${g.minP}`);
  need(isFinitePositive(g.repetitionPenalty), `repetitionPenalty ${g.repetitionPenalty}`);
  need(g.maxNewTokens === null || isPositiveInt(g.maxNewTokens), `maxNewTokens ${g.maxNewTokens}`);
  need(isPositiveInt(g.maxLength), `maxLength ${g.maxLength}`);
  need(g.eosTokenIds.every(isTokenId), 'eosTokenIds');
  need(
    g.stopStrings.every((s) => typeof s === 'string' && s.length > 0),
    'stopStrings',
  );
  return bad;
}

function checkGeneration(input: Mutated<{ json: Record<string, unknown> }>): void {
  const raw = parseText(mutatedJsonBytes(input, '  '));
  if (raw === undefined) return;
  const parsed = attempt(
    () => parseGenerationConfig(raw, GEN_FILE),
    (e) => e instanceof ModelError && e.file === GEN_FILE,
  );
  if (!parsed.ok) {
    expectResult(
      input.kind !== 'valid',
      () => `a valid generation config was refused: ${parsed.error.message}`,
    );
    return;
  }
  const problems = generationProblems(parsed.value);
  expectResult(problems.length === 0, () => `parsed into a generation config with ${problems.join(', ')}`);
  if (input.kind === 'valid') {
    const j = input.value.json;
    const g = parsed.value;
    expectResult(
      g.doSample === j.do_sample &&
        g.temperature === j.temperature &&
        g.topK === j.top_k &&
        g.maxNewTokens === j.max_new_tokens,
      () => `parsed ${JSON.stringify(g)} from ${JSON.stringify(j)}`,
    );
  }
}

/** parseGenerationConfig on generation_config.json text. */
export const generationConfigTarget: FuzzTarget<Mutated<{ json: Record<string, unknown> }>> = {
  name: 'models/generation_config.json',
  arbitrary: mutated(generatedGeneration),
  check: (input, guard) => guard(() => checkGeneration(input)),
};

export const MODEL_CONFIG_TARGETS: readonly FuzzTarget[] = [modelConfigTarget, generationConfigTarget];
