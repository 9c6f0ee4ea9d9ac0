/**
 * One measurement of bench/pushdown.bench.ts in a fresh process (so peak RSS is this measurement's alone).
 * Modes: `pushdown <file> <format> [where] [threads]` fits the experiment model inside DuckDB (without a
 * `where` — pass `-` — Parquet is read whole, in the source's fixed parts); `memory <file> <format> [where]`
 * loads the rows through the duckdb source into a Table and fits in memory. Prints one JSON line (with
 * the process's CPU seconds and the full estimate, for byte-identity checks).
 */
import { ExperimentParamsSchema, experimentModel } from '../src/models/experiment';
import { pushdownExperiment } from '../src/models/pushdown/experiment';
import { streamedFrom } from '../src/models/pushdown/stream-ols';
import { DuckDbSourceSpecSchema, duckDbSource } from '../src/sources/duckdb';

const [mode, file, format, rawWhere, threads] = process.argv.slice(2) as [
  string,
  string,
  'parquet' | 'csv',
  string | undefined,
  string | undefined,
];
const where = rawWhere === '-' ? undefined : rawWhere;
const params = ExperimentParamsSchema.parse({
  formula: 'y ~ treated + x1 + x2 + x3 + x4 + x5',
  covariance: 'HC1',
});
const context = { ciLevel: 0.95, seed: 0 };
const spec = DuckDbSourceSpecSchema.parse({
  path: file,
  format,
  // A query (the subsample) is one statement; the whole file is summed in parts.
  ...(where === undefined && mode === 'pushdown'
    ? {}
    : { query: `SELECT y, treated, x1, x2, x3, x4, x5 FROM data${where ? ` WHERE ${where}` : ''}` }),
  settings: { threads: Number(threads ?? 2) },
  pushdown: mode === 'pushdown',
});
const sourceContext = { baseDir: process.cwd(), seed: 0 };
const started = performance.now();
let estimate: ReturnType<typeof experimentModel.fit>;
let path = 'in memory';
if (mode === 'pushdown') {
  const relation = await duckDbSource.openRelation(spec, sourceContext);
  try {
    estimate = await pushdownExperiment(relation, params, context);
    path = streamedFrom(relation.engine) ? 'rows streamed to the OLS kernels' : 'SQL aggregates';
  } finally {
    await relation.engine.close();
  }
} else {
  const table = await duckDbSource.load(spec, sourceContext);
  estimate = experimentModel.fit(table, params, context);
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage();
console.log(
  JSON.stringify({
    seconds,
    max_rss_mb: process.resourceUsage().maxRSS / 1024,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    fingerprint: JSON.stringify(estimate),
    n: estimate.sample_size,
    rows_per_second: estimate.sample_size / seconds,
    estimate: estimate.effect_estimate,
    standard_error: estimate.standard_error,
    coefficients: estimate.details.coefficients,
    path,
  }),
);
