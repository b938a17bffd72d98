import {
  crossEntropy,
  linearCrossEntropy,
  linearTokenLogprobs,
  ropeFrequencies,
  tf,
  type RandomState,
  type RopeOptions,
} from '@medgpt/core-tensor';
import type { JsonObject } from '../config/config-reader.js';
import { defaultGenerationConfig, type GenerationConfig } from '../config/generation-config.js';
import type { LayerRope, ModelConfig } from '../config/model-config.js';
import { writeModelConfig } from '../config/write-model-config.js';
import {
  EMBED_TOKENS,
  isQuantizableParameter,
  LM_HEAD,
  parameterSpecs,
  SCORE,
} from '../weights/parameter-specs.js';
import type { ForwardContext } from './forward-context.js';
import type { ShiftedSparseAttention } from './shifted-sparse-attention.js';
import type { KvCache } from './kv-cache.js';
import type { KvStore } from './kv-store.js';
import { lastNonPadIndex } from './last-non-pad-index.js';
import { linear, type LinearHook, type LinearWeight } from './linear.js';
import { normalizeRows } from './normalize-rows.js';
import { ExpertWeightStacks, expertProjections } from './moe/expert-weight-stacks.js';
import { RouterStats, type RouterStatsSink } from './moe/router-stats.js';
import { positionIdsFromMask } from './position-ids.js';
import type { QuantizedWeight } from './quantized-weight.js';
import { requireLmHead } from './require-lm-head.js';
import { runDecoder } from './run-decoder.js';
import { shiftLabels } from './shift-labels.js';
import { softcap } from './softcap.js';
import { softcappedCrossEntropy, softcappedMeanLogits, softcappedTokenLogprobs } from './softcapped-head.js';

/** A batch for the forward pass: int32 tensors [batch, T]. */
export interface CausalLMInputs {
  inputIds: tf.Tensor2D;
  /** 1 = real token, 0 = padding (left or right). Default: all real. */
  attentionMask?: tf.Tensor2D;
  /** Default: from the mask as transformers' generate does (cumsum - 1, padding 1), else 0..T-1. */
  positionIds?: tf.Tensor2D;
  /**
   * Packed rows (several samples per row): each token's sample, 1, 2, ... (0 = padding). A token then
   * attends only to earlier tokens of its own sample; pair it with position ids restarting per sample.
   */
  segmentIds?: tf.Tensor2D;
}

/** One inference step over a caller-managed KV store (`CausalLM.stepWithStore`). */
export interface StoreStepInputs {
  /** The new tokens, [batch][T], rows of one length (pad short rows at their end). */
  inputIds: readonly (readonly number[])[];
  /** Their position ids, [batch][T]. */
  positions: readonly (readonly number[])[];
  /** int32 [batch, S]: 1 for each of the S keys the store returns for a row that the row may attend. */
  keyMask: tf.Tensor2D;
  /** Key index of each row's first new token among the S keys (S - T when they come last). */
  queryOffset: number;
  /** Per row, the token (0 .. T-1) whose logits are returned. Default T - 1. */
  lastIndex?: readonly number[];
}

/** `CausalLM.stepWithStoreTensors`' inputs: StoreStepInputs with the per-step values as tensors. */
export interface StoreStepTensors {
  /** int32 [batch * T], row-major. */
  inputIds: tf.Tensor1D;
  /** int32 [batch * T]. */
  positions: tf.Tensor1D;
  /** int32 [batch, S]. */
  keyMask: tf.Tensor2D;
  queryOffset: number;
  /** T: new tokens per row. */
  tokensPerRow: number;
  /** int32 [batch]: flat index (b * T + i) of each row's returned token. */
  lastRows: tf.Tensor1D;
}

/**
 * Rewrites the input embeddings of a forward (NEFTune's noise): token ids int32 [N] and their
 * embeddings float32 [N, hidden] -> [N, hidden]. Runs inside the forward's tidy and on the tape.
 */
export type EmbeddingHook = (ids: tf.Tensor1D, embeddings: tf.Tensor2D) => tf.Tensor2D;

