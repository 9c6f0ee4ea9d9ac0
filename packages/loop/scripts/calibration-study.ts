/**
 * Calibration study on the real simulator: multi-cycle worlds (4 cycles, 4 new initiatives joining each
 * later cycle) run through `runLoopCycles` with calibration off and on, on shared pilots; each cycle scored
 * by its true net return as a share of that cycle's hindsight optimum.
 *
 *   pnpm --filter @impact/loop study:calibration [--worlds 60] [--first-seed 2001] [--jobs 2] [--json out.json]
 *
 * The documented table uses seeds 2001–2060; tune on seeds below 1000.
 */
import { writeFileSync } from 'node:fs';
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
  },
});
const worlds = Number(values.worlds);
const firstSeed = Number(values['first-seed']);
const cycles = Number(values.cycles);
const seeds = Array.from({ length: worlds }, (_, k) => firstSeed + k);
const arms = {
  'no calibration': { pipeline: { calibration: { enabled: false } } },
  calibration: { pipeline: { calibration: { enabled: true } } },
};

if (values.shard !== undefined) {
  await runCalibrationStudy({
    seeds: shardSeeds(seeds, values.shard),
    arms,
    world: { cycles },
    onWorld: (world) => process.stdout.write(`${JSON.stringify(world)}\n`),
  });
} else {
  const started = performance.now();
  const jobs = Math.max(1, Number(values.jobs));
  const results = await collectShards<CalibrationStudyWorld>(
    fileURLToPath(import.meta.url),
    ['--worlds', String(worlds), '--first-seed', String(firstSeed), '--cycles', String(cycles)],
    jobs,
    worlds,
  );
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(results, null, 1)}\n`);
  const report = [
    `${worlds} worlds (seeds ${firstSeed}–${firstSeed + worlds - 1}) × ${cycles} cycles, the loop's defaults with calibration off and on. Share = the cycle's true net return ÷ its hindsight optimum.`,
    '',
    calibrationStudyMarkdown(results, 'no calibration', 'calibration'),
  ].join('\n');
  console.log(`Calibration study: ${report}`);
  if (values.docs !== undefined) writeDocsSection(values.docs, 'calibration-study', report);
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s, ${jobs} jobs)`);
}
