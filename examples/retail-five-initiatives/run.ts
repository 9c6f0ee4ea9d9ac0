/**
 * The five-initiative retail demo (`pnpm demo`): five simulated pilots, each measured with its own design,
 * reviewed, allocated under a budget that binds (60,000 of 100,000 total cost), the funded ones measured
 * again at scale on a fresh, larger simulated catalog, and the outcome report written to `results/`.
 *
 *   npx tsx --conditions=@impact/source examples/retail-five-initiatives/run.ts [--out <dir>]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ProgressDisplay, REPORT_FILES, runLoop } from '../../packages/loop/src/index';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outDir = values.out ?? here('results');

console.log('Impact Loop demo: five retail initiatives, budget 60,000 for 100,000 of scaling costs.');
console.log(
  'MEASURE (pilot) → REVIEW → ALLOCATE → MEASURE (scale, fresh and larger sample) → OUTCOME REPORT\n',
);

const started = performance.now();
const progress = new ProgressDisplay(process.stderr);
const report = await runLoop({
  configPath: here('pipeline.yaml'),
  outDir,
  onEvent: (event) => progress.update(event),
});
const seconds = (performance.now() - started) / 1000;

// outcome.md holds the outcome table, the dropped initiatives and every stage against the ground truth.
console.log(readFileSync(join(outDir, 'outcome.md'), 'utf8'));
const failed = report.dropped.filter((drop) => drop.reason === 'failed');
for (const drop of failed) {
  console.log(
    `NOTE: ${drop.initiative_id} could not be measured, so the demo is incomplete: ${drop.message}`,
  );
}
console.log(`Reports: ${REPORT_FILES.map((name) => join(outDir, name)).join(', ')}`);
console.log(`Finished in ${seconds.toFixed(1)} s.`);
process.exitCode = failed.length > 0 ? 1 : 0;
