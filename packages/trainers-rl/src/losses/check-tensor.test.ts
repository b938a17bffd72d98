import { expectNoLeak, tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkTensor, checkTokenMatrix } from './check-tensor.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('checkTensor and checkTokenMatrix', () => {
  it('pass float32 tensors of the right shape', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        expect(checkTokenMatrix('op', 'logps', tf.zeros([2, 3]))).toEqual([2, 3]);
        expect(() => checkTensor('op', 'mask', tf.zeros([2, 3]), [2, 3], "logps's [B, T]")).not.toThrow();
      }),
    ));

  it('name the op, the argument and the shapes', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        expect(() => checkTokenMatrix('op', 'logps', tf.zeros([6]))).toThrow(
          'op: logps must be [B, T], got [6]',
        );
        expect(() => checkTokenMatrix('op', 'logps', tf.zeros([2, 3], 'int32'))).toThrow(
          'op: logps must be float32, got int32',
        );
        expect(() => checkTokenMatrix('op', 'logps', null)).toThrow('op: logps is missing');
        expect(() => checkTensor('op', 'mask', tf.zeros([3, 2]), [2, 3], "logps's [B, T]")).toThrow(
          "op: mask must have shape [2,3] (logps's [B, T]), got [3,2]",
        );
        expect(() => checkTensor('op', 'advantages', tf.zeros([2, 1]), [2], 'one per row of logps')).toThrow(
          'op: advantages must have shape [2] (one per row of logps), got [2,1]',
        );
        expect(() => checkTensor('op', 'mask', tf.zeros([2, 3], 'bool'), [2, 3], 'x')).toThrow(
          'op: mask must be float32, got bool',
        );
        expect(() => checkTensor('op', 'refLogps', undefined, [2, 3], 'x')).toThrow(
          'op: refLogps is missing',
        );
      }),
    ));
});
