import { ConfigError, createTable, parseConfig, type Table } from '@impact/contracts';
import { z } from 'zod';
import { epochDayOf } from '../calendar/dates';
import { catalogTable } from '../catalog/catalog-table';
import { type SimulationConfig, type SimulationConfigInput, SimulationConfigSchema } from '../config/schema';
import type { GroundTruth } from '../ground-truth/schema';
import { fillInParallel } from './parallel';
import { allocateDayColumns, type DayColumns, SimulationRun } from './run';
import { MAX_THREADS, resolveThreads } from './threads';

/**
 * Largest panel `simulate` builds in memory (≈ 125 bytes a row, so about 6 GB); larger runs go through
 * `simulateByDay`, which holds one day at a time.
 *
 * @example
 * ```ts
 * const fitsInMemory = products * days <= MAX_IN_MEMORY_ROWS;
 * ```
 */
export const MAX_IN_MEMORY_ROWS = 50_000_000;

/** Everything one simulation produces. */
export interface SimulationResult {
  /** The configuration after defaults. */
  config: SimulationConfig;
  /** One row per product: characteristics and assignment. */
  products: Table;
  /** One row per product × day, ordered by day then product. */
  metrics: Table;
  /** The recorded true effects. */
  groundTruth: GroundTruth;
}

/**
 * Validate a configuration from code (defaults applied); throws `ConfigError` naming the field.
 *
 * @example
 * ```ts
 * const config = parseSimulationConfig({ products: 50 });
 * ```
 */
export function parseSimulationConfig(input: SimulationConfigInput | SimulationConfig): SimulationConfig {
  return parseConfig(input, SimulationConfigSchema);
}

/** `values` repeated `times` times, by the engine's bulk array copies (a few spread arguments at a time). */
function repeated(values: readonly string[], times: number): string[] {
  const chunk: (readonly string[])[] = new Array(Math.min(times, 1024)).fill(values);
  let out: string[] = [];
  for (let done = 0; done < times; done += chunk.length) {
    out = out.concat(...(times - done >= chunk.length ? chunk : chunk.slice(0, times - done)));
  }
  return out;
}

function metricsTable(run: SimulationRun, columns: DayColumns, firstDay: number, dayCount: number): Table {
  const n = run.catalog.size;
  const dates: string[] = new Array(n * dayCount);
  for (let day = 0; day < dayCount; day += 1) {
    dates.fill(run.calendar.dates[firstDay + day] as string, day * n, (day + 1) * n);
  }
  const productIds = repeated(run.catalog.productIds, dayCount);
  const categories = repeated(run.catalog.categories, dayCount);
  return createTable({
    product_id: productIds,
    category: categories,
    date: dates,
    day: columns.day,
    price: columns.price,
    quality_score: columns.quality_score,
    impressions: columns.impressions,
    visits: columns.visits,
    add_to_cart: columns.add_to_cart,
    orders: columns.orders,
    units: columns.units,
    revenue: columns.revenue,
    treated: columns.treated,
    post: columns.post,
    enriched: columns.enriched,
  });
}

/** How `simulate` runs (not what it simulates: the result is the same for every choice). */
export interface SimulateOptions {
  /**
   * Threads to generate the panel with. `auto` (the default) uses one per available core (at most 8)
   * from 400,000 product-days and the calling thread alone below that, so small simulations never start
   * workers; a number uses the calling thread and `threads − 1` worker threads that each take blocks of
   * products; `1` keeps everything on the calling thread. Without `threads` the environment variable
   * `IMPACT_SIMULATE_THREADS` (a whole number or `auto`) decides when set. The output is byte-identical
   * for every value (docs/simulate.md, *Threads*).
   */
  threads?: number | 'auto';
}

const SimulateOptionsSchema = z.strictObject({
  threads: z.union([z.number().int().min(1).max(MAX_THREADS), z.literal('auto')]).optional(),
});

