import { defineConfig, type Options } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

/**
 * The shared package build with a second entry, the `impact` CLI (`dist/cli.js`, the package's `bin`).
 * `shims` gives the CommonJS build an `import.meta.url`, which the run metadata uses to find package versions.
 */
export default defineConfig({
  ...(packageBuild as Options),
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  shims: true,
});
