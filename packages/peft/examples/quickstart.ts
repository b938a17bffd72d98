import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdamW, tf } from '@medgpt/core-tensor';
import { createTinyModel, loadModel } from '@medgpt/models';
import { PeftModel, mergePeftAdapter } from '@medgpt/peft';

await tf.setBackend('cpu');
const dir = await mkdtemp(join(tmpdir(), 'medgpt-peft-quickstart-'));
await createTinyModel({ architecture: 'qwen2', seed: 0 }, join(dir, 'base'));
const model = await loadModel(join(dir, 'base'));

// 1. LoRA on every linear layer but lm_head (MedicalGPT's target_modules=all), r 8, alpha 16.
const peft = new PeftModel(model);
peft.addAdapter('default', { target_modules: 'all', r: 8, lora_alpha: 16, lora_dropout: 0.05 });
const params = peft.trainableVariables(); // adapter tensors only: the base stays frozen

// 2. A few training steps: only the adapter gets gradients and optimizer state.
const ids = tf.tensor2d([[5, 72, 101, 108, 108, 111, 2]], undefined, 'int32');
const optimizer = new AdamW(params, { lr: 1e-2 });
peft.training = true; // LoRA dropout on
for (let step = 0; step < 3; step++) {
  const { value, grads } = tf.variableGrads(() => model.loss({ inputIds: ids }, ids), params);
  optimizer.step(grads);
  console.log(`step ${step} loss ${value.dataSync()[0]!.toFixed(4)}`);
  tf.dispose([value, ...Object.values(grads)]);
}
peft.training = false;

// 3. The base model is one call away (DPO's reference model), then the adapter again.
const loss = (m: typeof model) => tf.tidy(() => m.loss({ inputIds: ids }, ids).dataSync()[0]!);
console.log(
  `base ${peft.withAdaptersDisabled(() => loss(model)).toFixed(4)} adapted ${loss(model).toFixed(4)}`,
);

// 4. Save in peft's format (Python: PeftModel.from_pretrained(base, dir)), then merge into a full checkpoint.
await peft.saveAdapter(join(dir, 'adapter'));
optimizer.dispose();
peft.dispose();
model.dispose();
ids.dispose();
const report = await mergePeftAdapter({
  baseModel: join(dir, 'base'),
  loraModel: join(dir, 'adapter'),
  outputDir: join(dir, 'merged'),
});
console.log(`merged ${report.mergedLayers} layers`);
await rm(dir, { recursive: true, force: true });
