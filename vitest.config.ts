import { defineConfig } from 'vitest/config';
import SummaryReporter from './scripts/summary-reporter.ts';
import { testProjects } from './vitest.workspace.ts';

export default defineConfig({
  test: {
    projects: testProjects,
    passWithNoTests: false,
    reporters: ['default', new SummaryReporter()],
  },
});
