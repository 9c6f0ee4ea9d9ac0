/**
 * One measurement of bench/pushdown.bench.ts in a fresh process (so peak RSS is this measurement's alone).
 * Modes: `pushdown <file> <format> [where] [threads]` fits the experiment model inside DuckDB (without a
 * `where` — pass `-` — Parquet is read whole, in the source's fixed parts); `memory <file> <format> [where]`
 * loads the rows through the duckdb source into a Table and fits in memory. Prints one JSON line (with
 * the process's CPU seconds, those of the measurement alone, and the full estimate, for byte-identity
 * checks). Two floors of the same fit
 * on the same file: `scan <file> parquet - [threads]` streams the fit's 7 columns through the same engine
 * API and parts twice (its two passes) with no arithmetic; `aggregate <file> parquet - [threads]` is
 * DuckDB's own single query of the 35 `fsum` cross products of X'X (one pass, on `threads` threads).
 */
import { ExperimentParamsSchema, experimentModel } from '../src/models/experiment';
import { pushdownExperiment } from '../src/models/pushdown/experiment';
import { streamedFrom } from '../src/models/pushdown/stream-ols';
import { DuckDbSourceSpecSchema, duckDbSource } from '../src/sources/duckdb';
import { createDuckDbEngine } from '../src/sql/duckdb';

/** The fit's streamed columns (design without the intercept, then the outcome). */
const STREAMED = ['treated', 'x1', 'x2', 'x3', 'x4', 'x5', 'y'];

/** Floor (a): the fit's two streamed scans, each chunk's columns handed over and not read. */
async function bareScans(): Promise<number> {
  const relation = await duckDbSource.openRelation(spec, sourceContext);
  let rows = 0;
  try {
    const list = STREAMED.map((name, j) => `CAST("${name}" AS DOUBLE) AS "c${j}"`).join(', ');
    const sqls = (relation.parts ?? [relation.from]).map((from) => `SELECT ${list} FROM ${from}`);
    const stream = relation.engine.streamNumeric;
    if (stream === undefined) throw new Error('the engine does not stream');
    for (let pass = 0; pass < 2; pass++)
      await stream(sqls, (_, chunk) => {
        if (pass === 0) rows += chunk.rowCount;
      });
  } finally {
    await relation.engine.close();
  }
  return rows;
}

/** Floor (b): DuckDB's one query of X'X's cross products of [1, treated, x1..x5, y] with `fsum`. */
async function sqlCrossProducts(): Promise<number> {
  const engine = await createDuckDbEngine({ settings: { threads: Number(threads ?? 2) } });
  try {
    const v = ['1', ...STREAMED.map((name) => `CAST("${name}" AS DOUBLE)`)];
    const terms: string[] = [];
    for (let a = 0; a < v.length; a++)
      for (let b = a; b < v.length; b++)
        if (a > 0 || b > 0) terms.push(`fsum(${a === 0 ? v[b] : `${v[a]} * ${v[b]}`})`);
    const result = await engine.query(
      `SELECT count(*) AS n, ${terms.join(', ')} FROM read_parquet('${file}')`,
    );
    return Number(result.columns[0]?.values[0]);
  } finally {
    await engine.close();
  }
}

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
  pushdown: mode === 'pushdown' || mode === 'scan',
});
const sourceContext = { baseDir: process.cwd(), seed: 0 };
/** CPU seconds of the measurement alone (the process's, less what loading the modules took). */
function measuredCpu(): number {
  const cpu = process.cpuUsage(cpuAtStart);
  return (cpu.user + cpu.system) / 1e6;
}
const cpuAtStart = process.cpuUsage();
const started = performance.now();
/** Print the one JSON line of this measurement: times, peak RSS, rows/s and the mode's own fields. */
function report(n: number, fields: Record<string, unknown>): void {
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage();
  console.log(
    JSON.stringify({
      seconds,
      max_rss_mb: process.resourceUsage().maxRSS / 1024,
      cpu_seconds: (cpu.user + cpu.system) / 1e6,
      measured_cpu_seconds: measuredCpu(),
      n,
      rows_per_second: n / seconds,
      ...fields,
    }),
  );
}
if (mode === 'scan' || mode === 'aggregate') {
  const n = mode === 'scan' ? await bareScans() : await sqlCrossProducts();
  report(n, { path: mode === 'scan' ? 'two bare streamed scans' : 'one SQL query of 35 fsum aggregates' });
  process.exit(0);
}
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
report(estimate.sample_size, {
  fingerprint: JSON.stringify(estimate),
  estimate: estimate.effect_estimate,
  standard_error: estimate.standard_error,
  coefficients: estimate.details.coefficients,
  path,
});
