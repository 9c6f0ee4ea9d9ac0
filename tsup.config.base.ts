import { defineConfig } from 'tsup';

/** Build settings every package shares: one entry, ESM + CJS, bundled declarations for both. */
export const packageBuild = defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
  splitting: false,
});
