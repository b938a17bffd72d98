// The esbuild settings every program bundled for the GPU machine shares (bench/gpu/cuda-bundle.mjs,
// bench/gpu/gpu-train.bundle.mjs, packages/distributed/scripts/bundle-nccl-check.mjs): one ESM file per entry
// with the workspace packages inlined from their sources (as the tests run them) and koffi left
// external (its JS and linux-x64 binary are copied beside the bundles by cuda-bundle.mjs); `require`,
// `__filename` and `__dirname` defined for the CommonJS code esbuild inlines.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const packages = join(root, 'packages');

/** Bundles `entryPoints` (paths, or { outName: path }) into `outdir` as .mjs files. */
export async function bundleForDevice(entryPoints, outdir) {
  // Every workspace package from source (a package the entry does not import costs nothing).
  const alias = Object.fromEntries(
    readdirSync(packages).map((p) => [`@medgpt/${p}`, join(packages, p, 'src', 'index.ts')]),
  );
  await build({
    entryPoints,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    external: ['koffi'],
    alias,
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);",
    },
    logLevel: 'warning',
  });
}
