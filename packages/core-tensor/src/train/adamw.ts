import { tf } from '../tf.js';
import { AdamWUpdate, type AdamWUpdateAttrs } from '../kernel-names.js';
import { checkOption, Optimizer, type ParamGroup, type ParamState } from './optimizer.js';

/** torch.optim.AdamW's options (amsgrad off), with its defaults. */
export interface AdamWOptions {
  /** Default 1e-3. */
  lr?: number;
  /** Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Decoupled decay (param *= 1 - lr * weightDecay before the Adam update); default 1e-2. */
  weightDecay?: number;
}

/**
 * AdamW with torch.optim.AdamW's arithmetic (bias correction, eps outside the square root, decay
 * applied first), one AdamWUpdate kernel per parameter and step. State slots: exp_avg, exp_avg_sq.
 */
export class AdamW extends Optimizer {
  readonly betas: [number, number];
  readonly eps: number;

  constructor(params: tf.Variable[] | ParamGroup[], options: AdamWOptions = {}) {
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2 } = options;
    super('AdamW', ['exp_avg', 'exp_avg_sq'], params, lr, weightDecay);
    betas.forEach((b, i) => checkOption('AdamW', `betas[${i}]`, b, b >= 0 && b < 1, 'a number in [0, 1)'));
    checkOption('AdamW', 'eps', eps, eps >= 0, 'a number >= 0');
    this.betas = [betas[0], betas[1]];
    this.eps = eps;
  }

  protected override update(
    param: tf.Variable,
    grad: tf.Tensor,
    state: ParamState,
    weightDecay: number,
  ): tf.Tensor[] {
    const m = state.slots['exp_avg'] ?? tf.zerosLike(param);
    const v = state.slots['exp_avg_sq'] ?? tf.zerosLike(param);
    const attrs: AdamWUpdateAttrs = {
      lr: this.lr,
      beta1: this.betas[0],
      beta2: this.betas[1],
      eps: this.eps,
      weightDecay,
      step: state.step,
    };
    return tf.engine().runKernel(AdamWUpdate, { param, grad, m, v }, attrs) as tf.Tensor[];
  }
}
