/**
 * Benchmarks of the panel and time-series estimators (median wall time of a few runs; no assertions).
 * Run: npx tsx --conditions=@impact/source packages/measure/bench/panel.bench.ts
 */
import { createTable, type Table } from '@impact/contracts';
import { DifferenceInDifferencesParamsSchema, differenceInDifferencesModel } from '../src/models/did';
import { InterruptedTimeSeriesParamsSchema, interruptedTimeSeriesModel } from '../src/models/its';
import { SyntheticControlParamsSchema, syntheticControlModel } from '../src/models/synthetic-control';

/** Deterministic standard normals (xorshift + Box–Muller) so runs are comparable. */
function normals(seed: number): () => number {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function panelTable(
  units: number,
  periods: number,
  treatedShare: number,
  firstPost: number,
  seed: number,
): Table {
  const normal = normals(seed);
  const n = units * periods;
  const unit: string[] = new Array(n);
  const time = new Float64Array(n);
  const treated = new Float64Array(n);
  const post = new Float64Array(n);
  const y = new Float64Array(n);
  const effects = Array.from({ length: units }, () => normal());
  const common = Array.from({ length: periods }, (_, t) => Math.sin(t / 7) + 0.01 * t);
  let row = 0;
  for (let t = 0; t < periods; t++) {
    for (let u = 0; u < units; u++) {
      const isTreated = u < units * treatedShare ? 1 : 0;
      unit[row] = `u${u}`;
      time[row] = t;
      treated[row] = isTreated;
      post[row] = t >= firstPost ? 1 : 0;
      y[row] =
        10 +
        (effects[u] as number) * 3 +
        (common[t] as number) * (1 + (u % 5) / 10) +
        (isTreated && t >= firstPost ? 1 : 0) +
        normal();
      row++;
    }
  }
  return createTable({ unit, time, treated, post, y });
}

/** The table without a random `share` of its rows (xorshift, so every run drops the same rows). */
function dropRows(table: Table, share: number, seed: number): Table {
  let state = seed;
  const keep: number[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    if ((state >>> 0) / 4294967296 >= share) keep.push(i);
  }
  const columns: Record<string, string[] | Float64Array> = {};
  for (const [name, values] of Object.entries(table.columns))
    columns[name] = Array.isArray(values)
      ? keep.map((i) => values[i] as string)
      : Float64Array.from(keep, (i) => values[i] as number);
  return createTable(columns);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function time(run: () => void, repeats: number): number {
  run(); // warm-up (JIT)
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** One benchmark row. */
export interface PanelBenchRow {
  name: string;
  size: string;
  median_ms: number;
}

/** Run the panel benchmarks and return their median timings. */
export function runPanelBenchmarks(): PanelBenchRow[] {
  const context = { ciLevel: 0.95, seed: 1 };
  const rows: PanelBenchRow[] = [];

  const didTable = panelTable(10_000, 90, 0.5, 60, 1);
  const didParams = DifferenceInDifferencesParamsSchema.parse({ outcome: 'y', unit: 'unit', time: 'time' });
  rows.push({
    name: 'difference_in_differences (defaults: TWFE + event study, 4 leads / 4 lags)',
    size: '10,000 units × 90 days',
    median_ms: time(() => differenceInDifferencesModel.fit(didTable, didParams, context), 5),
  });
  const didLongEvent = DifferenceInDifferencesParamsSchema.parse({
    outcome: 'y',
    unit: 'unit',
    time: 'time',
    pretrend_leads: 4,
    event_lags: 8,
  });
  rows.push({
    name: 'difference_in_differences (TWFE + event study, 4 leads / 8 lags)',
    size: '10,000 units × 90 days',
    median_ms: time(() => differenceInDifferencesModel.fit(didTable, didLongEvent, context), 5),
  });
  const didNoEvent = DifferenceInDifferencesParamsSchema.parse({
    outcome: 'y',
    unit: 'unit',
    time: 'time',
    pretrend_leads: 0,
    event_lags: 1,
  });
  rows.push({
    name: 'difference_in_differences (TWFE only)',
    size: '10,000 units × 90 days',
    median_ms: time(() => differenceInDifferencesModel.fit(didTable, didNoEvent, context), 5),
  });

  // Unbalanced: drop every 19th row (~5%, different units each day), so the alternating projections iterate and the event study
  // uses the general (materialised) design.
  const keep = Array.from({ length: didTable.rowCount }, (_, i) => i).filter((i) => i % 19 !== 7);
  const pick = <T extends { [index: number]: unknown }>(values: T) => keep.map((i) => values[i]);
  const unbalanced = createTable({
    unit: pick(didTable.columns.unit as string[]) as string[],
    time: Float64Array.from(pick(didTable.columns.time as Float64Array) as number[]),
    treated: Float64Array.from(pick(didTable.columns.treated as Float64Array) as number[]),
    post: Float64Array.from(pick(didTable.columns.post as Float64Array) as number[]),
    y: Float64Array.from(pick(didTable.columns.y as Float64Array) as number[]),
  });
  rows.push({
    name: 'difference_in_differences (defaults, unbalanced: 5% of cells missing)',
    size: '10,000 units × 90 days',
    median_ms: time(() => differenceInDifferencesModel.fit(unbalanced, didParams, context), 3),
  });
  // Unbalanced as in `pnpm bench:peers` (issue 16): 10% of the rows dropped at random.
  const dropped = dropRows(didTable, 0.1, 16);
  rows.push({
    name: 'difference_in_differences (defaults, unbalanced: 10% of rows dropped at random)',
    size: '10,000 units × 90 days',
    median_ms: time(() => differenceInDifferencesModel.fit(dropped, didParams, context), 5),
  });
  rows.push({
    name: 'difference_in_differences (TWFE only, unbalanced: 10% of rows dropped at random)',
    size: '10,000 units × 90 days',
    median_ms: time(() => differenceInDifferencesModel.fit(dropped, didNoEvent, context), 5),
  });

  const scTable = panelTable(101, 120, 1 / 101, 90, 2);
  const scParams = SyntheticControlParamsSchema.parse({ outcome: 'y', unit: 'unit', time: 'time' });
  rows.push({
    name: 'synthetic_control (fit + 100 in-space placebos)',
    size: '100 donors × 120 periods',
    median_ms: time(() => syntheticControlModel.fit(scTable, scParams, context), 5),
  });

  const normal = normals(3);
  const periods = 730;
  const dates = Array.from({ length: periods }, (_, t) =>
    new Date(Date.UTC(2023, 0, 1 + t)).toISOString().slice(0, 10),
  );
  const itsTable = createTable({
    date: dates,
    y: Float64Array.from({ length: periods }, (_, t) => 10 + 0.01 * t + (t >= 500 ? 2 : 0) + normal()),
    post: Float64Array.from({ length: periods }, (_, t) => (t >= 500 ? 1 : 0)),
  });
  const itsParams = InterruptedTimeSeriesParamsSchema.parse({ outcome: 'y', weekday_effects: true });
  rows.push({
    name: 'interrupted_time_series (weekday dummies, HAC)',
    size: '730 days',
    median_ms: time(() => interruptedTimeSeriesModel.fit(itsTable, itsParams, context), 7),
  });
  return rows;
}

/** Entry point used by `bench/index.ts`: prints the table of median timings. */
export async function run(): Promise<void> {
  console.table(runPanelBenchmarks().map((row) => ({ ...row, median_ms: Number(row.median_ms.toFixed(1)) })));
}
