import { tf } from '../tf.js';
import { SgdUpdate, type SgdUpdateAttrs } from '../kernel-names.js';
import { checkOption, Optimizer, type ParamGroup, type ParamState } from './optimizer.js';

/** torch.optim.SGD's options, with its defaults. */
export interface SgdOptions {
  /** Default 1e-3. */
  lr?: number;
  /** Default 0 (no buffer is kept). */
  momentum?: number;
  /** Default 0. */
  dampening?: number;
  /** L2 penalty added to the gradient (coupled, unlike AdamW); default 0. */
  weightDecay?: number;
  /** Default false; needs momentum > 0 and dampening 0. */
  nesterov?: boolean;
}

/** SGD with torch.optim.SGD's arithmetic, one SgdUpdate kernel per parameter and step. Slot: momentum_buffer. */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;

  constructor(params: tf.Variable[] | ParamGroup[], options: SgdOptions = {}) {
    const { lr = 1e-3, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false } = options;
    super('SGD', momentum !== 0 ? ['momentum_buffer'] : [], params, lr, weightDecay);
    checkOption('SGD', 'momentum', momentum, momentum >= 0, 'a number >= 0');
    checkOption('SGD', 'dampening', dampening, Number.isFinite(dampening), 'a finite number');
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new RangeError(
        `SGD: option 'nesterov' is true with momentum ${momentum} and dampening ${dampening}; ` +
          'expected momentum > 0 and dampening 0',
      );
    }
    this.momentum = momentum;
    this.dampening = dampening;
    this.nesterov = nesterov;
  }

  protected override update(
    param: tf.Variable,
    grad: tf.Tensor,
    state: ParamState,
    weightDecay: number,
  ): tf.Tensor[] {
    const attrs: SgdUpdateAttrs = {
      lr: this.lr,
      momentum: this.momentum,
      dampening: this.dampening,
      weightDecay,
      nesterov: this.nesterov,
    };
    const buf = state.slots['momentum_buffer'];
    const inputs: tf.NamedTensorMap = buf ? { param, grad, buf } : { param, grad };
    return tf.engine().runKernel(SgdUpdate, inputs, attrs) as tf.Tensor[];
  }
}
