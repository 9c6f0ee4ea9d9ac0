/**
 * Decision-quality benchmark on the real simulator: random worlds from `generateDecisionWorld`, every
 * policy of `standardPolicies()` on each (the loop's policies through the real `runLoop`, baselines from
 * the same pilots), scored by the true net return of what they fund as a share of the hindsight oracle's.
 *
 *   pnpm --filter @impact/loop study:decisions [--worlds 200] [--first-seed 1001] [--jobs 2] [--json out.json]
 *
 * Worlds are split over `--jobs` child processes (2 cores here); the table is the same for any --jobs.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  benchmarkTableMarkdown,
  runDecisionBenchmark,
  standardPolicies,
  summarizeBenchmark,
  type WorldOutcome,
} from '../src/index';

const { values } = parseArgs({
  options: {
    worlds: { type: 'string', default: '200' },
    'first-seed': { type: 'string', default: '1001' },
    jobs: { type: 'string', default: '2' },
    json: { type: 'string' },
    shard: { type: 'string' },
  },
});
const worlds = Number(values.worlds);
const firstSeed = Number(values['first-seed']);
const jobs = Math.max(1, Number(values.jobs));
const seeds = Array.from({ length: worlds }, (_, k) => firstSeed + k);
const policies = standardPolicies();

if (values.shard !== undefined) {
  // Child: run every `jobs`-th seed starting at the shard index, print one JSON line per world.
  const [index, count] = values.shard.split('/').map(Number) as [number, number];
  await runDecisionBenchmark({
    seeds: seeds.filter((_, k) => k % count === index),
    policies,
    onWorld: (outcome) => process.stdout.write(`${JSON.stringify(outcome)}\n`),
  });
} else {
  const started = performance.now();
  const script = fileURLToPath(import.meta.url);
  const outcomes: WorldOutcome[] = [];
  await Promise.all(
    Array.from(
      { length: jobs },
      (_, index) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            [
              ...process.execArgv,
              script,
              '--worlds',
              String(worlds),
              '--first-seed',
              String(firstSeed),
              '--jobs',
              String(jobs),
              '--shard',
              `${index}/${jobs}`,
            ],
            { stdio: ['ignore', 'pipe', 'inherit'] },
          );
          let buffered = '';
          child.stdout.on('data', (chunk: Buffer) => {
            buffered += chunk.toString('utf8');
            let newline = buffered.indexOf('\n');
            while (newline >= 0) {
              const line = buffered.slice(0, newline);
              buffered = buffered.slice(newline + 1);
              if (line.startsWith('{')) {
                outcomes.push(JSON.parse(line) as WorldOutcome);
                process.stderr.write(`\r${outcomes.length}/${worlds} worlds`);
              }
              newline = buffered.indexOf('\n');
            }
          });
          child.on('error', reject);
          child.on('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`shard ${index} exited ${code}`)),
          );
        }),
    ),
  );
  process.stderr.write('\n');
  outcomes.sort((a, b) => a.seed - b.seed);
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(outcomes, null, 1)}\n`);
  const labels = Object.fromEntries(policies.map((policy) => [policy.name, policy.label]));
  const summary = summarizeBenchmark(outcomes, 'naive_ratio');
  console.log(
    `Decision benchmark: ${worlds} worlds (seeds ${firstSeed}–${firstSeed + worlds - 1}); ${summary.worlds} with a positive hindsight optimum, ${summary.failedPilots} failed pilots. Share = true net return (true return at scale − cost) of the funded portfolio ÷ the hindsight oracle's.\n`,
  );
  console.log(benchmarkTableMarkdown(summary, labels));
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s, ${jobs} jobs)`);
}
