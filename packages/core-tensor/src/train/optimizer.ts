import { tf } from '../tf.js';
import { paramGroupEntries, type ParamEntry } from './param-group-entries.js';

/** Parameters that share settings, as a torch param group; `weightDecay` overrides the default. */
export interface ParamGroup {
  params: tf.Variable[];
  weightDecay?: number;
}

/** One parameter's state, as torch keeps it: the steps it has taken and its slot tensors. */
export interface ParamState {
  step: number;
  slots: Record<string, tf.Tensor>;
}

/**
 * Everything needed to resume an optimizer, keyed by parameter (variable) name. Slot names follow
 * torch (`exp_avg`, `exp_avg_sq`, `momentum_buffer`). Tensors from stateDict() belong to the caller.
 */
export interface OptimizerState {
  optimizer: string;
  stepCount: number;
  lr: number;
  params: Record<string, ParamState>;
}

/** Throws a RangeError naming `owner`'s option, its value and what was expected. */
export function checkOption(
  owner: string,
  option: string,
  value: unknown,
  ok: boolean,
  expected: string,
): void {
  if (!ok) throw new RangeError(`${owner}: option '${option}' is ${String(value)}; expected ${expected}`);
}

/**
 * The machinery shared by AdamW and SGD: parameters by variable name, per-parameter state, the
 * learning rate, the step loop (one fused kernel per parameter, written back with assign) and
 * state save/restore. Subclasses supply the kernel call.
 */
export abstract class Optimizer {
  /** The parameters by group, and by variable name. */
  protected readonly groups: ParamEntry[][];
  private readonly entries = new Map<string, ParamEntry>();
  /** Per-parameter state by variable name; a parameter has none before its first step. */
  protected readonly states = new Map<string, ParamState>();
  private learningRate = 0;
  /** How many times step() has run. */
  protected steps = 0;

  protected constructor(
    /** 'AdamW' or 'SGD': names errors and tags saved state. */
    readonly kind: string,
    /** The slots each parameter keeps, in the order update() returns them after the parameter. */
    private readonly slotNames: readonly string[],
    params: tf.Variable[] | ParamGroup[],
    lr: number,
    weightDecay: number,
  ) {
    this.setLearningRate(lr);
    this.groups = paramGroupEntries(kind, params, weightDecay);
    for (const entry of this.groups.flat()) this.entries.set(entry.variable.name, entry);
  }

  /** The learning rate of the next step. */
  get lr(): number {
    return this.learningRate;
  }

  /** Sets the learning rate of the next steps (call it with a schedule's value before each step). */
  setLearningRate(lr: number): void {
    checkOption(this.kind, 'lr', lr, Number.isFinite(lr) && lr >= 0, 'a finite number >= 0');
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
   * Updates every parameter that has a gradient in `grads` (keyed by variable name, as
   * tf.variableGrads returns them); parameters without one are left alone, as torch does.
   * The caller keeps ownership of `grads`.
   */
  step(grads: tf.NamedTensorMap): void {
    this.checkGrads(grads);
    for (const [name, { variable, weightDecay }] of this.entries) {
      const grad = grads[name];
      if (grad == null) continue;
      const state = this.states.get(name) ?? { step: 0, slots: {} };
      this.states.set(name, state);
      state.step += 1;
      const [param, ...slots] = tf.tidy(() => this.update(variable, grad, state, weightDecay));
      variable.assign(param!);
      param!.dispose();
      this.slotNames.forEach((slot, i) => {
        state.slots[slot]?.dispose();
        state.slots[slot] = tf.keep(slots[i]!);
      });
    }
    this.steps += 1;
  }

  /**
   * Runs the fused kernel for one parameter and returns [new param, ...new slots in slotNames
   * order]; `state.step` already counts this step. Runs inside a tidy.
   */
  protected abstract update(
    param: tf.Variable,
    grad: tf.Tensor,
    state: ParamState,
    weightDecay: number,
  ): tf.Tensor[];

  protected checkGrads(grads: tf.NamedTensorMap): void {
    for (const [name, grad] of Object.entries(grads)) {
      const entry = this.entries.get(name);
      if (entry == null) {
        throw new Error(
          `${this.kind}.step: got a gradient for '${name}', which is not one of this optimizer's ` +
            `${this.entries.size} parameters (pass the same variables to valueAndGrads or tf.variableGrads)`,
        );
      }
      const { shape, dtype } = entry.variable;
      if (grad.dtype !== 'float32' || !tf.util.arraysEqual(grad.shape, shape)) {
        throw new Error(
          `${this.kind}.step: gradient of '${name}' is ${grad.dtype}[${grad.shape}]; expected ${dtype}[${shape}]`,
        );
      }
    }
  }

  /** A copy of the state for checkpointing; the caller owns (and disposes) its tensors. */
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

  /** Restores state saved by stateDict() (tensors are copied; the caller keeps its own). */
  loadStateDict(saved: OptimizerState): void {
    if (saved.optimizer !== this.kind) {
      throw new Error(
        `${this.kind}.loadStateDict: state was saved by '${saved.optimizer}'; expected '${this.kind}'`,
      );
    }
    checkOption(
      this.kind,
      'stepCount',
      saved.stepCount,
      Number.isSafeInteger(saved.stepCount) && saved.stepCount >= 0,
      'an integer >= 0',
    );
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
    const where = `${this.kind}.loadStateDict: parameter '${name}'`;
    if (entry == null) throw new Error(`${where} is not one of this optimizer's parameters`);
    if (!(Number.isSafeInteger(ps.step) && ps.step >= 1))
      throw new Error(`${where} has step ${ps.step}; expected an integer >= 1`);
    const got = Object.keys(ps.slots).sort().join(', ');
    const want = [...this.slotNames].sort().join(', ');
    if (got !== want) throw new Error(`${where} has slots [${got}]; expected [${want}]`);
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
