import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

// Every package's vitest config: tests beside the code, one process per file, and a JSON report per
// package that tools/test-summary.mjs sums into the CI log's closing line. Imports of other @medgpt
// packages resolve to their sources, so tests never run against a stale build (the pack check in
// tools/pack-check.mjs covers the built packages).
export default defineConfig({
  resolve: {
    alias: [{ find: /^@medgpt\/([a-z-]+)$/, replacement: `${packagesDir}$1/src/index.ts` }],
  },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