export interface LossOptions {
  /** Label of tokens that do not count. Default -100. */
  ignoreIndex?: number;
  /** 'mean' over counted tokens (default, transformers' loss) or 'sum' (for accumulation). */
  reduction?: 'mean' | 'sum';
}

export interface CausalLMParts {
  config: ModelConfig;
  /**
   * Every parameter of `parameterSpecs(config)` by HF name, except those in `quantized`; the model owns
   * them (dispose frees them).
   */
  weights: Map<string, tf.Tensor>;
  /**
   * Linear weights of the decoder layers kept quantised (QLoRA's 4-bit base, 8-bit), by parameter name
   * (`model.layers.0.mlp.up_proj.weight`); owned by the model like `weights`. Default none.
   */
  quantized?: Map<string, QuantizedWeight>;
  generationConfig?: GenerationConfig;
  /** config.json as read, written back on save; default: written from `config`. */
  rawConfig?: JsonObject;
  /** generation_config.json as read; default: written from `generationConfig`. */
  rawGenerationConfig?: JsonObject | null;
}

/**
 * A Hugging Face decoder LM (Llama, Qwen2/2.5, Qwen3, Mistral) as data: its normalised config and
 * its parameters under their HF names. Activations are 2-D [batch * T, features] throughout. With a
 * score head (`config.numLabels`, transformers' `<Arch>ForSequenceClassification`) it is a sequence
 * classifier such as a reward model: `scores()` works, the token-logit methods throw.
 *
 * ```ts
 * const model = await loadModel('/models/Qwen2.5-0.5B');
 * const logits = model.forward({ inputIds, attentionMask }); // [batch * T, vocab]
 * const loss = model.loss({ inputIds, attentionMask }, labels); // transformers' shifted loss
 * ```
 */
export class CausalLM {
  readonly weights: Map<string, tf.Tensor>;
  /** Decoder linear weights stored quantised, by parameter name (see CausalLMParts.quantized). */
  readonly quantized: Map<string, QuantizedWeight>;
  generationConfig: GenerationConfig;
  rawConfig: JsonObject;
  rawGenerationConfig: JsonObject | null;
  /** When set, every linear module runs through it (PEFT installs LoRA here); null = plain linear. */
  linearHook: LinearHook | null = null;
  /**
   * When set, applied to the input embeddings right after the lookup, in every forward (training
   * sets it around its loss for NEFTune and clears it after, so generation sees plain embeddings).
   */
  embeddingHook: EmbeddingHook | null = null;
  /**
   * Activation checkpointing per decoder layer (transformers' gradient_checkpointing): a taped forward
   * keeps only each layer's input, and backward recomputes the layer. Same gradients, much less memory,
   * about one more forward of compute. Needs core-tensor's backward driver (valueAndGrads): the
   * recomputed layers read their weights, and any in the linear hook, through closures.
   */
  gradientCheckpointing = false;
  /**
   * Random generators the forward draws from (LoRA dropout in the linear hook): with gradient
   * checkpointing, each layer's recomputation replays their state, so it sees the same masks.
   */
  checkpointGenerators: RandomState[] = [];
  /**
   * LongLoRA's shifted sparse attention (S²-Attn): when set, forwards without a KV cache (hiddenStates,
   * loss, forward, scores) attend inside groups of `groupSizeRatio` of the row, half the heads shifted
   * by half a group; cached steps (generation) always attend in full. Trainers set it around training
   * losses only (`--shift_attn`), as LongLoRA trains sparse and infers with full attention.
   */
  shiftedSparseAttention: ShiftedSparseAttention | null = null;
  private readonly staticRope: RopeOptions | null;
  /** Mixture of experts: each projection's frozen expert weights stacked for groupedMatMul. */
  private readonly expertStacks = new ExpertWeightStacks();
  private readonly localRope: RopeOptions | undefined;
  private currentConfig: ModelConfig;

