import { defineConfig } from 'tsup';

// tfjs-core ships its gradient registrations only as extensionless ESM that plain Node cannot load,
// so that one module is bundled into our dist; its copies of tfjs internals share the engine and
// registries with the installed tfjs-core through tfjs's global namespace.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  noExternal: [/tfjs-core\/dist\/register_all_gradients/],
});
