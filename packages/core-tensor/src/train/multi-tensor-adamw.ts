import { tf } from '../tf.js';
import {
  MultiTensorAdamWUpdate,
  multiTensorAdamWInputs,
  type MultiTensorAdamWUpdateAttrs,
} from '../kernel-names.js';
import { AdamW } from './adamw.js';
import type { ParamState } from './optimizer.js';
import type { ParamEntry } from './param-group-entries.js';

const SLOTS = ['exp_avg', 'exp_avg_sq'] as const;

/**
 * AdamW with one MultiTensorAdamWUpdate kernel per parameter group and step (torch's multi-tensor
 * AdamW), instead of AdamW's one kernel per parameter. Same options, same arithmetic to the bit, and
 * the same state (it is an AdamW with another step()), so checkpoints move freely between the two.
 */
export class MultiTensorAdamW extends AdamW {
  /**
   * Updates every parameter that has a gradient in `grads` (keyed by variable name), one kernel per
   * group; parameters without one are left alone, as torch does. The caller keeps `grads`.
   */
  override step(grads: tf.NamedTensorMap): void {
    this.checkGrads(grads);
    for (const group of this.groups) {
      const items = group.filter((e) => grads[e.variable.name] != null);
      if (items.length > 0) this.updateGroup(items, grads);
    }
    this.steps += 1;
  }

  private updateGroup(items: ParamEntry[], grads: tf.NamedTensorMap): void {
    const states = items.map((e) => this.stateOf(e.variable));
    const inputs = multiTensorAdamWInputs(
      items.map((e, i) => ({
        param: e.variable,
        grad: grads[e.variable.name]!,
        m: states[i]!.slots['exp_avg']!,
        v: states[i]!.slots['exp_avg_sq']!,
      })),
    );
    const attrs: MultiTensorAdamWUpdateAttrs = {
      lr: this.lr,
      beta1: this.betas[0],
      beta2: this.betas[1],
      eps: this.eps,
      weightDecay: items[0]!.weightDecay,
      steps: states.map((s) => s.step + 1),
    };
    let outs: tf.Tensor[];
    try {
      outs = tf.engine().runKernel(MultiTensorAdamWUpdate, inputs, attrs) as tf.Tensor[];
    } catch (e) {
      // Zero slots made for parameters taking their first step are not registered yet.
      for (const s of states) if (s.step === 0) tf.dispose(Object.values(s.slots));
      throw e;
    }
    items.forEach((e, i) => {
      const [param, m, v] = [outs[3 * i]!, outs[3 * i + 1]!, outs[3 * i + 2]!];
      e.variable.assign(param);
      param.dispose();
      const state = states[i]!;
      tf.dispose(Object.values(state.slots));
      this.states.set(e.variable.name, {
        step: state.step + 1,
        slots: { exp_avg: tf.keep(m), exp_avg_sq: tf.keep(v) },
      });
    });
  }

  /** A parameter's state; before its first step, zero slots that the caller disposes once replaced. */
  private stateOf(variable: tf.Variable): ParamState {
    const state = this.states.get(variable.name);
    if (state !== undefined) return state;
    return { step: 0, slots: Object.fromEntries(SLOTS.map((slot) => [slot, tf.zerosLike(variable)])) };
  }
}
