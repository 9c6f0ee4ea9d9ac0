/**
 * Calibration study on the real simulator: multi-cycle worlds (4 cycles, 4 new initiatives joining each
 * later cycle) run through `runLoopCycles` with calibration off and on, on shared pilots; each cycle scored
 * by its true net return as a share of that cycle's hindsight optimum.
 *
 *   pnpm --filter @impact/loop study:calibration [--worlds 60] [--first-seed 2001] [--jobs 2] [--json out.json]
 *     [--fresh-pools] [--joining 4] [--docs docs/decision-benchmark.md] [--from saved.json]
 *
 * `--fresh-pools`: every cycle's pool is new initiatives only (`--joining` per later cycle, default 8 then),
 * unfunded ones leave (`freshPools` of the world generator), so later cycles against the first measure
 * learning alone. Its table goes to its own docs section.
 *
 * The documented tables use seeds 2001–2060; tune on seeds below 1000.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type CalibrationStudyWorld, calibrationStudyMarkdown, runCalibrationStudy } from '../src/index';
import { collectShards, shardSeeds, writeDocsSection } from './shards';

const { values } = parseArgs({
  options: {
    worlds: { type: 'string', default: '60' },
    'first-seed': { type: 'string', default: '2001' },
    cycles: { type: 'string', default: '4' },
    jobs: { type: 'string', default: '2' },
    json: { type: 'string' },
    docs: { type: 'string' },
    shard: { type: 'string' },
    from: { type: 'string' },
    'fresh-pools': { type: 'boolean', default: false },
    joining: { type: 'string' },
  },
});
const fresh = values['fresh-pools'] === true;
// Fresh pools hold only new initiatives: as many as a first cycle has on average (6–10).
const joining = Number(values.joining ?? (fresh ? 8 : 4));
const world = { cycles: Number(values.cycles), joiningPerCycle: joining, freshPools: fresh };
const worlds = Number(values.worlds);
const firstSeed = Number(values['first-seed']);
const cycles = Number(values.cycles);
const seeds = Array.from({ length: worlds }, (_, k) => firstSeed + k);
// Three arms on shared pilots: nothing learned across cycles; the prior pooled with earlier cycles' pilots
// (the defaults); that plus calibration from scale outcomes.
const withHistory = { review: { decision_model: { name: 'predictive', prior_from_history: true } } };
const arms = {
  'no learning': {
    review: { decision_model: { name: 'predictive', prior_from_history: false } },
    pipeline: { calibration: { enabled: false } },
  },
  'prior from history': { ...withHistory, pipeline: { calibration: { enabled: false } } },
  'prior from history + calibration': { ...withHistory, pipeline: { calibration: { enabled: true } } },
};

if (values.shard !== undefined) {
  await runCalibrationStudy({
    seeds: shardSeeds(seeds, values.shard),
    arms,
    world,
    onWorld: (world) => process.stdout.write(`${JSON.stringify(world)}\n`),
  });
} else {
  const started = performance.now();
  const jobs = Math.max(1, Number(values.jobs));
  // --from re-renders a saved --json run instead of running the worlds again.
  const results =
    values.from !== undefined
      ? (JSON.parse(readFileSync(values.from, 'utf8')) as CalibrationStudyWorld[])
      : await collectShards<CalibrationStudyWorld>(
          fileURLToPath(import.meta.url),
          [
            '--worlds',
            String(worlds),
            '--first-seed',
            String(firstSeed),
            '--cycles',
            String(cycles),
            '--joining',
            String(joining),
            ...(fresh ? ['--fresh-pools'] : []),
          ],
          jobs,
          worlds,
        );
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(results, null, 1)}\n`);
  const report = [
    `${worlds} worlds (seeds ${firstSeed}–${firstSeed + worlds - 1}) × ${cycles} cycles on shared pilots, ${fresh ? `fresh pools: ${joining} new initiatives in each later cycle, the unfunded leaving after their cycle` : `${joining} new initiatives joining each later cycle, the unfunded staying in the pool`}. Arms: "no learning" (\`prior_from_history: false\`: the prior from the current portfolio only, no calibration), "prior from history" (the defaults: every initiative seen so far in the prior, each with all its pilots) and "prior from history + calibration" (that plus calibration from scale outcomes). Share = the cycle's true net return ÷ its hindsight optimum.`,
    '',
    'The prior pooled from history against no learning:',
    '',
    calibrationStudyMarkdown(results, 'no learning', 'prior from history'),
    '',
    'Calibration on top of the pooled prior:',
    '',
    calibrationStudyMarkdown(results, 'prior from history', 'prior from history + calibration'),
  ].join('\n');
  console.log(`Calibration study: ${report}`);
  if (values.docs !== undefined)
    writeDocsSection(values.docs, fresh ? 'calibration-study-fresh' : 'calibration-study', report);
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s, ${jobs} jobs)`);
}
