/**
 * Benchmark of the `experiment` model: 1,000,000 units, a 0/1 treatment and 5 numeric covariates
 * (median wall time of several runs; no assertions). Run through `pnpm bench` (bench/index.ts).
 */
import { createTable } from '@impact/contracts';
import { ExperimentParamsSchema, experimentModel } from '../src/models/experiment';
import { fitOls } from '../src/stats/ols';

function uniforms(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function time(task: () => unknown, runs: number): number {
  task(); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    task();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export async function run(): Promise<void> {
  const n = 1_000_000;
  const uniform = uniforms(11);
  const treated = new Uint8Array(n);
  const covariates = Array.from({ length: 5 }, () => new Float64Array(n));
  const revenue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    treated[i] = uniform() < 0.5 ? 1 : 0;
    let y = 10 + 2 * (treated[i] as number);
    covariates.forEach((column, j) => {
      const value = uniform() * 10;
      column[i] = value;
      y += (j + 1) * 0.1 * value;
    });
    revenue[i] = y + (uniform() - 0.5) * 4;
  }
  const table = createTable({
    revenue,
    treated,
    x1: covariates[0]!,
    x2: covariates[1]!,
    x3: covariates[2]!,
    x4: covariates[3]!,
    x5: covariates[4]!,
  });
  const rows: { name: string; size: string; median_ms: number }[] = [];
  for (const covariance of ['HC1', 'HC3'] as const) {
    const params = ExperimentParamsSchema.parse({
      formula: 'revenue ~ treated + x1 + x2 + x3 + x4 + x5',
      covariance,
    });
    rows.push({
      name: `experiment (formula, ${covariance}, relative lift, SRM)`,
      size: '1,000,000 units × 5 covariates',
      median_ms: time(() => experimentModel.fit(table, params, { ciLevel: 0.95, seed: 0 }), 5),
    });
  }
  const design = {
    n,
    p: 7,
    columns: [new Float64Array(n).fill(1), Float64Array.from(treated), ...covariates],
    names: ['(Intercept)', 'treated', 'x1', 'x2', 'x3', 'x4', 'x5'],
  };
  rows.push({
    name: 'fitOls alone (HC1)',
    size: '1,000,000 × 7',
    median_ms: time(() => fitOls({ design, y: revenue, covariance: { type: 'HC1' } }), 5),
  });
  console.table(rows.map((row) => ({ ...row, median_ms: Number(row.median_ms.toFixed(1)) })));
}
