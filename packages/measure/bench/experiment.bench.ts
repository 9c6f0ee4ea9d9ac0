/**
 * Benchmark of the `experiment` model and of `fitOls` alone: 1,000,000 units, a 0/1 treatment and 5
 * numeric covariates (median wall time of several runs; no assertions). Run through `pnpm bench`
 * (bench/index.ts). With `BENCH_BASELINE=<another checkout's packages/measure>` each fitOls case also runs
 * that checkout's fitOls on the same data, alternating which goes first, and prints baseline / this
 * (absolute times on shared machines are noise; ratios from one run are not):
 *
 *   git worktree add /tmp/measure-base <commit> && ln -s "$PWD/node_modules" /tmp/measure-base/node_modules \
 *     && ln -s "$PWD/packages/measure/node_modules" /tmp/measure-base/packages/measure/node_modules \
 *     && BENCH_BASELINE=/tmp/measure-base/packages/measure pnpm --filter @impact/measure bench experiment
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** Median wall times of `task` and `baseline` over `runs` alternating rounds (after one warm-up each). */
function timePair(task: () => unknown, baseline: (() => unknown) | undefined, runs: number) {
  task();
  baseline?.();
  const ours: number[] = [];
  const theirs: number[] = [];
  const once = (f: () => unknown, into: number[]) => {
    const start = performance.now();
    f();
    into.push(performance.now() - start);
  };
  for (let r = 0; r < runs; r++) {
    if (baseline && r % 2 === 1) once(baseline, theirs);
    once(task, ours);
    if (baseline && r % 2 === 0) once(baseline, theirs);
  }
  return { ours: median(ours), baseline: baseline ? median(theirs) : undefined };
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
  const weights = Float64Array.from({ length: n }, () => 0.5 + uniform());
  // 16 columns: wider than the specialised row kernels, so the column-pair fallback runs.
  const wideRows = 250_000;
  const wide = {
    n: wideRows,
    p: 16,
    columns: [
      new Float64Array(wideRows).fill(1),
      ...Array.from({ length: 15 }, () => new Float64Array(wideRows)),
    ],
    names: ['(Intercept)', ...Array.from({ length: 15 }, (_, j) => `x${j}`)],
  };
  for (let j = 1; j < 16; j++)
    (wide.columns[j] as Float64Array).forEach((_, i, column) => {
      column[i] = j <= 5 ? ((covariates[j - 1] as Float64Array)[i] as number) : uniform();
    });
  const wideY = revenue.subarray(0, wideRows);
  const baselineDir = process.env.BENCH_BASELINE;
  const baselineFit =
    baselineDir === undefined
      ? undefined
      : (
          (await import(pathToFileURL(join(resolve(baselineDir), 'src/stats/ols.ts')).href)) as {
            fitOls: typeof fitOls;
          }
        ).fitOls;
  const cases: [string, string, Parameters<typeof fitOls>[0]][] = [
    ['fitOls alone (classical)', '1,000,000 × 7', { design, y: revenue }],
    ['fitOls alone (HC1)', '1,000,000 × 7', { design, y: revenue, covariance: { type: 'HC1' } }],
    ['fitOls alone (HC3)', '1,000,000 × 7', { design, y: revenue, covariance: { type: 'HC3' } }],
    [
      'fitOls alone (WLS, HC1)',
      '1,000,000 × 7',
      { design, y: revenue, weights, covariance: { type: 'HC1' } },
    ],
    [
      'fitOls alone (HC1, column-pair fallback)',
      '250,000 × 16',
      { design: wide, y: wideY, covariance: { type: 'HC1' } },
    ],
  ];
  const fitRows: Record<string, string | number>[] = [];
  for (const [name, size, input] of cases) {
    const times = timePair(() => fitOls(input), baselineFit && (() => baselineFit(input)), 7);
    fitRows.push({
      name,
      size,
      median_ms: Number(times.ours.toFixed(1)),
      ...(times.baseline === undefined
        ? {}
        : {
            baseline_ms: Number(times.baseline.toFixed(1)),
            'baseline / this': (times.baseline / times.ours).toFixed(2),
          }),
    });
  }
  console.table(rows.map((row) => ({ ...row, median_ms: Number(row.median_ms.toFixed(1)) })));
  console.table(fitRows);
  if (baselineDir !== undefined) console.log(`baseline: ${baselineDir}, 7 alternating runs per side`);
}