  constructor(parts: CausalLMParts) {
    this.currentConfig = parts.config;
    this.weights = parts.weights;
    this.quantized = parts.quantized ?? new Map();
    checkWeights(parts.config, parts.weights, this.quantized);
    this.generationConfig = parts.generationConfig ?? defaultGenerationConfig(parts.config);
    this.rawConfig = parts.rawConfig ?? writeModelConfig(parts.config);
    this.rawGenerationConfig = parts.rawGenerationConfig ?? null;
    this.staticRope = this.isDynamicRope() ? null : this.ropeOptions();
    const local = parts.config.localRope;
    this.localRope = local ? this.ropeOptions(undefined, local) : undefined;
    const moe = parts.config.moe;
    if (moe) this.expertStacks.prepare(expertProjections(moe), (m) => this.weights.get(`${m}.weight`));
  }

  /** The normalised config.json (replaced, not mutated, by setPadTokenId). */
  get config(): ModelConfig {
    return this.currentConfig;
  }

  /**
   * Sets the pad token id of the config (and of config.json as saved): scores() pools by it, and
   * transformers' sequence classifier reads it from the saved config.json. Trainers set it from the
   * tokenizer before training a reward model.
   */
  setPadTokenId(id: number | null): void {
    if (id !== null && !(Number.isInteger(id) && id >= 0 && id < this.config.vocabSize)) {
      throw new RangeError(
        `setPadTokenId: ${id} is not a token id; expected an integer in [0, ${this.config.vocabSize}) or null`,
      );
    }
    this.currentConfig = { ...this.currentConfig, padTokenId: id };
    this.rawConfig = { ...this.rawConfig, pad_token_id: id };
  }

  /**
   * The parameter `name` (HF name) as a float32 tensor; throws naming it if the model has none, or if it
   * is stored quantised (see linearWeight, dequantize).
   */
  weight(name: string): tf.Tensor {
    const w = this.weights.get(name);
    if (w !== undefined) return w;
    const q = this.quantized.get(name);
    if (q !== undefined) {
      throw new Error(
        `${this.config.className}: parameter '${name}' is stored quantised (${q.format}); read it with ` +
          'linearWeight(), or call dequantize() for a float32 model',
      );
    }
    throw new Error(`${this.config.className} has no parameter '${name}'`);
  }

  /** A linear layer's weight in its storage: a float32 tensor or a quantised weight. */
  linearWeight(name: string): LinearWeight {
    return this.quantized.get(name) ?? (this.weight(name) as tf.Tensor2D);
  }

  /** The shape of parameter `name`, whatever its storage. */
  parameterShape(name: string): readonly number[] {
    return this.quantized.get(name)?.shape ?? this.weight(name).shape;
  }

  /** Bytes the parameters hold: float32 tensors at 4 bytes an element, quantised ones at their size. */
  get parameterBytes(): number {
    let bytes = 0;
    for (const w of this.weights.values()) bytes += w.size * 4;
    for (const q of this.quantized.values()) bytes += q.byteSize;
    return bytes;
  }

  /**
   * Stores linear weight `name` quantised (`quantized` of its shape) in place of its float32 tensor,
   * which is disposed unless kept. Only the decoder layers' projections may be quantised.
   */
  setQuantizedWeight(name: string, quantized: QuantizedWeight, options: { disposeOld?: boolean } = {}): void {
    const spec = parameterSpecs(this.config).find((s) => s.name === name);
    if (spec === undefined || !isQuantizableParameter(spec)) {
      throw new Error(
        `setQuantizedWeight('${name}'): only the linear weights of the decoder layers are stored quantised`,
      );
    }
    if (!tf.util.arraysEqual([...quantized.shape], spec.shape)) {
      throw new Error(`setQuantizedWeight('${name}'): expected [${spec.shape}], got [${quantized.shape}]`);
    }
    const old = this.weights.get(name) ?? this.quantized.get(name);
    this.weights.delete(name);
    this.quantized.set(name, quantized);
    if (old !== undefined && old !== quantized && (options.disposeOld ?? true)) old.dispose();
  }

  /**
   * Turns every quantised weight back into a float32 tensor (transformers' `model.dequantize()`): the
   * values its format decodes to, rounded to its dtype. The model then saves and merges like any other.
   */
  dequantize(): void {
    for (const [name, q] of this.quantized) {
      this.weights.set(name, q.dequantize());
      q.dispose();
    }
    this.quantized.clear();
  }

