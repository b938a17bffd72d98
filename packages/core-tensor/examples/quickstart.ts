import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdamW,
  crossEntropy,
  getScheduler,
  initBackend,
  rmsNorm,
  SafetensorsFile,
  tf,
  writeSafetensors,
} from '@medgpt/core-tensor';

// Pick a backend: --backend / MEDGPT_BACKEND / auto (cuda > tensorflow > wasm > cpu).
const report = await initBackend({ log: false });
console.log(`backend: ${report.backend}`);

// A tiny classifier: rmsNorm -> linear (HF layout [out, in]) -> cross-entropy, trained by AdamW.
// (tidy frees the initial values; the variables keep their data)
const weight = tf.tidy(() =>
  tf.variable(tf.randomNormal([5, 8], 0, 0.5, 'float32', 1), true, 'lm_head.weight'),
);
const norm = tf.tidy(() => tf.variable(tf.ones([8]) as tf.Tensor1D, true, 'norm.weight'));
const x = tf.randomNormal([16, 8], 0, 1, 'float32', 2);
const labels = tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, -100], 'int32');

const optimizer = new AdamW([weight, norm], { lr: 0.05, weightDecay: 0.01 });
const schedule = getScheduler({ name: 'cosine', baseLr: 0.05, numWarmupSteps: 2, numTrainingSteps: 30 });
const losses: number[] = [];
for (let step = 0; step < 30; step++) {
  optimizer.setLearningRate(schedule.lr(step));
  const { value, grads } = tf.variableGrads(() =>
    crossEntropy(tf.matMul(rmsNorm(x, norm, 1e-6), weight, false, true), labels),
  );
  optimizer.step(grads);
  losses.push(value.dataSync()[0]!);
  tf.dispose([value, ...Object.values(grads)]);
}
console.log(`loss ${losses[0]!.toFixed(3)} -> ${losses.at(-1)!.toFixed(3)}`);
if (!(losses.at(-1)! < losses[0]!)) throw new Error('the loss did not go down');

// Save the weights as safetensors (bf16 on disk, as HF checkpoints often are) and read one back lazily.
const file = join(mkdtempSync(join(tmpdir(), 'medgpt-')), 'model.safetensors');
await writeSafetensors(file, { 'lm_head.weight': weight, 'norm.weight': norm }, { dtype: 'BF16' });
const st = await SafetensorsFile.open(file);
const back = await st.readTensor('lm_head.weight');
console.log(`${st.info('lm_head.weight').dtype} ${back.shape}`);
await st.close();

tf.dispose([back, weight, norm, x, labels]);
optimizer.dispose();
