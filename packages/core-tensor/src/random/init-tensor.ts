import { tf } from '../tf.js';
import type { Generator } from './generator.js';
import { randomTensor } from './random-tensor.js';

/** Nonlinearities whose gain torch.nn.init.calculate_gain knows and kaiming init may name. */
export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';

/**
 * How to initialise a weight, as data (a model config can carry it). `normal` with
 * std = initializer_range is what HF decoders use for linear and embedding weights.
 */
export type InitSpec =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'normal'; mean?: number; std: number }
  | { kind: 'truncated_normal'; mean?: number; std: number; a?: number; b?: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'kaiming_uniform'; a?: number; mode?: 'fan_in' | 'fan_out'; nonlinearity?: Nonlinearity }
  | { kind: 'xavier_uniform'; gain?: number };

/** torch's fan computation: dim 1 (inputs) and dim 0 (outputs) times the receptive field. */
export function fanInFanOut(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new RangeError(
      `fanInFanOut: shape ${JSON.stringify(shape)} has rank ${shape.length}; expected rank >= 2`,
    );
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** torch.nn.init.calculate_gain for the nonlinearities above; `a` is leaky_relu's negative slope. */
export function calculateGain(nonlinearity: Nonlinearity, a = 0): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + a * a));
    default:
      throw new RangeError(
        `calculateGain: unknown nonlinearity '${String(nonlinearity)}'; expected linear, sigmoid, tanh, relu or leaky_relu`,
      );
  }
}

/**
 * A new float32 tensor of `shape` initialised per `spec`, drawing from `rng` (unused by zeros/ones).
 * Kaiming and Xavier follow torch.nn.init (weights laid out [out, in] like torch.nn.Linear).
 */
export function initTensor(shape: number[], spec: InitSpec, rng: Generator): tf.Tensor {
  switch (spec.kind) {
    case 'zeros':
      return tf.zeros(shape);
    case 'ones':
      return tf.ones(shape);
    case 'normal':
      return randomTensor(shape, { kind: 'normal', mean: spec.mean ?? 0, std: spec.std }, rng);
    case 'truncated_normal': {
      const { mean = 0, std, a = -2, b = 2 } = spec;
      return randomTensor(shape, { kind: 'truncated_normal', mean, std, a, b }, rng);
    }
    case 'uniform':
      return randomTensor(shape, { kind: 'uniform', low: spec.low, high: spec.high }, rng);
    case 'kaiming_uniform': {
      const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' } = spec;
      if (mode !== 'fan_in' && mode !== 'fan_out') {
        throw new RangeError(
          `initTensor: kaiming_uniform option 'mode' is '${String(mode)}'; expected fan_in or fan_out`,
        );
      }
      const fans = fanInFanOut(shape);
      const bound =
        Math.sqrt(3) *
        (calculateGain(nonlinearity, a) / Math.sqrt(mode === 'fan_in' ? fans.fanIn : fans.fanOut));
      return randomTensor(shape, { kind: 'uniform', low: -bound, high: bound }, rng);
    }
    case 'xavier_uniform': {
      const { fanIn, fanOut } = fanInFanOut(shape);
      const bound = (spec.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
      return randomTensor(shape, { kind: 'uniform', low: -bound, high: bound }, rng);
    }
    default:
      throw new RangeError(
        `initTensor: unknown init kind '${(spec as { kind: string }).kind}'; expected zeros, ones, normal, ` +
          'truncated_normal, uniform, kaiming_uniform or xavier_uniform',
      );
  }
}
