// The pieces of this folder composed as the trainer will: checkpointed blocks, gradient
// accumulation, clipping, a warmup + cosine schedule and AdamW with HF's decay groups.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { Generator } from '../random/generator.js';
import { initTensor, type InitSpec } from '../random/init-tensor.js';
import { AdamW } from './adamw.js';
import { checkpoint } from './checkpoint.js';
import { clipGradNorm } from './clip-grad-norm.js';
import { weightDecayParamGroups } from './decay-parameter-names.js';
import { GradientAccumulator } from './gradient-accumulator.js';
import { getScheduler } from './lr-schedule.js';

describe('a training loop from these parts', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('lowers the loss, logs finite grad norms and keeps tf.memory() flat', () => {
    const rng = new Generator(42);
    const param = (name: string, shape: number[], spec: InitSpec) =>
      tf.tidy(() => tf.variable(initTensor(shape, spec, rng), true, `loop.layers.0.${name}`));
    const w1 = param('mlp.up_proj.weight', [8, 16], { kind: 'normal', std: 0.3 });
    const b1 = param('mlp.up_proj.bias', [16], { kind: 'zeros' });
    const w2 = param('mlp.down_proj.weight', [16, 1], { kind: 'normal', std: 0.3 });
    const vars = [w1, b1, w2];
    const mlp = (x: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Tensor =>
      tf.matMul(tf.relu(tf.add(tf.matMul(x, a), b)), c);
    // Target: the sum of the features.
    const data = new Generator(7);
    const batches = [0, 1].map(() => {
      const x = tf.tensor(data.normal(16 * 8), [16, 8]);
      return { x, y: tf.sum(x, 1, true) };
    });
    const mse = (x: tf.Tensor, y: tf.Tensor): tf.Scalar =>
      tf.mean(tf.square(tf.sub(checkpoint(mlp as never, [x, w1, b1, w2]), y)));

    const opt = new AdamW(weightDecayParamGroups(vars, 0.01), { lr: 0.05 });
    const steps = 30;
    const schedule = getScheduler({
      name: 'cosine',
      baseLr: 0.05,
      numWarmupSteps: 3,
      numTrainingSteps: steps,
    });
    const acc = new GradientAccumulator();
    const losses: number[] = [];
    let tensorsAfterFirstStep = 0;
    for (let step = 0; step < steps; step++) {
      let loss = 0;
      for (const { x, y } of batches) {
        const { value, grads } = tf.variableGrads(() => mse(x, y), vars);
        acc.add(grads);
        loss += value.dataSync()[0]! / batches.length;
        tf.dispose([value, ...Object.values(grads)]);
      }
      const grads = acc.result('mean');
      acc.reset();
      const clip = clipGradNorm(grads, 1.0);
      expect(clip.finite).toBe(true);
      opt.setLearningRate(schedule.lr(step));
      opt.step(grads);
      tf.dispose(Object.values(grads));
      losses.push(loss);
      if (step === 0) tensorsAfterFirstStep = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(tensorsAfterFirstStep);
    expect(losses[steps - 1]!).toBeLessThan(0.2 * losses[0]!);
    opt.dispose();
    tf.dispose([...vars, ...batches.flatMap((b) => [b.x, b.y])]);
  });
});