  /**
   * The LM head's weight [vocab, hidden] as the logits use it: the embedding matrix when embeddings are
   * tied; with Baichuan 2's NormHead, its rows L2-normalised (a new tensor per read: read it in a tidy).
   * Throws for Gemma 2's soft-capped head, whose logits are not linear in it: use logits(), loss(),
   * tokenLogprobs() or headTokenLogprobs() there.
   */
  get lmHeadWeight(): tf.Tensor2D {
    requireLmHead(this.config, 'lmHeadWeight');
    if (this.config.finalLogitSoftcapping != null) {
      throw new Error(
        `lmHeadWeight: this ${this.config.className}'s logits are soft-capped (final_logit_softcapping ` +
          `${this.config.finalLogitSoftcapping}), not linear in the head; use logits(), loss(), tokenLogprobs() or headTokenLogprobs()`,
      );
    }
    return this.headWeight();
  }

  // The head's weight as the logits use it (normalised rows for NormHead); call inside a tidy.
  private headWeight(): tf.Tensor2D {
    const w = this.weight(this.config.tieWordEmbeddings ? EMBED_TOKENS : LM_HEAD) as tf.Tensor2D;
    return this.config.normHead ? normalizeRows(w) : w;
  }

  /** The score head's weight [numLabels, hidden] (`score.weight`); throws for a causal LM. */
  get scoreWeight(): tf.Tensor2D {
    if (this.config.numLabels === null) {
      throw new Error(
        `scoreWeight: this ${this.config.className} has no score head; load it as a sequence classifier ` +
          'with loadModel(dir, { numLabels: 1 }) (a reward model) to get one',
      );
    }
    return this.weight(SCORE) as tf.Tensor2D;
  }

  /** Replaces parameter `name` (e.g. with a tf.Variable for training); disposes the old tensor unless kept. */
  setWeight(name: string, tensor: tf.Tensor, options: { disposeOld?: boolean } = {}): void {
    const old = this.weight(name);
    if (!tf.util.arraysEqual(old.shape, tensor.shape) || tensor.dtype !== 'float32') {
      throw new Error(
        `setWeight('${name}'): expected float32 [${old.shape}], got ${tensor.dtype} [${tensor.shape}]`,
      );
    }
    this.weights.set(name, tensor);
    if (options.disposeOld ?? true) old.dispose();
  }

  /** Final hidden states (after the last norm), float32 [batch * T, hidden]. */
  hiddenStates(inputs: CausalLMInputs, routerStats?: RouterStatsSink): tf.Tensor2D {
    const [batch, t] = checkInputs(inputs);
    return tf.tidy(() => {
      const positions =
        inputs.positionIds ?? (inputs.attentionMask ? positionIdsFromMask(inputs.attentionMask) : undefined);
      const flatPositions = positions
        ? tf.reshape(positions, [batch * t])
        : tf.tile(tf.range(0, t, 1, 'int32'), [batch]);
      const ctx = this.context(batch, flatPositions as tf.Tensor1D, inputs.attentionMask, t);
      ctx.segmentIds = inputs.segmentIds;
      ctx.routerStats = routerStats;
      return runDecoder(ctx, tf.reshape(inputs.inputIds, [batch * t]) as tf.Tensor1D);
    });
  }

  /** Logits float32 [batch * T, vocab]; row b*T + t scores the token after position t of sequence b. */
  forward(inputs: CausalLMInputs): tf.Tensor2D {
    requireLmHead(this.config, 'forward');
    return tf.tidy(() => this.logits(this.hiddenStates(inputs)));
  }

  /** LM head on hidden states [N, hidden] -> [N, vocab] (soft-capped for Gemma 2). */
  logits(hidden: tf.Tensor2D): tf.Tensor2D {
    requireLmHead(this.config, 'logits');
    const cap = this.config.finalLogitSoftcapping ?? null;
    return tf.tidy(() => {
      const logits = linear(hidden, this.headWeight());
      return cap === null ? logits : softcap(logits, cap);
    });
  }

