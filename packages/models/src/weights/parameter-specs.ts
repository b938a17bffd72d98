import type { ModelConfig } from '../config/model-config.js';
import { moeModuleNames } from './moe-module-names.js';

/** What a parameter is, which decides its initialisation. */
export type ParameterKind = 'embedding' | 'linear' | 'bias' | 'norm';

/** One parameter under its Hugging Face name, with the shape transformers gives it. */
export interface ParameterSpec {
  name: string;
  shape: number[];
  kind: ParameterKind;
  /** A mixture of experts' router (`gate`) or expert projection; absent elsewhere. */
  moe?: 'router' | 'expert';
}

export const EMBED_TOKENS = 'model.embed_tokens.weight';
export const FINAL_NORM = 'model.norm.weight';
export const LM_HEAD = 'lm_head.weight';
/** The sequence-classification head of `<Arch>ForSequenceClassification` (a Linear without bias). */
export const SCORE = 'score.weight';

/**
 * Whether a parameter may be stored quantised: the Linear weights of the decoder layers (q/k/v/o,
 * gate/up/down), what bitsandbytes quantises; never embeddings, heads, norms or biases.
 */
export function isQuantizableParameter(spec: Pick<ParameterSpec, 'name' | 'kind' | 'moe'>): boolean {
  // The router stays in float, as transformers 5 leaves it (its softmax picks the experts).
  return spec.kind === 'linear' && spec.moe !== 'router' && /^model\.layers\.\d+\./.test(spec.name);
}

/** `model.layers.<i>.` */
export function layerPrefix(layer: number): string {
  return `model.layers.${layer}.`;
}

function linear(specs: ParameterSpec[], module: string, outF: number, inF: number, bias: boolean): void {
  specs.push({ name: `${module}.weight`, shape: [outF, inF], kind: 'linear' });
  if (bias) specs.push({ name: `${module}.bias`, shape: [outF], kind: 'bias' });
}

/**
 * Every parameter of the model in transformers' `named_parameters()` order. Linear weights keep
 * torch's [out, in] layout (the forward multiplies with transposeB, so no copy is made). With tied
 * embeddings there is no lm_head.weight: the head reads the embedding matrix. A model with a score head
 * (numLabels not null) has score.weight [numLabels, hidden] and never an lm_head.weight.
 */
export function parameterSpecs(c: ModelConfig): ParameterSpec[] {
  const specs: ParameterSpec[] = [
    { name: EMBED_TOKENS, shape: [c.vocabSize, c.hiddenSize], kind: 'embedding' },
  ];
  const qWidth = c.numAttentionHeads * c.headDim;
  const kvWidth = c.numKeyValueHeads * c.headDim;
  for (let i = 0; i < c.numHiddenLayers; i++) {
    const p = layerPrefix(i);
    if (c.packedQkv) linear(specs, `${p}self_attn.W_pack`, qWidth + 2 * kvWidth, c.hiddenSize, c.qkvBias);
    else {
      linear(specs, `${p}self_attn.q_proj`, qWidth, c.hiddenSize, c.qkvBias);
      linear(specs, `${p}self_attn.k_proj`, kvWidth, c.hiddenSize, c.qkvBias);
      linear(specs, `${p}self_attn.v_proj`, kvWidth, c.hiddenSize, c.qkvBias);
    }
    linear(specs, `${p}self_attn.o_proj`, c.hiddenSize, qWidth, c.outputBias);
    if (c.qkNorm) {
      specs.push({ name: `${p}self_attn.q_norm.weight`, shape: [c.headDim], kind: 'norm' });
      specs.push({ name: `${p}self_attn.k_norm.weight`, shape: [c.headDim], kind: 'norm' });
    }
    if (c.moe?.sparseLayers[i]) specs.push(...moeSpecs(c, i));
    else {
      linear(specs, `${p}mlp.gate_proj`, c.intermediateSize, c.hiddenSize, c.mlpBias);
      linear(specs, `${p}mlp.up_proj`, c.intermediateSize, c.hiddenSize, c.mlpBias);
      linear(specs, `${p}mlp.down_proj`, c.hiddenSize, c.intermediateSize, c.mlpBias);
    }
    specs.push({ name: `${p}input_layernorm.weight`, shape: [c.hiddenSize], kind: 'norm' });
    specs.push({ name: `${p}post_attention_layernorm.weight`, shape: [c.hiddenSize], kind: 'norm' });
    if (c.sandwichNorms) {
      specs.push({ name: `${p}pre_feedforward_layernorm.weight`, shape: [c.hiddenSize], kind: 'norm' });
      specs.push({ name: `${p}post_feedforward_layernorm.weight`, shape: [c.hiddenSize], kind: 'norm' });
    }
  }
  specs.push({ name: FINAL_NORM, shape: [c.hiddenSize], kind: 'norm' });
  if (c.numLabels !== null) specs.push({ name: SCORE, shape: [c.numLabels, c.hiddenSize], kind: 'linear' });
  else if (!c.tieWordEmbeddings)
    specs.push({ name: LM_HEAD, shape: [c.vocabSize, c.hiddenSize], kind: 'linear' });
  return specs;
}

// A sparse MoE block in transformers 4's named_parameters() order: the router, then each expert's
// projections (Mixtral w1, w2, w3; Qwen gate_proj, up_proj, down_proj), none with a bias.
function moeSpecs(c: ModelConfig, layer: number): ParameterSpec[] {
  const moe = c.moe!;
  const names = moeModuleNames(moe, layer);
  const width = moe.expertIntermediateSize;
  const spec = (module: string, shape: number[], role: 'router' | 'expert'): ParameterSpec => ({
    name: `${module}.weight`,
    shape,
    kind: 'linear',
    moe: role,
  });
  const experts = names.experts.map((e) => {
    const gate = spec(e.gate, [width, c.hiddenSize], 'expert');
    const up = spec(e.up, [width, c.hiddenSize], 'expert');
    const down = spec(e.down, [c.hiddenSize, width], 'expert');
    return moe.expertNames === 'mixtral' ? [gate, down, up] : [gate, up, down];
  });
  return [spec(names.router, [moe.numExperts, c.hiddenSize], 'router'), ...experts.flat()];
}
