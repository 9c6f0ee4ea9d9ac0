/**
 * Cycle study: on the biased world of test/helpers/biased-world.ts (observational pilots over-estimate by
 * `bias` per unit through selection on popularity; experiments are unbiased; the scale run is an
 * experiment), run the multi-cycle loop for many seeds and compare no calibration vs calibration under the
 * three allocation rules (minimax regret, expected return, maximin). Prints a Markdown table of mean
 * realized return, true net return (true return − cost) and net regret against the hindsight-optimal
 * portfolio per cycle: the net objective is what the loop optimises, so regret is judged net of cost.
 *
 *   pnpm --filter @impact/loop study [seeds] [cycles]
 *   npx tsx --conditions=@impact/source packages/loop/scripts/cycle-study.ts [seeds] [cycles]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CycleSummary, runLoopCycles } from '../src/index';
import {
  type BiasedWorldOptions,
  biasedWorldPipeline,
  biasedWorldStages,
} from '../test/helpers/biased-world';

const seeds = Number(process.argv[2] ?? 50);
const cycles = Number(process.argv[3] ?? 4);
const settings = { cycles, joiningPerCycle: 6, budget: 50, bias: 1.5 };
const rules: BiasedWorldOptions['rule'][] = ['minimax_regret', 'expected_return', 'maximin'];

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
const fixed = (value: number, digits = 1) => value.toFixed(digits);

console.log(
  `Cycle study: ${seeds} seeds × ${cycles} cycles, ${settings.joiningPerCycle} new initiatives per cycle (half observational with bias +${settings.bias}/unit, half experiments; true effects ~ N(1, 1), costs ~ U(10, 30), 10 units each), budget ${settings.budget} per cycle; observational initiatives dropped are re-studied with an experiment.\n`,
);
const header = [
  'rule',
  'calibration',
  'realized return / cycle',
  'true net return / cycle',
  'net hindsight optimum / cycle',
  'net regret / cycle',
  `net regret, cycles 2–${cycles}`,
  'observational confidence, last cycle',
];
const rows: string[][] = [];
const work = mkdtempSync(join(tmpdir(), 'impact-cycle-study-'));
const started = performance.now();
for (const rule of rules) {
  for (const calibration of [false, true]) {
    const all: CycleSummary[] = [];
    const later: CycleSummary[] = [];
    const lastConfidence: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const config = biasedWorldPipeline(seed, { ...settings, rule, calibration });
      const outDir = join(work, `${rule}-${calibration}-${seed}`);
      const result = await runLoopCycles({ config, outDir, stages: biasedWorldStages() });
      rmSync(outDir, { recursive: true, force: true });
      all.push(...result.cycles);
      later.push(...result.cycles.slice(1));
      const confidence = result.cycles.at(-1)?.mean_confidence.observational;
      if (confidence !== undefined) lastConfidence.push(confidence);
    }
    rows.push([
      rule,
      calibration ? 'yes' : 'no',
      fixed(mean(all.map((s) => s.realized_return))),
      fixed(mean(all.map((s) => s.true_net_return ?? Number.NaN))),
      fixed(mean(all.map((s) => s.hindsight_net_return ?? Number.NaN))),
      fixed(mean(all.map((s) => s.net_regret ?? Number.NaN))),
      fixed(mean(later.map((s) => s.net_regret ?? Number.NaN))),
      fixed(mean(lastConfidence), 3),
    ]);
  }
}
rmSync(work, { recursive: true, force: true });
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map((_, k) => (k < 2 ? '---' : '---:')).join(' | ')} |`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(`\n(${fixed((performance.now() - started) / 1000)} s)`);
