// Host cost of bench/gpu/gpu-moe.ts's Mixtral-shaped LoRA step (same sizes: 8 layers, hidden 1024, 8 experts of
// width 1024, top-2, batch 4 x 512) on core-tensor's shape-only backend: no math, so the wall time is what
// the engine, the model and peft cost on the host per step (a GPU backend's launches run asynchronously).
// `dense` runs the same shape with a dense MLP (Mistral) for comparison. Numbers, not a test.
//
//   node -e "import('./bench/lib/device-bundle.mjs').then((m) => m.bundleForDevice(['bench/cpu/moe-host-cost.ts'], '/tmp/moe-host'))"
//   node /tmp/moe-host/moe-host-cost.mjs [dense]
import {
  MultiTensorAdamW,
  registerShapeOnlyBackend,
  shapeOnlyTensor,
  tf,
  valueAndGrads,
} from '@medgpt/core-tensor';
import { CausalLM, parameterSpecs, parseModelConfig } from '@medgpt/models';
import { PeftModel } from '@medgpt/peft';

const moe = process.argv[2] !== 'dense';
registerShapeOnlyBackend('shape-only-bf16', { floatBytes: 2 });
await tf.setBackend('shape-only-bf16');
const config = parseModelConfig(
  {
    architectures: [moe ? 'MixtralForCausalLM' : 'MistralForCausalLM'],
    model_type: moe ? 'mixtral' : 'mistral',
    hidden_size: 1024,
    intermediate_size: 1024,
    num_hidden_layers: 8,
    num_attention_heads: 16,
    num_key_value_heads: 8,
    vocab_size: 32000,
    ...(moe
      ? {
          num_local_experts: 8,
          num_experts_per_tok: 2,
          router_aux_loss_coef: 0.02,
          output_router_logits: true,
        }
      : {}),
    max_position_embeddings: 4096,
    rms_norm_eps: 1e-5,
    rope_theta: 1e6,
    hidden_act: 'silu',
    tie_word_embeddings: false,
  },
  'config.json',
);
const weights = new Map<string, tf.Tensor>();
for (const spec of parameterSpecs(config)) weights.set(spec.name, shapeOnlyTensor(spec.shape));
const model = new CausalLM({ config, weights });
const peft = new PeftModel(model);
peft.addAdapter('default', { r: 8, lora_alpha: 16, lora_dropout: 0, target_modules: 'all' }, { seed: 1 });
peft.training = true;
const vars = peft.trainableVariables();
const ids = shapeOnlyTensor([4, 512], 'int32') as tf.Tensor2D;
const opt = new MultiTensorAdamW(vars, { lr: 1e-5, weightDecay: 0 });
const step = () => {
  const { value, grads } = valueAndGrads(() => {
    if (!moe) return model.loss({ inputIds: ids }, ids);
    const { loss, auxLoss } = model.lossWithRouterAux({ inputIds: ids }, ids);
    return tf.add(loss, tf.mul(auxLoss, 0.02)) as tf.Scalar;
  }, vars);
  opt.step(grads);
  tf.dispose([value, ...Object.values(grads)]);
};
const times: number[] = [];
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  step();
  times.push(performance.now() - t);
}
const sorted = times.slice(4).sort((a, b) => a - b);
console.log(
  `${moe ? 'mixtral' : 'dense'}: host ms/step ${times.map((t) => t.toFixed(1)).join(' ')}; ` +
    `median of the last 16 ${sorted[8]!.toFixed(1)}`,
);
