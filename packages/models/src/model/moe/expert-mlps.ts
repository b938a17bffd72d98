import { groupedMatMul, swiglu, tf } from '@medgpt/core-tensor';
import type { MoeModules } from '../../weights/moe-module-names.js';
import type { ForwardContext } from '../forward-context.js';

/**
 * The experts' SwiGLU MLPs over rows grouped by expert: `x` [rows, hidden] holds `groupSizes[0]` rows
 * for expert 0, then `groupSizes[1]` for expert 1, ...; each group goes through only its expert, and the
 * result [rows, hidden] keeps the order.
 *
 * When every expert projection is a plain float weight that no hook adapts (LoRA on attention only, as
 * MedicalGPT advises for MoE; full fine-tuning), each projection is one grouped matmul over all the
 * groups (`groupedMatMul` with the experts' weights stacked [E, out, in] by `ctx.expertWeights`), and
 * the sizes stay on the device. Otherwise (LoRA on experts, quantised experts) each expert runs through
 * `ctx.linear` on its rows, which reads the sizes back: one matmul per projection per expert that has
 * rows; split and concat keep the backward linear in the rows.
 */
export function expertMlps(
  ctx: ForwardContext,
  modules: MoeModules,
  x: tf.Tensor2D,
  groupSizes: tf.Tensor1D,
): tf.Tensor2D {
  const projection = (p: 'gate' | 'up' | 'down') => modules.experts.map((e) => e[p]);
  const gate = ctx.expertWeights?.(projection('gate'));
  const up = gate && ctx.expertWeights?.(projection('up'));
  const down = up && ctx.expertWeights?.(projection('down'));
  if (gate && up && down) {
    const h = swiglu(groupedMatMul(x, gate, groupSizes), groupedMatMul(x, up, groupSizes));
    return groupedMatMul(h, down, groupSizes);
  }
  return expertLoop(ctx, modules, x, Int32Array.from(groupSizes.dataSync()));
}

function expertLoop(
  ctx: ForwardContext,
  modules: MoeModules,
  x: tf.Tensor2D,
  counts: Int32Array,
): tf.Tensor2D {
  const used = [...counts.keys()].filter((e) => counts[e]! > 0);
  const parts =
    used.length === 1
      ? [x]
      : tf.split(
          x,
          used.map((e) => counts[e]!),
        );
  const outs = used.map((e, i) => {
    const m = modules.experts[e]!;
    const h = parts[i] as tf.Tensor2D;
    return ctx.linear(m.down, swiglu(ctx.linear(m.gate, h), ctx.linear(m.up, h)));
  });
  return outs.length === 1 ? outs[0]! : tf.concat(outs);
}
