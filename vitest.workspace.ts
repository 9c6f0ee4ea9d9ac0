import type { TestProjectInlineConfiguration } from 'vitest/config';

/**
 * The one list of test projects: one per package. `vitest.config.ts` reads it into `test.projects`
 * (Vitest 4 no longer reads workspace files by itself).
 */
const packageNames = ['contracts', 'simulate', 'measure', 'review', 'allocate', 'loop'] as const;

/** Resolve workspace packages to their TypeScript sources, so tests need no build. */
const sourceConditions = ['@impact/source', 'module', 'node', 'import', 'default'];

export const testProjects: TestProjectInlineConfiguration[] = packageNames.map((name) => ({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@impact/source'] } },
  test: {
    name,
    root: `packages/${name}`,
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
}));

export default testProjects;
