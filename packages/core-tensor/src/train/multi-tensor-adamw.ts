import { tf } from '../tf.js';
import type { AdamWOptions } from './adamw.js';
import {
  MultiTensorAdamWUpdate,
  multiTensorAdamWInputs,
  type MultiTensorAdamWUpdateAttrs,
} from './kernels/MultiTensorAdamWUpdate.js';
import { checkOption, type OptimizerState, type ParamGroup, type ParamState } from './optimizer.js';
import { paramGroupEntries, type ParamEntry } from './param-group-entries.js';

const SLOTS = ['exp_avg', 'exp_avg_sq'] as const;

/**
 * AdamW with one MultiTensorAdamWUpdate kernel per parameter group and step (torch's multi-tensor
 * AdamW), instead of AdamW's one kernel per parameter. Same options, same arithmetic to the bit, and
 * the same state: stateDict() is tagged 'AdamW' with the same slots, so checkpoints move freely
 * between the two.
 */
export class MultiTensorAdamW {
  readonly kind = 'AdamW';
  readonly betas: [number, number];
  readonly eps: number;
  private readonly groups: ParamEntry[][];
  private readonly entries = new Map<string, ParamEntry>();
  private readonly states = new Map<string, ParamState>();
  private learningRate = 0;
  private steps = 0;

  constructor(params: tf.Variable[] | ParamGroup[], options: AdamWOptions = {}) {
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2 } = options;
    this.setLearningRate(lr);
    betas.forEach((b, i) => checkOption('AdamW', `betas[${i}]`, b, b >= 0 && b < 1, 'a number in [0, 1)'));
    checkOption('AdamW', 'eps', eps, eps >= 0, 'a number >= 0');
    this.betas = [betas[0], betas[1]];
    this.eps = eps;
    this.groups = paramGroupEntries('AdamW', params, weightDecay);
    for (const e of this.groups.flat()) this.entries.set(e.variable.name, e);
  }

  /** The learning rate of the next step. */
  get lr(): number {
    return this.learningRate;
  }

  /** Sets the learning rate of the next steps (call it with a schedule's value before each step). */
  setLearningRate(lr: number): void {
    checkOption('AdamW', 'lr', lr, Number.isFinite(lr) && lr >= 0, 'a finite number >= 0');
    this.learningRate = lr;
  }

  /** How many times step() has run. */
  get stepCount(): number {
    return this.steps;
  }

  /** The names of the parameters, in group order. */
  get paramNames(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Updates every parameter that has a gradient in `grads` (keyed by variable name), one kernel per
   * group; parameters without one are left alone, as torch does. The caller keeps `grads`.
   */
  step(grads: tf.NamedTensorMap): void {
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

  private checkGrads(grads: tf.NamedTensorMap): void {
    for (const [name, grad] of Object.entries(grads)) {
      const entry = this.entries.get(name);
      if (entry == null) {
        throw new Error(
          `AdamW.step: got a gradient for '${name}', which is not one of this optimizer's ` +
            `${this.entries.size} parameters (pass the same variables to valueAndGrads)`,
        );
      }
      const { shape, dtype } = entry.variable;
      if (grad.dtype !== 'float32' || !tf.util.arraysEqual(grad.shape, shape)) {
        throw new Error(
          `AdamW.step: gradient of '${name}' is ${grad.dtype}[${grad.shape}]; expected ${dtype}[${shape}]`,
        );
      }
    }
  }

  /** A copy of the state for checkpointing (AdamW's format); the caller owns its tensors. */
  stateDict(): OptimizerState {
    const params: Record<string, ParamState> = {};
    for (const [name, { step, slots }] of this.states) {
      params[name] = {
        step,
        slots: Object.fromEntries(Object.entries(slots).map(([k, t]) => [k, t.clone()])),
      };
    }
    return { optimizer: this.kind, stepCount: this.steps, lr: this.learningRate, params };
  }

  /** Restores state saved by stateDict() of this class or of AdamW (tensors are copied). */
  loadStateDict(saved: OptimizerState): void {
    if (saved.optimizer !== this.kind) {
      throw new Error(`AdamW.loadStateDict: state was saved by '${saved.optimizer}'; expected 'AdamW'`);
    }
    const count = saved.stepCount;
    checkOption('AdamW', 'stepCount', count, Number.isSafeInteger(count) && count >= 0, 'an integer >= 0');
    for (const [name, ps] of Object.entries(saved.params)) this.checkSavedParam(name, ps);
    this.setLearningRate(saved.lr);
    this.disposeState();
    for (const [name, { step, slots }] of Object.entries(saved.params)) {
      this.states.set(name, {
        step,
        slots: Object.fromEntries(Object.entries(slots).map(([k, t]) => [k, tf.keep(t.clone())])),
      });
    }
    this.steps = saved.stepCount;
  }

  private checkSavedParam(name: string, ps: ParamState): void {
    const entry = this.entries.get(name);
    const where = `AdamW.loadStateDict: parameter '${name}'`;
    if (entry == null) throw new Error(`${where} is not one of this optimizer's parameters`);
    if (!(Number.isSafeInteger(ps.step) && ps.step >= 1))
      throw new Error(`${where} has step ${ps.step}; expected an integer >= 1`);
    const got = Object.keys(ps.slots).sort().join(', ');
    if (got !== SLOTS.join(', '))
      throw new Error(`${where} has slots [${got}]; expected [${SLOTS.join(', ')}]`);
    for (const [slot, t] of Object.entries(ps.slots)) {
      if (!tf.util.arraysEqual(t.shape, entry.variable.shape)) {
        throw new Error(`${where} slot '${slot}' has shape [${t.shape}]; expected [${entry.variable.shape}]`);
      }
    }
  }

  private disposeState(): void {
    for (const { slots } of this.states.values()) tf.dispose(Object.values(slots));
    this.states.clear();
  }

  /** Frees the state tensors; the parameters are the caller's. */
  dispose(): void {
    this.disposeState();
  }
}
