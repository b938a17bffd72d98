import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { choiceRenderer, evaluateChoices, readChoiceQuestions } from '@medgpt/eval';
import { createTinyModel, loadModel } from '@medgpt/models';
import { loadTokenizer } from '@medgpt/tokenizer';

await tf.setBackend('cpu');
const dir = await mkdtemp(join(tmpdir(), 'medgpt-eval-quickstart-'));

// A C-Eval-style file (its name is the subject) and a tiny random model (any HF model directory works).
await writeFile(
  join(dir, 'clinical_medicine_val.csv'),
  'id,question,A,B,C,D,answer\n0,小儿发热首先应?,物理降温,手术,放疗,化疗,A\n1,"Fever, first step?",surgery,rest and fluids,x-ray,CT,B\n',
);
await createTinyModel({ seed: 0, hiddenSize: 32, intermediateSize: 64 }, join(dir, 'model'));
const model = await loadModel(join(dir, 'model'));
const tokenizer = await loadTokenizer(join(dir, 'model'));

// Each option letter is scored by its log-probability after the prompt, as the C-Eval harness does.
const result = evaluateChoices({
  model,
  tokenizer,
  questions: await readChoiceQuestions(dir),
  render: choiceRenderer(tokenizer, null), // the tokenizer's chat template
});
for (const p of result.predictions)
  console.log(`${p.source.split('/').at(-1)}: answer ${p.answer}, model ${p.predicted}`);
console.log(`accuracy ${result.correct}/${result.total} (${result.shots}-shot)`);
model.dispose();
await rm(dir, { recursive: true, force: true });
