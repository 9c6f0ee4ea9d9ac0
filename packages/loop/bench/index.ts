/**
 * Benchmark: one loop run over N simulated experiments with the real stages (simulate → measure →
 * review → allocate → measure at scale → hindsight → report), at modest sizes. Prints the median wall-clock time of
 * `runLoop` and of each phase over a few repetitions, and what `runLoop` spends outside the cycle's phases
 * (validation, the cycle summary with its hindsight-optimal portfolio, history and the commit of the
 * output folder). The hindsight phase simulates the scale world of every reviewed initiative that was not
 * scaled (for its true effect), so those worlds count in the product-days simulated. Measures only;
 * asserts nothing.
 *
 *   pnpm --filter @impact/loop bench
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PipelineConfigInput, runLoop } from '../src/index';

const REPETITIONS = 3;

function pipeline(initiatives: number, pilotProducts: number, scaleProducts: number): PipelineConfigInput {
  return {
    budget: initiatives * 500,
    seed: 1,
    concurrency: 4,
    allocate: { rule: 'minimax_regret', solver: 'highs' },
    initiatives: Array.from({ length: initiatives }, (_, k) => ({
      initiative_id: `initiative-${k}`,
      cost_to_scale: 1000,
      pilot: {
        simulation: {
          products: pilotProducts,
          start_date: '2024-01-01',
          end_date: '2024-02-25',
          treatment: {
            assignment: 'random',
            start_date: '2024-01-29',
            metric: 'conversion',
            effect: { size: 0.02 + 0.02 * (k % 5) },
          },
        },
        measure: {
          transforms: [{ name: 'aggregate_by_product', metric: 'revenue', window: 'post' }],
          model: {
            name: 'experiment',
            params: { formula: 'revenue ~ treated', pre_period_metric: 'revenue_pre' },
          },
        },
      },
      scale_sample_size: scaleProducts,
      valuation: { value_per_unit: 0.05, units: 30000 },
    })),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const cases = [
  { initiatives: 5, pilot: 300, scale: 1500 },
  { initiatives: 10, pilot: 300, scale: 1500 },
  { initiatives: 20, pilot: 300, scale: 1500 },
  { initiatives: 10, pilot: 1000, scale: 5000 },
];

/** Initiatives of a published run.json that were scaled, and those whose scale world hindsight simulated. */
function scaleWorlds(outDir: string): { scaled: number; hindsight: number } {
  const run = JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')) as {
    initiatives: { scale?: unknown; hindsight_true_effect?: number }[];
  };
  return {
    scaled: run.initiatives.filter((entry) => entry.scale !== undefined).length,
    hindsight: run.initiatives.filter((entry) => entry.hindsight_true_effect !== undefined).length,
  };
}

console.log(
  '| initiatives | pilot products | scale products | scale worlds (measured + hindsight) | product-days simulated | runLoop median (ms) | pilot+review | allocate | scale | hindsight | report | outside the cycle |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const c of cases) {
  const totals: number[] = [];
  const phases: Record<string, number[]> = {
    pilot_and_review: [],
    allocate: [],
    scale: [],
    hindsight: [],
    report: [],
    outside: [],
  };
  let worlds = { scaled: 0, hindsight: 0 };
  for (let r = 0; r < REPETITIONS; r++) {
    const outDir = mkdtempSync(join(tmpdir(), 'impact-loop-bench-'));
    const started = performance.now();
    const report = await runLoop({ config: pipeline(c.initiatives, c.pilot, c.scale), outDir });
    const wall = performance.now() - started;
    totals.push(wall);
    const timings = report.metadata.timings_ms;
    for (const key of Object.keys(phases)) if (key !== 'outside') phases[key]?.push(timings[key] ?? 0);
    phases.outside?.push(wall - (timings.total ?? 0));
    worlds = scaleWorlds(outDir);
    rmSync(outDir, { recursive: true, force: true });
  }
  const productDays = 56 * (c.initiatives * c.pilot + (worlds.scaled + worlds.hindsight) * c.scale);
  const cell = (key: string) => median(phases[key] ?? []).toFixed(0);
  console.log(
    `| ${c.initiatives} | ${c.pilot} | ${c.scale} | ${worlds.scaled} + ${worlds.hindsight} | ${productDays.toLocaleString('en-US')} | ${median(totals).toFixed(0)} | ${cell('pilot_and_review')} | ${cell('allocate')} | ${cell('scale')} | ${cell('hindsight')} | ${cell('report')} | ${cell('outside')} |`,
  );
}
