import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kernelSignatures } from '../../scripts/kernel-signatures.mjs';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const csrc = join(packageDir, 'csrc');
const headers = readdirSync(csrc)
  .filter((f) => f.endsWith('.cuh'))
  .sort()
  .map((f) => readFileSync(join(csrc, f), 'utf8'));
const sources = Object.fromEntries(
  readdirSync(csrc)
    .filter((f) => f.endsWith('.cu'))
    .map((f) => [f.slice(0, -3), readFileSync(join(csrc, f), 'utf8')]),
);
const signatures = Object.fromEntries(
  Object.entries(sources).map(([file, text]) => [file, kernelSignatures(text, headers.join('\n'))]),
);

/** Every runtime.fn('File', 'name') call with a literal name in the TypeScript kernels. */
function literalLaunches(): [string, string][] {
  const dir = join(packageDir, 'src', 'kernels');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/\.fn\('(\w+)', '(\w+)'\)/g)])
    .map((m) => [m[1]!, m[2]!]);
}

describe('CUDA sources and launches', () => {
  it('parses a parameter list for every kernel', () => {
    const count = Object.values(signatures).reduce((n, s) => n + Object.keys(s).length, 0);
    expect(count).toBeGreaterThan(40);
    expect(signatures['Copy']!['strided_copy_u32']).toEqual(['ptr', 'ptr', 'i64', { i64s: 14 }]);
    expect(signatures['Attention']!['attention_forward']!.at(-2)).toEqual({ i64s: 9 });
  });

  it('launches only kernels that exist in csrc', () => {
    const launches = literalLaunches();
    expect(launches.length).toBeGreaterThan(20);
    for (const [file, name] of launches)
      expect(signatures[file]?.[name], `${name} in csrc/${file}.cu`).toBeDefined();
    // Names built from parts (binary-op.ts, unary-op.ts).
    for (const family of ['binary', 'compare'])
      for (const form of ['same', 'bcast2', 'bcast'])
        for (const type of ['f32', 'i32'])
          expect(signatures['Binary']![`${family}_${form}_${type}`]).toBeDefined();
  });

  const manifestPath = join(packageDir, 'kernels', 'manifest.json');
  const built = existsSync(manifestPath);
  if (!built) console.log('kernels/ not built (npm run build:kernels): skipping the freshness check');
  it.skipIf(!built)('has compiled kernels that match the sources', () => {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      kernels: Record<string, { sha256: string }>;
    };
    const headerHash = createHash('sha256').update(headers.join('\0')).digest('hex');
    for (const [file, text] of Object.entries(sources)) {
      const hash = createHash('sha256').update(`${headerHash}\0${text}`).digest('hex');
      expect(
        manifest.kernels[file]?.sha256,
        `${file}.cu is newer than its build: npm run build:kernels`,
      ).toBe(hash);
    }
  });
});
