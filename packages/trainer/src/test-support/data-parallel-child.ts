// One rank of the trainer's multi-process tests: `node data-parallel-child.mjs CONFIG.json` trains the
// toy LM with the config's TrainingArguments on the cpu backend; the Trainer joins the group from
// torchrun's variables (set by the launcher). Prints "RESULT {...}" with the final weights and the most
// tensor bytes held at the end of a step.
import { readFileSync } from 'node:fs';
import { tf } from '@medgpt/core-tensor';
import { destroyProcessGroup } from '@medgpt/distributed';
import { toyDataset, ToyLmTask } from './toy-lm-task.js';
import { Trainer, type TrainerOptions } from '../trainer.js';

const { args, rows } = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as {
  args: TrainerOptions<unknown, unknown>['args'];
  rows: number;
};
await tf.setBackend('cpu');
const task = new ToyLmTask();
let heldBytes = 0;
const trainer = new Trainer({
  args,
  task,
  trainDataset: toyDataset(rows),
  evalDataset: toyDataset(6, 9),
  progress: false,
  handleSignals: false,
  // What stays on the backend between steps: weights and optimizer state (ZeRO-1: a shard of it).
  callbacks: [{ onStepEnd: () => void (heldBytes = Math.max(heldBytes, tf.memory().numBytes)) }],
});
try {
  const result = await trainer.train();
  console.log(`RESULT ${JSON.stringify({ step: result.globalStep, weights: task.snapshot(), heldBytes })}`);
} catch (err) {
  console.error(`ERROR ${(err as Error).message}`);
  process.exitCode = 1;
}
await destroyProcessGroup();