/**
 * Run the simulator: catalog, daily funnel metrics for every product and day, treatment assignment and
 * the recorded ground truth. Synchronous and deterministic: the same configuration gives the same
 * result, byte for byte, whatever the thread count (from 400,000 product-days it uses worker threads
 * by default; see {@link SimulateOptions}). Throws `ConfigError` (`CONFIG_INVALID`) naming the
 * offending field, or `IMPACT_SIMULATE_THREADS` when that variable is invalid.
 *
 * @example
 * ```ts
 * const { metrics, groundTruth } = simulate({
 *   seed: 7,
 *   products: 200,
 *   start_date: '2024-01-01',
 *   end_date: '2024-02-29',
 *   treatment: { assignment: 'random', fraction: 0.5, start_date: '2024-02-01', metric: 'conversion',
 *     effect: { type: 'multiplicative', size: 0.2 } },
 * });
 * groundTruth.metrics.revenue.att_absolute; // true revenue effect per treated product-day
 * simulate({ products: 50 }, { threads: 1 }); // never worker threads, whatever the size
 * ```
 */
export function simulate(
  config: SimulationConfigInput | SimulationConfig,
  options: SimulateOptions = {},
): SimulationResult {
  const { threads } = parseConfig(options, SimulateOptionsSchema);
  const parsed = parseSimulationConfig(config);
  const dayCount = epochDayOf(parsed.end_date) - epochDayOf(parsed.start_date) + 1;
  const rows = parsed.products * dayCount;
  if (rows > MAX_IN_MEMORY_ROWS) {
    const message = `products: ${parsed.products} products × ${dayCount} days = ${rows} rows, expected at most ${MAX_IN_MEMORY_ROWS} in memory (about ${Math.round((MAX_IN_MEMORY_ROWS * 125) / 1e9)} GB); use simulateByDay or writeSimulationByDay for larger runs`;
    throw new ConfigError('CONFIG_INVALID', message, {
      issues: [
        {
          path: 'products',
          expected: `at most ${MAX_IN_MEMORY_ROWS} product-days in memory`,
          found: String(rows),
          message,
        },
      ],
    });
  }
  const threadCount = resolveThreads(threads, rows);
  const run = new SimulationRun(parsed);
  const n = run.catalog.size;
  let columns: DayColumns;
  if (threadCount > 1 && n > 0) {
    columns = fillInParallel(run, threadCount).columns;
  } else {
    columns = allocateDayColumns(n * dayCount);
    for (let day = 0; day < dayCount; day += 1) run.fillDay(day, columns, day * n);
  }
  return {
    config: parsed,
    products: catalogTable(run.catalog, run.treated),
    metrics: metricsTable(run, columns, 0, dayCount),
    groundTruth: run.groundTruth(),
  };
}

/** One simulated day: its date and the metrics rows of every product on it. */
export interface SimulatedDay {
  /** 0-based index of the day in the range. */
  day: number;
  /** `YYYY-MM-DD`. */
  date: string;
  /** Same columns as {@link SimulationResult.metrics}, one row per product. */
  metrics: Table;
}

/** A simulation streamed day by day, for runs too large to hold in memory. */
export interface SimulationStream {
  /** The configuration after defaults. */
  config: SimulationConfig;
  /** The products table (available at once). */
  products: Table;
  /** Number of days the iterator yields. */
  dayCount: number;
  /** Yields each day in order; iterate once. */
  days(): Generator<SimulatedDay, void, undefined>;
  /** The ground truth; available after `days()` has been iterated to the end. */
  groundTruth(): GroundTruth;
}

/**
 * Stream a simulation by day: each day's rows are generated when the iterator reaches it, with exactly
 * the values `simulate` would produce for that day. Memory stays at one day of rows.
 *
 * @example
 * ```ts
 * const stream = simulateByDay({ products: 10_000, start_date: '2024-01-01', end_date: '2024-12-31' });
 * for (const { date, metrics } of stream.days()) {
 *   // write or aggregate metrics …
 * }
 * const truth = stream.groundTruth();
 * ```
 */
export function simulateByDay(config: SimulationConfigInput | SimulationConfig): SimulationStream {
  const parsed = parseSimulationConfig(config);
  const run = new SimulationRun(parsed);
  const n = run.catalog.size;
  return {
    config: parsed,
    products: catalogTable(run.catalog, run.treated),
    dayCount: run.calendar.dayCount,
    *days() {
      for (let day = 0; day < run.calendar.dayCount; day += 1) {
        const columns = allocateDayColumns(n);
        run.fillDay(day, columns, 0);
        yield { day, date: run.calendar.dates[day] as string, metrics: metricsTable(run, columns, day, 1) };
      }
    },
    groundTruth: () => run.groundTruth(),
  };
}