  /**
   * Log-probability of each row's label under the LM head, for hidden states [N, hidden] and labels
   * int32 [N] already aligned with them (shiftLabels), float32 [N] (0 where ignored), at `temperature`
   * (softmax of logits / temperature). For a linear head the [N, vocab] logits never materialise; a
   * soft-capped one is computed in checkpointed chunks. Callers that keep the hidden states (DPO, GRPO)
   * use this rather than lmHeadWeight.
   */
  headTokenLogprobs(
    hidden: tf.Tensor2D,
    labels: tf.Tensor1D,
    options: { ignoreIndex?: number; temperature?: number } = {},
  ): tf.Tensor1D {
    requireLmHead(this.config, 'headTokenLogprobs');
    const temperature = options.temperature ?? 1;
    if (!(temperature > 0 && Number.isFinite(temperature)))
      throw new RangeError(`tokenLogprobs: temperature must be a finite number > 0, got ${temperature}`);
    const cap = this.config.finalLogitSoftcapping ?? null;
    return tf.tidy(() => {
      const w = this.headWeight();
      const ignoreIndex = options.ignoreIndex;
      if (cap !== null) return softcappedTokenLogprobs(hidden, w, labels, cap, { ignoreIndex, temperature });
      // logits / τ = (hidden / τ) W^T: the head is linear, so the scaled logits never materialise.
      const scaled = temperature === 1 ? hidden : tf.mul(hidden, 1 / temperature);
      return linearTokenLogprobs(scaled, w, labels, { ignoreIndex });
    });
  }

  /**
   * Per row of hidden states [N, hidden], the mean over the vocabulary of its logits, float32 [N] (TRL's
   * logits/chosen metrics): h · mean(W) in one matvec for a linear head, chunks of logits for Gemma 2's
   * soft-capped one. Differentiable; a metric runs it under noGrad.
   */
  headMeanLogits(hidden: tf.Tensor2D): tf.Tensor1D {
    requireLmHead(this.config, 'headMeanLogits');
    const cap = this.config.finalLogitSoftcapping ?? null;
    return tf.tidy(() => {
      const w = this.headWeight();
      if (cap !== null) return softcappedMeanLogits(hidden, w, cap);
      return tf.reshape(tf.matMul(hidden, tf.reshape(tf.mean(w, 0), [-1, 1])), [-1]) as tf.Tensor1D;
    });
  }

  /**
   * transformers' causal-LM loss for `labels` int32 [batch, T] (-100 = not counted): logits at t are
   * scored against label t + 1. The [N, vocab] logits are never materialised (chunked fused op).
   */
  loss(inputs: CausalLMInputs, labels: tf.Tensor2D, options: LossOptions = {}): tf.Scalar {
    requireLmHead(this.config, 'loss');
    return tf.tidy(() => {
      const shifted = shiftLabels(labels, options.ignoreIndex);
      const hidden = this.hiddenStates(inputs);
      const cap = this.config.finalLogitSoftcapping ?? null;
      if (cap !== null) return softcappedCrossEntropy(hidden, this.headWeight(), shifted, cap, options);
      return linearCrossEntropy(hidden, this.headWeight(), shifted, options);
    });
  }

  /**
   * A mixture of experts' training losses from one forward (Mixtral, Qwen3-MoE): `loss` as `loss()`
   * computes it, and `auxLoss`, transformers' load-balancing loss (`load_balancing_loss_func` over the
   * routers of every sparse layer, padding left out by the attention mask), differentiable w.r.t. the
   * routers. transformers trains on `loss + config.moe.routerAuxLossCoef * auxLoss` when
   * output_router_logits is on; the caller adds it (a trainer scales the two terms differently).
   */
  lossWithRouterAux(
    inputs: CausalLMInputs,
    labels: tf.Tensor2D,
    options: LossOptions = {},
  ): { loss: tf.Scalar; auxLoss: tf.Scalar } {
    requireLmHead(this.config, 'lossWithRouterAux');
    return tf.tidy(() => {
      const { hidden, auxLoss } = this.hiddenStatesWithRouterAux(inputs, 'lossWithRouterAux');
      const shifted = shiftLabels(labels, options.ignoreIndex);
      return { loss: linearCrossEntropy(hidden, this.lmHeadWeight, shifted, options), auxLoss };
    });
  }

