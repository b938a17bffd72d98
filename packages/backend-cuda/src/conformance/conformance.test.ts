import { tf } from '@medgpt/core-tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { createCudaProvider } from '../cuda-provider.js';
import { experimental_conformanceCases } from './index.js';
import { runConformance } from './run-conformance.js';

// The suite on the GPU: cuda against cpu, values and gradients. Without CUDA it is skipped with the
// reason; the harness itself is still exercised below by running every case cpu against cpu.
const availability = await createCudaProvider().load();
if (!availability.ok) console.log(`cuda conformance suite SKIPPED: ${availability.reason}`);

afterAll(async () => {
  await tf.setBackend('cpu');
});

for (const [group, cases] of Object.entries(experimental_conformanceCases())) {
  describe.skipIf(!availability.ok)(`cuda conformance: ${group}`, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const [result] = await runConformance({ cases: [c] });
      expect(result!.message).toBe('');
      expect(result!.ok).toBe(true);
    });
  });
}

describe('conformance harness (cpu against cpu)', () => {
  it('runs every case without errors or leaks', async () => {
    const cases = Object.values(experimental_conformanceCases()).flat();
    const results = await runConformance({ cases, backend: 'cpu' });
    expect(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.message}`)).toEqual([]);
    expect(results).toHaveLength(cases.length);
  });

  it('fails a case whose outputs differ, naming the element', async () => {
    const [result] = await runConformance({
      backend: 'cpu',
      cases: [
        {
          name: 'deliberately different',
          kernels: ['Add'],
          inputs: () => [],
          // Differs between calls: the second run (the "backend under test") gets another value.
          run: (() => {
            let calls = 0;
            return () => tf.scalar(calls++);
          })(),
        },
      ],
    });
    expect(result!.ok).toBe(false);
    expect(result!.message).toMatch(/out0\[0\]: cpu 0, cuda 1/);
  });
});
