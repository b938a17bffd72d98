import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crossEntropy, SafetensorsFile, tf, writeSafetensors } from '@medgpt/core-tensor';
import { Trainer, type TrainingTask } from '@medgpt/trainer';

await tf.setBackend('cpu');
const out = await mkdtemp(join(tmpdir(), 'medgpt-trainer-quickstart-'));

// The data: rows of character ids; the model learns which character comes next (a bigram LM).
const text = 'fever, cough and headache; rest, fluids and paracetamol. ';
const vocab = [...new Set(text)];
const rows = Array.from({ length: 32 }, (_, i) =>
  [...text.slice(i % 20, (i % 20) + 24)].map((c) => vocab.indexOf(c)),
);

// A task tells the loop what trains, how to batch, the loss, and how to save and restore the weights.
const embed = tf.tidy(() =>
  tf.variable(tf.randomNormal([vocab.length, 16], 0, 0.1, 'float32', 1), true, 'embed.weight'),
);
const head = tf.tidy(() =>
  tf.variable(tf.randomNormal([vocab.length, 16], 0, 0.1, 'float32', 2), true, 'head.weight'),
);
type Batch = { ids: number[]; next: number[] };
const task: TrainingTask<number[], Batch> = {
  parameters: [embed, head],
  collate: (examples) => ({
    ids: examples.flatMap((r) => r.slice(0, -1)),
    next: examples.flatMap((r) => r.slice(1)),
  }),
  lossItems: (b) => b.next.length, // tokens that carry loss: the step's loss is a mean over them
  tokens: (b) => b.ids.length,
  loss: (b, reduction) =>
    tf.tidy(() => {
      const hidden = tf.gather(embed, tf.tensor1d(b.ids, 'int32')) as tf.Tensor2D;
      return crossEntropy(tf.matMul(hidden, head, false, true), tf.tensor1d(b.next, 'int32'), { reduction });
    }),
  saveWeights: (dir) =>
    writeSafetensors(join(dir, 'model.safetensors'), { 'embed.weight': embed, 'head.weight': head }),
  loadWeights: async (dir) => {
    const file = await SafetensorsFile.open(join(dir, 'model.safetensors'));
    for (const v of [embed, head]) {
      const t = await file.readTensor(v.name);
      v.assign(t);
      t.dispose();
    }
    await file.close();
  },
};

// transformers' TrainingArguments names and defaults: 4 micro-batches of 4 rows per step, AdamW, cosine.
const trainer = new Trainer({
  args: {
    output_dir: out,
    per_device_train_batch_size: 4,
    gradient_accumulation_steps: 2,
    num_train_epochs: 5,
    learning_rate: 0.05,
    lr_scheduler_type: 'cosine',
    warmup_ratio: 0.1,
    logging_steps: 5,
    save_steps: 10,
    save_total_limit: 2,
  },
  task,
  trainDataset: rows,
  log: () => undefined, // default: stdout
  progress: false, // default: a progress bar on a terminal
});
const result = await trainer.train();
const losses = result.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss!.toFixed(2));
console.log(`${result.globalStep} steps, loss ${losses.join(' -> ')}`);
console.log((await readdir(out)).sort().join(' '));

tf.dispose([embed, head]);
await rm(out, { recursive: true, force: true });
