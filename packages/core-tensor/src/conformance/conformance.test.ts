import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import type { ConformanceCase } from './conformance-case.js';
import { conformanceCases } from './conformance-cases.js';
import { conformanceSkipReason, runConformance } from './run-conformance.js';

// The suite on the host backends, against tfjs-backend-cpu: on cpu itself it checks that every case
// runs, is deterministic and frees what it allocates; on wasm it checks our wasm kernels and tfjs's.
// backend-cuda runs the same cases on cuda (its conformance.test.ts).
const BACKENDS = ['cpu', 'wasm'];

/**
 * Cases a backend fails through tfjs's own kernels, which we do not replace there (tfjs's wasm backend
 * differs from its cpu backend); each with the reason. Matched against the case's name.
 */
const KNOWN_DIFFERENCES: Record<string, { name: RegExp; reason: string }[]> = {
  wasm: [
    {
      name: /^Add bias row \[128,96\] \+ \[96\]$/,
      reason: "tfjs-wasm's Sum (the bias gradient) adds 128 rows in float32; cpu sums in float64",
    },
    {
      name: /^FloorDiv float32$/,
      reason: "tfjs-cpu's FloorDiv returns int32 for float32 inputs (so does cuda), tfjs-wasm's float32",
    },
    { name: /^Maximum with NaN$/, reason: "tfjs-wasm's Maximum returns the other operand for NaN" },
    {
      name: /^Cast float32 -> int32 \/ bool/,
      reason:
        "tfjs-wasm's Cast to bool truncates floats first (-0.5 -> false) and keeps int32 values (2 -> 2)",
    },
  ],
};

function skipReason(c: ConformanceCase, backend: string): string | null {
  const known = KNOWN_DIFFERENCES[backend]?.find((k) => k.name.test(c.name));
  return known ? `known ${backend} difference: ${known.reason}` : conformanceSkipReason(c, backend);
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

for (const backend of BACKENDS) {
  for (const [group, cases] of Object.entries(conformanceCases())) {
    describe(`conformance on ${backend}: ${group}`, () => {
      for (const c of cases) {
        const skip = skipReason(c, backend);
        it.skipIf(skip !== null)(skip === null ? c.name : `${c.name} (skipped: ${skip})`, async () => {
          const [result] = await runConformance(backend, { cases: [c] });
          expect(result!.message).toBe('');
          expect(result!.ok).toBe(true);
        });
      }
    });
  }
}

describe('conformance harness', () => {
  it('fails a case whose outputs differ, naming the element and both backends', async () => {
    const [result] = await runConformance('cpu', {
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
    expect(result!.message).toMatch(/out0\[0\]: cpu 0, cpu 1/);
  });

  it('fails a case that leaves a tensor behind', async () => {
    const kept: tf.Tensor[] = [];
    const [result] = await runConformance('cpu', {
      cases: [
        {
          name: 'leaks',
          kernels: ['Add'],
          inputs: () => [],
          run: () => {
            kept.push(tf.keep(tf.scalar(1)));
            return tf.scalar(2);
          },
        },
      ],
    });
    expect(result!.ok).toBe(false);
    expect(result!.message).toMatch(/leak on cpu: 1 tensors/);
    tf.dispose(kept);
  });

  it('leaves out a case whose onlyOn excludes the backend, and says why', async () => {
    const only = { backends: ['cuda'], reason: 'a cuda path' };
    const c = {
      name: 'cuda only',
      kernels: ['Add'],
      inputs: () => [],
      run: () => tf.scalar(1),
      onlyOn: only,
    };
    expect(conformanceSkipReason(c, 'wasm')).toBe('cuda only: a cuda path');
    expect(conformanceSkipReason(c, 'cuda')).toBeNull();
    expect(await runConformance('wasm', { cases: [c] })).toEqual([]);
  });

  it('runs the cases a filter matches by name or kernel, and calls prepareCase and onResult', async () => {
    const prepared: string[] = [];
    const reported: string[] = [];
    const results = await runConformance('cpu', {
      filter: /^UnsortedSegmentSum$/,
      prepareCase: (c) => prepared.push(c.name),
      onResult: (r) => reported.push(r.name),
    });
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.ok && r.kernels.includes('UnsortedSegmentSum'))).toBe(true);
    expect(prepared).toEqual(reported);
  });
});
