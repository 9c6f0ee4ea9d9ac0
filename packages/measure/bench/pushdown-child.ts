/**
 * One measurement of bench/pushdown.bench.ts in a fresh process (so peak RSS is this measurement's alone).
 * Modes: `pushdown <file> <format> [where]` fits the experiment model inside DuckDB; `memory <file> <format>
 * [where]` loads the rows through the duckdb source into a Table and fits in memory. Prints one JSON line.
 */
import { ExperimentParamsSchema, experimentModel } from '../src/models/experiment';
import { pushdownExperiment } from '../src/models/pushdown/experiment';
import { DuckDbSourceSpecSchema, duckDbSource } from '../src/sources/duckdb';

const [mode, file, format, where] = process.argv.slice(2) as [
  string,
  string,
  'parquet' | 'csv',
  string | undefined,
];
const params = ExperimentParamsSchema.parse({
  formula: 'y ~ treated + x1 + x2 + x3 + x4 + x5',
  covariance: 'HC1',
});
const context = { ciLevel: 0.95, seed: 0 };
const spec = DuckDbSourceSpecSchema.parse({
  path: file,
  format,
  query: `SELECT y, treated, x1, x2, x3, x4, x5 FROM data${where ? ` WHERE ${where}` : ''}`,
  settings: { threads: 2 },
  pushdown: mode === 'pushdown',
});
const sourceContext = { baseDir: process.cwd(), seed: 0 };
const started = performance.now();
let estimate: ReturnType<typeof experimentModel.fit>;
if (mode === 'pushdown') {
  const relation = await duckDbSource.openRelation(spec, sourceContext);
  try {
    estimate = await pushdownExperiment(relation, params, context);
  } finally {
    await relation.engine.close();
  }
} else {
  const table = await duckDbSource.load(spec, sourceContext);
  estimate = experimentModel.fit(table, params, context);
}
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    seconds,
    max_rss_mb: process.resourceUsage().maxRSS / 1024,
    n: estimate.sample_size,
    rows_per_second: estimate.sample_size / seconds,
    estimate: estimate.effect_estimate,
    standard_error: estimate.standard_error,
    coefficients: estimate.details.coefficients,
  }),
);
