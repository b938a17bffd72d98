import { swiglu, tf } from '@medgpt/core-tensor';
import type { MoeModules } from '../../weights/moe-module-names.js';
import type { ForwardContext } from '../forward-context.js';

/**
 * The experts' SwiGLU MLPs over rows grouped by expert: `x` [rows, hidden] holds `counts[0]` rows for
 * expert 0, then `counts[1]` for expert 1, ...; each group goes through only its expert, and the result
 * [rows, hidden] keeps the order. Each expert projection runs through `ctx.linear`, so LoRA adapters on
 * experts and quantised experts compose as on any linear layer.
 *
 * This is the one function a grouped GEMM replaces on cuda (one kernel per projection over all groups,
 * from `counts` as offsets); here it is one matmul per projection per expert that has rows. split and
 * concat keep the backward linear in the rows (their gradients are concat and split).
 */
export function expertMlps(
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
