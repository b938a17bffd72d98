import { conformanceCases, conformanceSkipReason, tf } from '@medgpt/core-tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { createCudaProvider } from '../cuda-provider.js';
import { runCudaConformance } from './run-cuda-conformance.js';

// core-tensor's conformance suite on the GPU: cuda against cpu, values and gradients. Without CUDA it
// is skipped with the reason (core-tensor's own tests run the same cases on cpu and wasm).
const availability = await createCudaProvider().load();
if (!availability.ok) console.log(`cuda conformance suite SKIPPED: ${availability.reason}`);

afterAll(async () => {
  await tf.setBackend('cpu');
});

for (const [group, cases] of Object.entries(conformanceCases())) {
  describe.skipIf(!availability.ok)(`cuda conformance: ${group}`, () => {
    for (const c of cases) {
      const skip = conformanceSkipReason(c, 'cuda');
      it.skipIf(skip !== null)(skip === null ? c.name : `${c.name} (skipped: ${skip})`, async () => {
        const [result] = await runCudaConformance({ cases: [c] });
        expect(result!.message).toBe('');
        expect(result!.ok).toBe(true);
      });
    }
  });
}
