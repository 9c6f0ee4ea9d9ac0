/**
 * Benchmark of `did_staggered` (median wall time of interleaved runs; no assertions): the analytic fit alone
 * against the same fit with 999 multiplier-bootstrap draws, and against the analytic fit with two covariates
 * (`est_method: dr` and `reg`), on staggered panels of growing size. Report the ratios, not the absolute
 * times (shared, noisy machines).
 * Run: npx tsx --conditions=@impact/source packages/measure/bench/staggered.bench.ts
 */
import { createTable, type Table } from '@impact/contracts';
import { estimateStaggeredDid, StaggeredDidParamsSchema } from '../src/models/staggered/model';

function staggeredPanel(units: number, periods: number, cohorts: number): Table {
  let state = 12345;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const n = units * periods;
  const unit = new Float64Array(n);
  const time = new Float64Array(n);
  const first = new Float64Array(n);
  const y = new Float64Array(n);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  for (let u = 0; u < units; u++) {
    const cohort = u % (cohorts + 1); // 0 = never treated
    const fixed = uniform();
    const start = cohort === 0 ? 0 : 1 + Math.round((cohort * (periods - 2)) / (cohorts + 1));
    for (let t = 0; t < periods; t++) {
      const row = u * periods + t;
      unit[row] = u;
      time[row] = t;
      first[row] = start;
      x1[row] = fixed;
      x2[row] = uniform();
      y[row] = u / units + 0.1 * t + (start > 0 && t >= start ? 1 + 0.1 * (t - start) : 0) + uniform();
    }
  }
  return createTable({ unit, time, first, y, x1, x2 });
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Print median times of the analytic and bootstrap fits and their ratio. */
export async function run(): Promise<void> {
  const base = { outcome: 'y', unit: 'unit', time: 'time', group: 'first' };
  const analytic = StaggeredDidParamsSchema.parse({ ...base, bootstrap_replications: 0 });
  const bootstrap = StaggeredDidParamsSchema.parse({ ...base, bootstrap_replications: 999 });
  const withCovariates = (method: 'dr' | 'reg') =>
    StaggeredDidParamsSchema.parse({
      ...base,
      bootstrap_replications: 0,
      covariates: ['x1', 'x2'],
      est_method: method,
    });
  const dr = withCovariates('dr');
  const reg = withCovariates('reg');
  console.log(
    '| units × periods (cohorts) | cells | analytic (ms) | + 999 bootstrap draws (ms) | ratio | 2 covariates, dr: ratio | reg: ratio |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [units, periods, cohorts] of [
    [500, 5, 3],
    [2000, 12, 4],
    [5000, 20, 5],
  ] as const) {
    const table = staggeredPanel(units, periods, cohorts);
    const times = {
      analytic: [] as number[],
      bootstrap: [] as number[],
      dr: [] as number[],
      reg: [] as number[],
    };
    let cells = 0;
    for (let repeat = 0; repeat < 5; repeat++) {
      let started = performance.now();
      const estimate = estimateStaggeredDid(table, analytic, { ciLevel: 0.95, seed: repeat });
      times.analytic.push(performance.now() - started);
      cells = estimate.diagnostics.n_group_time_cells as number;
      started = performance.now();
      estimateStaggeredDid(table, bootstrap, { ciLevel: 0.95, seed: repeat });
      times.bootstrap.push(performance.now() - started);
      started = performance.now();
      estimateStaggeredDid(table, dr, { ciLevel: 0.95, seed: repeat });
      times.dr.push(performance.now() - started);
      started = performance.now();
      estimateStaggeredDid(table, reg, { ciLevel: 0.95, seed: repeat });
      times.reg.push(performance.now() - started);
    }
    const a = median(times.analytic);
    const b = median(times.bootstrap);
    const ratio = (values: number[]) => (median(values) / a).toFixed(1);
    console.log(
      `| ${units} × ${periods} (${cohorts}) | ${cells} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(1)} | ${ratio(times.dr)} | ${ratio(times.reg)} |`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
