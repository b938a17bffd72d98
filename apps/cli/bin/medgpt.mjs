#!/usr/bin/env node
// The `medgpt` executable. It is a file of its own, committed, so that npm links it into
// node_modules/.bin when the workspace is installed, before anything is built (a bin pointing into
// dist/ is skipped by `npm ci` on a fresh clone, and `npx medgpt` then asks the registry).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('medgpt: the CLI is not built yet; in the repository run `npm run build` first');
  process.exit(1);
}
await import(main.href);
