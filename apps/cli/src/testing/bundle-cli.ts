import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Bundles the `medgpt` executable from the current sources (src/main.ts and the @medgpt packages'
 * src/index.ts) into `outfile`, as the published build would run it: other packages stay imports
 * resolved from node_modules, except tfjs-core's gradient registrations, which plain Node cannot load
 * (core-tensor's own build bundles them the same way). `outfile` must lie inside the repository so
 * those imports resolve.
 */
export async function bundleCli(outfile: string): Promise<void> {
  await mkdir(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [fileURLToPath(new URL('../main.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins: [sourcesOfMedgpt],
  });
}

const sourcesOfMedgpt: Plugin = {
  name: 'medgpt-sources',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const medgpt = /^@medgpt\/([a-z-]+)$/.exec(args.path);
      // Libraries live in packages/, the api library beside the CLI in apps/.
      if (medgpt) {
        const lib = `${root}packages/${medgpt[1]}/src/index.ts`;
        return { path: existsSync(lib) ? lib : `${root}apps/${medgpt[1]}/src/index.ts` };
      }
      if (args.path.includes('tfjs-core/dist/register_all_gradients')) return undefined;
      return { path: args.path, external: true };
    });
  },
};
