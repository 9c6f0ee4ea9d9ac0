/**
 * Decision-quality benchmark on the real simulator: random worlds from `generateDecisionWorld`, every
 * policy of `standardPolicies()` on each (the loop's policies through the real `runLoop`, baselines from
 * the same pilots), scored by the true net return of what they fund as a share of the hindsight oracle's.
 *
 *   pnpm --filter @impact/loop study:decisions [--worlds 200] [--first-seed 1001] [--jobs 2] [--json out.json]
 *     [--docs docs/decision-benchmark.md] [--from saved.json]
 *
 * The documented table uses seeds 1001–1200; tune on seeds below 1000 (e.g. --first-seed 1 --worlds 60).
 * Worlds are split over `--jobs` child processes; the table is the same for any --jobs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  benchmarkTableMarkdown,
  designAccuracy,
  designAccuracyMarkdown,
  predictiveCalibration,
  predictiveCalibrationMarkdown,
  runDecisionBenchmark,
  standardPolicies,
  type WorldOutcome,
} from '../src/index';
import { collectShards, shardSeeds, writeDocsSection } from './shards';
import { summarizeWithReferences } from './study-summary';

const { values } = parseArgs({
  options: {
    worlds: { type: 'string', default: '200' },
    'first-seed': { type: 'string', default: '1001' },
    jobs: { type: 'string', default: '2' },
    json: { type: 'string' },
    docs: { type: 'string' },
    shard: { type: 'string' },
    from: { type: 'string' },
  },
});
const worlds = Number(values.worlds);

/** The defaults' predictive distributions against the truth, when the run recorded them. */
function predictiveTable(outcomes: readonly WorldOutcome[]): string[] {
  const rows = predictiveCalibration(outcomes, 'loop_default');
  if (rows.length === 0) return [];
  return [
    '',
    "The defaults' predictive distributions against the true returns (every reviewed initiative, funded or not; the interval is the one that became R_worst … R_best):",
    '',
    predictiveCalibrationMarkdown(rows),
  ];
}
const firstSeed = Number(values['first-seed']);
const seeds = Array.from({ length: worlds }, (_, k) => firstSeed + k);
const policies = standardPolicies();

if (values.shard !== undefined) {
  await runDecisionBenchmark({
    seeds: shardSeeds(seeds, values.shard),
    policies,
    onWorld: (outcome) => process.stdout.write(`${JSON.stringify(outcome)}\n`),
  });
} else {
  const started = performance.now();
  const jobs = Math.max(1, Number(values.jobs));
  // --from re-renders a saved --json run instead of running the worlds again.
  const measured =
    values.from !== undefined
      ? (JSON.parse(readFileSync(values.from, 'utf8')) as WorldOutcome[])
      : await collectShards<WorldOutcome>(
          fileURLToPath(import.meta.url),
          ['--worlds', String(worlds), '--first-seed', String(firstSeed)],
          jobs,
          worlds,
        );
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(measured, null, 1)}\n`);
  const { outcomes, summary, labels } = summarizeWithReferences(measured, policies, 'naive_ratio');
  const report = [
    `${worlds} worlds (seeds ${firstSeed}–${firstSeed + worlds - 1}); ${summary.worlds} with a positive hindsight optimum, ${summary.failedPilots} failed pilots. Share = true net return (true return at scale − cost) of the funded portfolio ÷ the hindsight oracle's.`,
    '',
    benchmarkTableMarkdown(summary, labels),
    '',
    'Pilot accuracy by design (valued estimates against the true returns at scale):',
    '',
    designAccuracyMarkdown(designAccuracy(outcomes)),
    ...predictiveTable(outcomes),
  ].join('\n');
  console.log(`Decision benchmark: ${report}`);
  if (values.docs !== undefined) writeDocsSection(values.docs, 'decision-benchmark', report);
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s, ${jobs} jobs)`);
}
