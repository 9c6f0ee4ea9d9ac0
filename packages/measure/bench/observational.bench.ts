/**
 * Benchmarks of the observational estimators on 20,000 units with 5 covariates (median wall time of a
 * few runs, logistic propensity fit included; no assertions).
 * Run: npx tsx --conditions=@impact/source packages/measure/bench/observational.bench.ts
 */
import type { Table } from '@impact/contracts';
import { IpwParamsSchema, ipwModel } from '../src/models/observational/ipw';
import {
  NearestNeighbourMatchingParamsSchema,
  nearestNeighbourMatchingModel,
} from '../src/models/observational/matching';
import { seededUniform } from '../src/models/observational/random';
import {
  RegressionAdjustmentParamsSchema,
  regressionAdjustmentModel,
} from '../src/models/observational/regression-adjustment';
import {
  SubclassificationParamsSchema,
  subclassificationModel,
} from '../src/models/observational/subclassification';

const UNITS = 20_000;
const COVARIATES = ['x1', 'x2', 'x3', 'x4', 'x5'];

function observationalTable(n: number, seed: number): Table {
  const uniform = seededUniform(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const columns: Record<string, Float64Array> = {};
  for (const name of COVARIATES) columns[name] = new Float64Array(n);
  const d = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let score = -0.7;
    let mean = 1;
    COVARIATES.forEach((name, j) => {
      const x = normal();
      (columns[name] as Float64Array)[i] = x;
      score += (j % 2 === 0 ? 0.4 : -0.3) * x;
      mean += 0.5 * x;
    });
    d[i] = uniform() < 1 / (1 + Math.exp(-score)) ? 1 : 0;
    y[i] = mean + 2 * (d[i] as number) + normal();
  }
  return { rowCount: n, columns: { ...columns, d, y } } as Table;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function time(runs: number, body: () => void): number {
  body(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    body();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** One benchmark row: what ran and its median time in milliseconds. */
export interface ObservationalBenchRow {
  case: string;
  medianMs: number;
}

/** Time every observational estimator on the same 20,000-unit table. */
export function runObservationalBenchmarks(runs = 5): ObservationalBenchRow[] {
  const table = observationalTable(UNITS, 1);
  const base = { outcome: 'y', treatment: 'd', covariates: COVARIATES };
  const context = { ciLevel: 0.95, seed: 1 };
  const nn = (extra: Record<string, unknown>) => () =>
    nearestNeighbourMatchingModel.fit(
      table,
      NearestNeighbourMatchingParamsSchema.parse({ ...base, ...extra }),
      context,
    );
  const cases: [string, () => unknown][] = [
    ['matching: logit PS, 1:1, with replacement, AI SE', nn({})],
    ['matching: logit PS, 1:1, without replacement, caliper 0.2', nn({ replace: false, caliper: 0.2 })],
    ['matching: logit PS, 1:3, with replacement, AI SE', nn({ ratio: 3 })],
    ['matching: Mahalanobis (k-d tree), 1:1, with replacement, AI SE', nn({ distance: 'mahalanobis' })],
    [
      'matching: Mahalanobis (k-d tree), 1:1, without replacement',
      nn({ distance: 'mahalanobis', replace: false }),
    ],
    [
      'matching: Mahalanobis, bias-corrected, with replacement',
      nn({ distance: 'mahalanobis', bias_correction: true }),
    ],
    [
      'subclassification: 5 strata, ATE',
      () => subclassificationModel.fit(table, SubclassificationParamsSchema.parse(base), context),
    ],
    [
      'ipw: ATE, stabilized, M-estimation SE',
      () => ipwModel.fit(table, IpwParamsSchema.parse(base), context),
    ],
    [
      'ipw: ATT, robust WLS SE',
      () =>
        ipwModel.fit(
          table,
          IpwParamsSchema.parse({ ...base, estimand: 'ATT', standard_error: 'robust_wls' }),
          context,
        ),
    ],
    [
      'regression_adjustment: Lin, HC2',
      () => regressionAdjustmentModel.fit(table, RegressionAdjustmentParamsSchema.parse(base), context),
    ],
  ];
  return cases.map(([label, body]) => ({
    case: `${label} (${UNITS} units, 5 covariates)`,
    medianMs: time(runs, body),
  }));
}

export async function run(): Promise<void> {
  const rows = runObservationalBenchmarks();
  const width = Math.max(...rows.map((row) => row.case.length));
  console.log(`${'case'.padEnd(width)}  median ms`);
  for (const row of rows) console.log(`${row.case.padEnd(width)}  ${row.medianMs.toFixed(1).padStart(9)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
