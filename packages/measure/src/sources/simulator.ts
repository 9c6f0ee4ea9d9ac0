import type { ColumnValues, Table } from '@impact/contracts';
import { createTable } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';
import { type DataSourceAdapter, defineDataSource } from './source';

/** The part of `@impact/simulate` this source uses (typed structurally so the peer stays optional). */
export interface SimulatorLibrary {
  simulate(config: unknown): { products: Table; metrics: Table };
}

/** Keys of a `simulator` data source: `config` is a simulate configuration (validated by @impact/simulate). */
export const SimulatorSourceSpecSchema = z.strictObject({
  config: z.record(z.string(), z.unknown()),
});

/**
 * Import `@impact/simulate` (or another module name, for tests) on first use; a missing module becomes
 * `DATA_SOURCE_UNAVAILABLE` saying what to install.
 *
 * @example
 * ```ts
 * const lib = await importSimulator();
 * ```
 */
export async function importSimulator(specifier = '@impact/simulate'): Promise<SimulatorLibrary> {
  try {
    const module =
      specifier === '@impact/simulate' ? await import('@impact/simulate') : await import(specifier);
    return module as unknown as SimulatorLibrary;
  } catch (error) {
    throw new MeasureError(
      'DATA_SOURCE_UNAVAILABLE',
      'the "simulator" data source needs the optional peer dependency @impact/simulate: install it (npm install @impact/simulate)',
      { cause: error, parameter: 'data.source' },
    );
  }
}

/**
 * Join product-level covariates that the metrics table lacks (e.g. `brand`, `baseline_traffic`) onto
 * every product-day row, by `product_id`.
 *
 * @example
 * ```ts
 * const table = joinProductCovariates(result.metrics, result.products);
 * ```
 */
export function joinProductCovariates(metrics: Table, products: Table): Table {
  const productIds = products.columns.product_id as readonly string[] | undefined;
  const metricIds = metrics.columns.product_id as readonly string[] | undefined;
  if (!productIds || !metricIds) return metrics;
  const index = new Map<string, number>();
  productIds.forEach((id, k) => {
    index.set(id, k);
  });
  const rowOf = Int32Array.from(metricIds, (id) => {
    const k = index.get(id);
    if (k === undefined)
      throw new MeasureError('DATA_FILE_INVALID', `simulated metrics mention unknown product "${id}"`, {
        column: 'product_id',
      });
    return k;
  });
  const columns: Record<string, ColumnValues> = { ...metrics.columns };
  for (const [name, values] of Object.entries(products.columns)) {
    if (columns[name] !== undefined) continue;
    if (Array.isArray(values)) columns[name] = Array.from(rowOf, (k) => values[k] as string);
    else if (values instanceof Float64Array)
      columns[name] = Float64Array.from(rowOf, (k) => values[k] as number);
    else if (values instanceof Int32Array) columns[name] = Int32Array.from(rowOf, (k) => values[k] as number);
    else columns[name] = Uint8Array.from(rowOf, (k) => (values as Uint8Array)[k] as number);
  }
  return createTable(columns);
}

/**
 * Create a `simulator` data source. By default `@impact/simulate` is imported lazily on first use (an
 * optional peer dependency); pass `lib` to inject an instance.
 *
 * @example
 * ```ts
 * import * as simulateLib from '@impact/simulate';
 * registerDataSource(createSimulatorSource({ name: 'my_simulator', lib: simulateLib }));
 * ```
 */
export function createSimulatorSource(
  options: { name?: string; lib?: SimulatorLibrary; load?: () => Promise<SimulatorLibrary> } = {},
): DataSourceAdapter<z.output<typeof SimulatorSourceSpecSchema>> {
  return defineDataSource({
    name: options.name ?? 'simulator',
    specSchema: SimulatorSourceSpecSchema,
    async load(spec) {
      const lib = options.lib ?? (await (options.load ?? (() => importSimulator()))());
      const result = lib.simulate(spec.config);
      return joinProductCovariates(result.metrics, result.products);
    },
  });
}

/**
 * `simulator` data source: runs `@impact/simulate` with `config` and yields its product-day `metrics`
 * joined with product covariates.
 *
 * @example
 * ```yaml
 * data: { source: simulator, config: { seed: 7, products: 200, start_date: 2024-01-01, end_date: 2024-03-31 } }
 * ```
 */
export const simulatorSource = createSimulatorSource();