  /**
   * `hiddenStates` and the load-balancing loss of the same forward (see lossWithRouterAux): for losses
   * built on the hidden states (preference and RL trainers' sequence log-probs), as TRL adds
   * `router_aux_loss_coef * aux_loss` to them when output_router_logits is on.
   */
  hiddenStatesWithRouterAux(
    inputs: CausalLMInputs,
    caller = 'hiddenStatesWithRouterAux',
  ): { hidden: tf.Tensor2D; auxLoss: tf.Scalar } {
    const moe = this.config.moe;
    if (moe === undefined)
      throw new Error(`${caller}: this ${this.config.className} is not a mixture of experts`);
    const mask = inputs.attentionMask;
    const rowMask = mask ? tf.tidy(() => tf.cast(tf.reshape(mask, [-1]), 'float32') as tf.Tensor1D) : null;
    const stats = new RouterStats(moe.numExperts, inputs.inputIds.size, rowMask);
    try {
      return tf.tidy(() => ({ hidden: this.hiddenStates(inputs, stats), auxLoss: stats.loss() }));
    } finally {
      stats.dispose();
    }
  }

  /** The same loss through materialised logits (a reference for tests and small vocabularies). */
  lossFromLogits(inputs: CausalLMInputs, labels: tf.Tensor2D, options: LossOptions = {}): tf.Scalar {
    return tf.tidy(() =>
      crossEntropy(this.forward(inputs), shiftLabels(labels, options.ignoreIndex), options),
    );
  }

  /**
   * Log-probability of each next token under the model, float32 [batch * T]: row b*T + t holds
   * log p(labels[b, t + 1] | tokens <= t), 0 where that label is ignored (and at each row's end). With
   * `temperature`, of the distribution softmax(logits / temperature) the tokens were sampled from (TRL's
   * GRPO log-probs).
   */
  tokenLogprobs(
    inputs: CausalLMInputs,
    labels: tf.Tensor2D,
    options: { ignoreIndex?: number; temperature?: number } = {},
  ): tf.Tensor1D {
    requireLmHead(this.config, 'tokenLogprobs');
    return tf.tidy(() =>
      this.headTokenLogprobs(this.hiddenStates(inputs), shiftLabels(labels, options.ignoreIndex), options),
    );
  }

  /**
   * One inference step over `cache`: `inputIds` [batch, T] new tokens with their `mask` rows and
   * position ids (host arrays, [batch][T]); writes their keys/values at the cache's end. Returns the
   * logits of each row's last new token, float32 [batch, vocab].
   */
  step(cache: KvCache, inputIds: number[][], mask: number[][], positions: number[][]): tf.Tensor2D {
    requireLmHead(this.config, 'step');
    const batch = cache.batch;
    const t = inputIds[0]?.length ?? 0;
    if (inputIds.length !== batch || t === 0 || inputIds.some((r) => r.length !== t)) {
      throw new Error(`step: inputIds must be ${batch} rows of equal, non-zero length`);
    }
    const offset = cache.length;
    cache.advance(mask);
    return tf.tidy(() =>
      this.stepWithStore(cache, { inputIds, positions, keyMask: cache.maskTensor(), queryOffset: offset }),
    );
  }

