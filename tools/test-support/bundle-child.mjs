// Shared by the packages' multi-process tests (distributed, trainer, trainers-sft): a test's child-process
// entry (TypeScript) bundled into one ESM file node can run, as vitest runs the tests.
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const PACKAGES = fileURLToPath(new URL('../../packages/', import.meta.url));

/**
 * Bundles `entry` (a .ts file inside a package's src/ or examples/): this repository's packages from their sources,
 * except core-tensor (its build bundles tfjs's gradient registrations, which plain Node cannot load);
 * every other import stays external. The bundle goes under the entry's package's node_modules/.cache
 * (so node finds the workspace's node_modules from it; git, lint and format ignore it). Delete it with
 * removeChild.
 */
export async function bundleChild(entry) {
  const at = Math.max(entry.lastIndexOf(`${sep}src${sep}`), entry.lastIndexOf(`${sep}examples${sep}`));
  const packageDir = at >= 0 ? entry.slice(0, at) : dirname(entry);
  const outDir = join(packageDir, 'node_modules', '.cache', 'medgpt-tests');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `child-${process.pid}-${basename(entry, '.ts')}.mjs`);
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
              : { path: join(PACKAGES, args.path.slice('@medgpt/'.length), 'src', 'index.ts') },
          );
          b.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
        },
      },
    ],
  });
  return outfile;
}

/** Deletes a bundle made by bundleChild. */
export async function removeChild(file) {
  await rm(file, { force: true });
}
