import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tf } from '../index.js';
import { registerBackendProvider, type BackendProvider } from './backend-providers.js';
import { formatBackendReport } from './format-backend-report.js';
import { BackendSelectionError, selectBackend } from './select-backend.js';

const cleanups: (() => void)[] = [];
const fakeBackends: string[] = [];

/** A provider whose load registers a real (cpu-class) tfjs backend under `name`, or reports `reason`. */
function fakeProvider(name: string, priority: number, reason?: string, detail?: string): BackendProvider {
  return {
    name,
    priority,
    load: async () => {
      if (reason != null) return { ok: false, reason };
      if (tf.findBackendFactory(name) == null) {
        tf.registerBackend(name, () => new MathBackendCPU(), 0);
        fakeBackends.push(name);
      }
      return detail !== undefined ? { ok: true, detail } : { ok: true };
    },
  };
}

function use(provider: BackendProvider): void {
  cleanups.push(registerBackendProvider(provider));
}

afterEach(async () => {
  while (cleanups.length > 0) cleanups.pop()!();
  for (const name of fakeBackends.splice(0)) tf.removeBackend(name);
  await tf.setBackend('cpu');
  vi.restoreAllMocks();
});

const noEnv = {};

describe('selectBackend, automatic', () => {
  it('takes wasm here, saying why cuda and tensorflow were skipped', async () => {
    const report = await selectBackend({ env: noEnv });
    expect(report).toEqual({
      backend: 'wasm',
      source: 'auto',
      why: 'auto: first available of cuda > tensorflow > wasm > cpu',
      skipped: [
        { name: 'cuda', reason: 'no provider registered (install @medgpt/backend-cuda and import it)' },
        {
          name: 'tensorflow',
          reason: '@tensorflow/tfjs-node-gpu not installed; @tensorflow/tfjs-node not installed',
        },
      ],
    });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('prefers a registered cuda provider that loads', async () => {
    use(fakeProvider('cuda', 400));
    const report = await selectBackend({ env: noEnv });
    expect(report.backend).toBe('cuda');
    expect(report.skipped).toEqual([]);
    expect(tf.getBackend()).toBe('cuda');
  });

  it("carries the chosen provider's detail into the report and its log line", async () => {
    use(fakeProvider('cuda', 400, undefined, 'NVIDIA H200 (device 0), bf16 matmuls'));
    const report = await selectBackend({ env: noEnv });
    expect(report.detail).toBe('NVIDIA H200 (device 0), bf16 matmuls');
    expect(formatBackendReport(report)[0]).toBe(
      '[medgpt] backend: cuda (auto: first available of cuda > tensorflow > wasm > cpu): NVIDIA H200 (device 0), bf16 matmuls',
    );
    const named = await selectBackend({ backend: 'cuda', env: noEnv });
    expect(named.detail).toBe('NVIDIA H200 (device 0), bf16 matmuls');
  });

  it("reports a cuda provider's reason and moves on", async () => {
    use(fakeProvider('cuda', 400, 'libcuda.so.1 not found'));
    const report = await selectBackend({ env: noEnv });
    expect(report.backend).toBe('wasm');
    expect(report.skipped[0]).toEqual({ name: 'cuda', reason: 'libcuda.so.1 not found' });
  });

  it('tries providers by priority and stops at the first that loads', async () => {
    const lowLoad = vi.fn(async () => ({ ok: true as const }));
    use(fakeProvider('between', 250, 'not on this machine'));
    use({ name: 'last', priority: 50, load: lowLoad });
    const report = await selectBackend({ env: noEnv });
    expect(report.skipped.map((s) => s.name)).toEqual(['cuda', 'tensorflow', 'between']);
    expect(report.backend).toBe('wasm');
    expect(report.why).toBe('auto: first available of cuda > tensorflow > between > wasm > cpu > last');
    expect(lowLoad).not.toHaveBeenCalled();
  });

  it('turns a throwing provider, one that registers nothing, and a failing tfjs factory into reasons', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {}); // tfjs logs the factory's failure itself
    use({ name: 'thrower', priority: 330, load: () => Promise.reject(new Error('driver too old')) });
    use({ name: 'hollow', priority: 320, load: async () => ({ ok: true }) });
    use({
      name: 'broken',
      priority: 310,
      load: async () => {
        tf.registerBackend('broken', () => {
          throw new Error('no device');
        });
        fakeBackends.push('broken');
        return { ok: true };
      },
    });
    const report = await selectBackend({ env: noEnv });
    expect(report.skipped.slice(1, 4)).toEqual([
      { name: 'thrower', reason: 'driver too old' },
      { name: 'hollow', reason: "its provider registered no tfjs backend named 'hollow'" },
      { name: 'broken', reason: 'tfjs could not initialise it' },
    ]);
    expect(report.backend).toBe('wasm');
  });

  it('fails with every reason when nothing loads', async () => {
    use(fakeProvider('wasm', 200, 'wasm disabled for this test'));
    use(fakeProvider('cpu', 100, 'cpu disabled for this test'));
    const err = await selectBackend({ env: noEnv }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendSelectionError);
    expect((err as Error).message).toMatch(
      /No backend could be initialised .*wasm: wasm disabled.*cpu: cpu disabled/,
    );
  });
});