  /**
   * One inference step over a KV store the caller manages (a serving engine's slots): the new tokens
   * `inputIds` at `positions` go through every layer, each writing its keys/values into `store` and
   * attending what the store returns under `keyMask` (causal from `queryOffset`). Returns the logits of
   * each row's `lastIndex` token, float32 [batch, vocab].
   */
  stepWithStore(store: KvStore, inputs: StoreStepInputs): tf.Tensor2D {
    requireLmHead(this.config, 'stepWithStore');
    const batch = inputs.inputIds.length;
    const t = inputs.inputIds[0]?.length ?? 0;
    const ok = (rows: readonly (readonly number[])[]) =>
      rows.length === batch && rows.every((r) => r.length === t);
    if (t === 0 || !ok(inputs.inputIds) || !ok(inputs.positions) || inputs.keyMask.shape[0] !== batch) {
      throw new Error(
        `stepWithStore: inputIds and positions must be ${batch} rows of one non-zero length, keyMask [${batch}, S]`,
      );
    }
    const last = inputs.lastIndex ?? new Array<number>(batch).fill(t - 1);
    if (last.length !== batch || last.some((i) => !Number.isInteger(i) || i < 0 || i >= t))
      throw new RangeError(`stepWithStore: lastIndex must hold ${batch} indices in [0, ${t})`);
    return tf.tidy(() =>
      this.stepWithStoreTensors(store, {
        inputIds: tf.tensor1d(inputs.inputIds.flat(), 'int32'),
        positions: tf.tensor1d(inputs.positions.flat(), 'int32'),
        keyMask: inputs.keyMask,
        queryOffset: inputs.queryOffset,
        tokensPerRow: t,
        lastRows: tf.tensor1d(
          last.map((i, b) => b * t + i),
          'int32',
        ),
      }),
    );
  }

  /**
   * stepWithStore with every per-step value already a tensor, so a step of fixed shapes can be recorded
   * once and replayed with new values (core-tensor's captureStep): no host value is read or made here.
   * `inputIds` and `positions` are int32 [batch * T] (row-major), `lastRows` int32 [batch] the flat
   * index of each row's returned token. Returns float32 [batch, vocab].
   */
  stepWithStoreTensors(store: KvStore, inputs: StoreStepTensors): tf.Tensor2D {
    requireLmHead(this.config, 'stepWithStoreTensors');
    const batch = inputs.keyMask.shape[0];
    return tf.tidy(() => {
      const ctx = this.context(
        batch,
        inputs.positions,
        inputs.keyMask,
        inputs.queryOffset + inputs.tokensPerRow,
      );
      ctx.cache = { kv: store, offset: inputs.queryOffset };
      const hidden = runDecoder(ctx, inputs.inputIds);
      return this.logits(tf.gather(hidden, inputs.lastRows) as tf.Tensor2D);
    });
  }

  /**
   * The sequence classifier's scores, float32 [batch, numLabels] (a reward model's rewards for
   * numLabels 1): the score head read at each row's last non-pad token, found by token id with
   * config.padTokenId as transformers does (`lastNonPadIndex`). Only those rows meet the head, and the
   * result is differentiable w.r.t. the body and score.weight. Packed rows (segmentIds) are refused.
   * `options.lastIndex` gives those positions when the caller has them (no read of the ids).
   */
  scores(inputs: CausalLMInputs, options: { lastIndex?: readonly number[] } = {}): tf.Tensor2D {
    const weight = this.scoreWeight;
    if (inputs.segmentIds !== undefined)
      throw new Error('scores: packed rows (segmentIds) are not supported; one sequence per row is scored');
    const [batch, t] = checkInputs(inputs);
    // Trainers know the ids on the host and pass the positions, which saves reading the ids back.
    const last = options.lastIndex ?? lastNonPadIndex(inputs.inputIds.arraySync(), this.config.padTokenId);
    if (last.length !== batch)
      throw new RangeError(`scores: ${last.length} lastIndex entries for ${batch} rows`);
    return tf.tidy(() => {
      const rows = tf.tensor1d(
        last.map((i, b) => b * t + i),
        'int32',
      );
      return linear(tf.gather(this.hiddenStates(inputs), rows) as tf.Tensor2D, weight);
    });
  }

  /** Frees every parameter. */
  dispose(): void {
    for (const w of this.weights.values()) w.dispose();
    this.weights.clear();
    for (const q of this.quantized.values()) q.dispose();
    this.quantized.clear();
    this.expertStacks.dispose();
  }

