import { createTable, type Table } from '@impact/contracts';
import type { Catalog } from './catalog';

/**
 * The public products table of a catalog, with the assignment column.
 *
 * @example
 * ```ts
 * const products = catalogTable(catalog, treated);
 * ```
 */
export function catalogTable(catalog: Catalog, treated: Uint8Array): Table {
  return createTable({
    product_id: catalog.productIds,
    category: catalog.categories,
    brand: catalog.brands,
    price: catalog.prices,
    quality_score: catalog.qualityScores,
    baseline_traffic: catalog.baselineTraffic,
    conversion_propensity: catalog.conversionPropensity,
    treated,
  });
}
