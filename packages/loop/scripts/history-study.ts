/**
 * Long-history study: does the loop decide better once it has a long history? A history is built from the
 * loop's default runs on earlier worlds (one cycle per world, seeds from --history-first-seed), and every
 * test world is then decided as the cycle after it, by the policies of `historyStudyPolicies` (history
 * ignored; prior from history with independent biases; the defaults; the defaults + calibration) and the
 * naive rules, all on the same pilots, scored like the decision benchmark.
 *
 *   pnpm --filter @impact/loop study:history [--history-worlds 200] [--history-first-seed 1] [--worlds 200]
 *     [--first-seed 1001] [--jobs 2] [--json out.json] [--docs docs/decision-benchmark.md] [--from saved.json]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  benchmarkTableMarkdown,
  type HistoryCycle,
  historyStudyPolicies,
  runDecisionBenchmark,
  runStudyCycle,
  studyHistory,
  type WorldOutcome,
} from '../src/index';
import { collectShards, shardSeeds, writeDocsSection } from './shards';
import { summarizeWithReferences } from './study-summary';

const { values } = parseArgs({
  options: {
    'history-worlds': { type: 'string', default: '200' },
    'history-first-seed': { type: 'string', default: '1' },
    worlds: { type: 'string', default: '200' },
    'first-seed': { type: 'string', default: '1001' },
    jobs: { type: 'string', default: '2' },
    json: { type: 'string' },
    docs: { type: 'string' },
    from: { type: 'string' },
    // Internal: a child process's part of the work.
    shard: { type: 'string' },
    phase: { type: 'string' },
    history: { type: 'string' },
  },
});
const seedRange = (first: number, count: number) => Array.from({ length: count }, (_, k) => first + k);
const historySeeds = seedRange(Number(values['history-first-seed']), Number(values['history-worlds']));
const seeds = seedRange(Number(values['first-seed']), Number(values.worlds));
const script = fileURLToPath(import.meta.url);

if (values.shard !== undefined && values.phase === 'history') {
  for (const seed of shardSeeds(historySeeds, values.shard)) {
    process.stdout.write(`${JSON.stringify(await runStudyCycle(seed))}\n`);
  }
} else if (values.shard !== undefined) {
  await runDecisionBenchmark({
    seeds: shardSeeds(seeds, values.shard),
    policies: historyStudyPolicies(values.history as string),
    onWorld: (outcome) => process.stdout.write(`${JSON.stringify(outcome)}\n`),
  });
} else {
  const started = performance.now();
  const jobs = Math.max(1, Number(values.jobs));
  const args = [
    '--history-worlds',
    String(historySeeds.length),
    '--history-first-seed',
    String(historySeeds[0]),
    '--worlds',
    String(seeds.length),
    '--first-seed',
    String(seeds[0]),
  ];
  let measured: WorldOutcome[];
  if (values.from !== undefined) {
    measured = JSON.parse(readFileSync(values.from, 'utf8')) as WorldOutcome[];
  } else {
    const work = mkdtempSync(join(tmpdir(), 'impact-history-study-'));
    try {
      const cycles = await collectShards<HistoryCycle>(
        script,
        [...args, '--phase', 'history'],
        jobs,
        historySeeds.length,
      );
      const historyPath = join(work, 'history.json');
      writeFileSync(historyPath, JSON.stringify(studyHistory(cycles)));
      measured = await collectShards<WorldOutcome>(
        script,
        [...args, '--history', historyPath],
        jobs,
        seeds.length,
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(measured, null, 1)}\n`);
  const { summary, labels } = summarizeWithReferences(measured, historyStudyPolicies(''), 'history_ignored');
  const report = [
    `History of ${historySeeds.length} earlier worlds (seeds ${historySeeds[0]}–${historySeeds.at(-1)}, one cycle each, decided by the defaults); ${seeds.length} test worlds (seeds ${seeds[0]}–${seeds.at(-1)}) decided as the next cycle, every policy on the same pilots; ${summary.worlds} with a positive hindsight optimum. Share = true net return ÷ the hindsight oracle's. The reference row is the loop with the history ignored.`,
    '',
    benchmarkTableMarkdown(summary, labels),
  ].join('\n');
  console.log(`Long-history study: ${report}`);
  if (values.docs !== undefined) writeDocsSection(values.docs, 'history-study', report);
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s, ${jobs} jobs)`);
}