describe('selectBackend, by name', () => {
  it('reads MEDGPT_BACKEND', async () => {
    const report = await selectBackend({ env: { MEDGPT_BACKEND: ' CPU ' } });
    expect(report).toEqual({ backend: 'cpu', source: 'env', why: 'MEDGPT_BACKEND=cpu', skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('lets the explicit option win over MEDGPT_BACKEND', async () => {
    const report = await selectBackend({ backend: 'wasm', env: { MEDGPT_BACKEND: 'cpu' } });
    expect(report).toMatchObject({ backend: 'wasm', source: 'explicit', why: '--backend option' });
  });

  it("treats an explicit 'auto' as automatic, ignoring MEDGPT_BACKEND", async () => {
    const report = await selectBackend({ backend: 'auto', env: { MEDGPT_BACKEND: 'cpu' } });
    expect(report).toMatchObject({ backend: 'wasm', source: 'auto' });
  });

  it('treats an empty MEDGPT_BACKEND as unset', async () => {
    expect((await selectBackend({ env: { MEDGPT_BACKEND: '' } })).source).toBe('auto');
  });

  it('refuses a requested backend that cannot load instead of falling back, listing the others', async () => {
    await tf.setBackend('cpu');
    const err = await selectBackend({ backend: 'cuda', env: noEnv }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendSelectionError);
    expect((err as BackendSelectionError).requested).toBe('cuda');
    expect((err as Error).message).toBe(
      "Backend 'cuda' was requested (--backend option) but cannot be used: no provider registered " +
        '(install @medgpt/backend-cuda and import it). Other backends: tensorflow, wasm, cpu; ' +
        "or ask for 'auto' to take the first that works.",
    );
    expect(tf.getBackend()).toBe('cpu');
  });

  it('names the environment variable when its value cannot load', async () => {
    const err = await selectBackend({ env: { MEDGPT_BACKEND: 'tensorflow' } }).catch((e: unknown) => e);
    expect((err as BackendSelectionError).source).toBe('env');
    expect((err as Error).message).toMatch(
      /^Backend 'tensorflow' was requested \(MEDGPT_BACKEND=tensorflow\) but cannot be used: @tensorflow\/tfjs-node-gpu not installed/,
    );
  });

  it('rejects an unknown name with the list of known ones', async () => {
    const err = await selectBackend({ env: { MEDGPT_BACKEND: 'wsam' } }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      "Unknown backend 'wsam' (from MEDGPT_BACKEND=wsam). Expected one of: cuda, tensorflow, wasm, cpu, or auto.",
    );
  });

  it('leaves the active backend in place when the requested one fails to initialise', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {}); // tfjs logs the factory's failure itself
    tf.registerBackend('broken', () => {
      throw new Error('no device');
    });
    fakeBackends.push('broken');
    await tf.setBackend('wasm');
    const err = await selectBackend({ backend: 'broken', env: noEnv }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /^Backend 'broken' was requested .* tfjs could not initialise it\./,
    );
    expect(tf.getBackend()).toBe('wasm');
    const sum = tf.tidy(() => tf.add(tf.scalar(1), 2).dataSync()[0]);
    expect(sum).toBe(3);
  });

  it('accepts a backend registered with tfjs directly, without a provider', async () => {
    tf.registerBackend('plain-tfjs', () => new MathBackendCPU(), 0);
    fakeBackends.push('plain-tfjs');
    expect((await selectBackend({ backend: 'plain-tfjs', env: noEnv })).backend).toBe('plain-tfjs');
  });
});

describe('registerBackendProvider', () => {
  it('rejects bad names and priorities', () => {
    const load = async () => ({ ok: true as const });
    expect(() => registerBackendProvider({ name: 'Cuda GPU', priority: 1, load })).toThrow(/lower-case/);
    expect(() => registerBackendProvider({ name: 'x', priority: Number.NaN, load })).toThrow(
      /finite priority/,
    );
  });

  it('replaces a provider of the same name and restores it when removed', async () => {
    const remove = registerBackendProvider(fakeProvider('wasm', 200, 'replaced'));
    const replaced = await selectBackend({ env: noEnv });
    expect(replaced.skipped.at(-1)).toEqual({ name: 'wasm', reason: 'replaced' });
    expect(replaced.backend).toBe('cpu');
    remove();
    expect((await selectBackend({ env: noEnv })).backend).toBe('wasm');
  });
});
