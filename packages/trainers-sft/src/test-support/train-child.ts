// A training process for tests that need a real process to kill: `node train-child.mjs CONFIG.json`
// runs PtTrainer or SftTrainer on the cpu backend with the config's options. MEDGPT_TEST_STEP_DELAY_MS
// slows each step (sleeps after it), so a test can kill the process mid-run.
import { readFileSync } from 'node:fs';
import { tf } from '@medgpt/core-tensor';
import { PtTrainer, SftTrainer } from '@medgpt/trainers-sft';

const { stage, config } = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as {
  stage: 'pt' | 'sft';
  config: Record<string, unknown>;
};
const delay = Number(process.env.MEDGPT_TEST_STEP_DELAY_MS ?? 0);
await tf.setBackend('cpu');
const run = {
  progress: false as const,
  callbacks: delay > 0 ? [{ onStepEnd: () => new Promise<void>((r) => setTimeout(r, delay)) }] : [],
};
const trainer =
  stage === 'pt'
    ? new PtTrainer(config as unknown as ConstructorParameters<typeof PtTrainer>[0], run)
    : new SftTrainer(config as unknown as ConstructorParameters<typeof SftTrainer>[0], run);
const result = await trainer.train();
process.stdout.write(
  `RESULT ${JSON.stringify({ stopReason: result.train.stopReason, step: result.train.globalStep })}\n`,
);
