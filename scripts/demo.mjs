#!/usr/bin/env node
/**
 * `pnpm demo`: runs the five-initiative retail example end to end once @impact/loop provides `runLoop`.
 * Until then it says so and exits with status 0 — it never prints made-up results.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const example = join(import.meta.dirname, '..', 'examples', 'retail-five-initiatives', 'run.ts');
if (!existsSync(example)) {
  console.log(
    'Impact Loop demo: the orchestrator (@impact/loop) is not built yet, so there is no loop to run.',
  );
  console.log(
    'What exists today: @impact/contracts (schemas, invariants, config loading). Run `pnpm test` to see it checked.',
  );
  process.exit(0);
}
const { spawnSync } = await import('node:child_process');
const result = spawnSync(
  'pnpm',
  ['exec', 'tsx', '--conditions=@impact/source', example, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