  private context(
    batch: number,
    positions: tf.Tensor1D,
    attentionMask: tf.Tensor2D | undefined,
    seqLen: number,
  ): ForwardContext {
    const hook = this.linearHook;
    return {
      config: this.config,
      weight: (name) => this.weight(name),
      linear: (module, x) => {
        const w = this.linearWeight(`${module}.weight`);
        const b = this.weights.get(`${module}.bias`) as tf.Tensor1D | undefined;
        return hook ? hook(module, x, w, b) : linear(x, w, b);
      },
      expertWeights: (modules) => {
        const plain: tf.Tensor2D[] = [];
        for (const m of modules) {
          const w = this.weights.get(`${m}.weight`);
          if (w === undefined || this.weights.has(`${m}.bias`) || (hook && (hook.adapts?.(m) ?? true)))
            return undefined;
          plain.push(w as tf.Tensor2D);
        }
        return this.expertStacks.stack(modules[0]!, plain);
      },
      batch,
      positions,
      attentionMask,
      rope: this.staticRope ?? this.ropeOptions(Math.max(seqLen, tf.max(positions).dataSync()[0]! + 1)),
      localRope: this.localRope,
      gradientCheckpointing: this.gradientCheckpointing,
      checkpointGenerators: this.checkpointGenerators,
      embeddingHook: this.embeddingHook,
      shiftedSparseAttention: this.shiftedSparseAttention,
    };
  }

  private isDynamicRope(): boolean {
    const s = this.config.ropeScaling;
    return (s?.rope_type ?? s?.type) === 'dynamic';
  }

  // The RoPE of `rope` (default: the config's own; Gemma 3's local one for its sliding layers).
  private ropeOptions(seqLen?: number, rope: LayerRope = this.config): RopeOptions {
    const c = this.config;
    const f = ropeFrequencies(
      {
        headDim: c.headDim,
        ropeTheta: rope.ropeTheta,
        maxPositionEmbeddings: c.maxPositionEmbeddings,
        partialRotaryFactor: c.partialRotaryFactor,
        ropeScaling: rope.ropeScaling,
      },
      seqLen,
    );
    return { headDim: c.headDim, invFreq: f.invFreq, attentionScaling: f.attentionScaling };
  }
}

function checkInputs(inputs: CausalLMInputs): [number, number] {
  const ids = inputs.inputIds;
  if (ids.rank !== 2 || ids.dtype !== 'int32' || ids.shape[1] === 0) {
    throw new Error(`inputIds must be int32 [batch, T] with T > 0, got ${ids.dtype} [${ids.shape}]`);
  }
  for (const [name, t] of [
    ['attentionMask', inputs.attentionMask],
    ['positionIds', inputs.positionIds],
    ['segmentIds', inputs.segmentIds],
  ] as const) {
    if (t !== undefined && (t.dtype !== 'int32' || !tf.util.arraysEqual(t.shape, ids.shape))) {
      throw new Error(`${name} must be int32 [${ids.shape}] like inputIds, got ${t.dtype} [${t.shape}]`);
    }
  }
  return ids.shape;
}

function checkWeights(
  config: ModelConfig,
  weights: Map<string, tf.Tensor>,
  quantized: Map<string, QuantizedWeight>,
): void {
  const specs = parameterSpecs(config);
  for (const name of quantized.keys()) {
    const spec = specs.find((s) => s.name === name);
    if (spec === undefined || !isQuantizableParameter(spec))
      throw new Error(
        `${config.className}: '${name}' is quantised, but only the decoder layers' linear weights may be`,
      );
  }
  for (const spec of specs) {
    const q = quantized.get(spec.name);
    if (q !== undefined) {
      if (weights.has(spec.name))
        throw new Error(
          `${config.className}: parameter '${spec.name}' is given both quantised and as a tensor`,
        );
      if (!tf.util.arraysEqual([...q.shape], spec.shape))
        throw new Error(
          `${config.className}: quantised parameter '${spec.name}' is [${q.shape}]; expected [${spec.shape}]`,
        );
      continue;
    }
    const w = weights.get(spec.name);
    if (w === undefined) throw new Error(`${config.className}: parameter '${spec.name}' is missing`);
    if (!tf.util.arraysEqual(w.shape, spec.shape) || w.dtype !== 'float32') {
      throw new Error(
        `${config.className}: parameter '${spec.name}' is ${w.dtype} [${w.shape}]; expected float32 [${spec.shape}]`,
      );
    }
  }
}
