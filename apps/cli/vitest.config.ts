import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// The shared config maps @medgpt/<pkg> to packages/<pkg>/src; this app lives under apps/, so its own
// name (used by examples/) is mapped here, first.
export default mergeConfig(shared, {
  resolve: {
    alias: [
      { find: /^@medgpt\/cli$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^@medgpt\/api$/, replacement: fileURLToPath(new URL('../api/src/index.ts', import.meta.url)) },
    ],
  },
});
