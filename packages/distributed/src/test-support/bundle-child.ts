import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const SRC = new URL('../../../', import.meta.url).pathname;
// Inside the package, so node finds the workspace's node_modules from the bundle; under node_modules,
// which git, lint and format ignore.
const OUT_DIR = new URL('../../node_modules/.cache/medgpt-tests/', import.meta.url).pathname;

/**
 * Bundles a test's child-process entry (TypeScript) into one ESM file node can run: this repository's
 * packages from their sources, except core-tensor (its build bundles tfjs's gradient registrations,
 * which plain Node cannot load); every other import stays external. Delete it with removeChild.
 */
export async function bundleChild(entry: string): Promise<string> {
  mkdirSync(OUT_DIR, { recursive: true });
  const outfile = join(OUT_DIR, `child-${process.pid}-${basename(entry, '.ts')}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    plugins: [
      {
        name: 'medgpt-sources',
        setup(b) {
          b.onResolve({ filter: /^@medgpt\/[a-z-]+$/ }, (args) =>
            args.path === '@medgpt/core-tensor'
              ? { path: args.path, external: true }
              : { path: join(SRC, args.path.slice('@medgpt/'.length), 'src', 'index.ts') },
          );
          b.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
        },
      },
    ],
  });
  return outfile;
}

export async function removeChild(file: string): Promise<void> {
  await rm(file, { force: true });
}
