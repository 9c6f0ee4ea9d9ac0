import type { Options } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

/**
 * The shared build plus the worker threads' entry (`fillInParallel` starts dist/simulation-worker.js or
 * .cjs beside the entry it runs from; `shims` gives the CommonJS build its `import.meta.url`).
 */
const build: Options = {
  ...(packageBuild as Options),
  entry: { index: 'src/index.ts', 'simulation-worker': 'src/engine/simulation-worker.ts' },
  shims: true,
};

export default build;
