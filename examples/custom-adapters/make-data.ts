/**
 * Writes the example's "warehouse exports": one JSON row per product with its mean daily revenue over the
 * four weeks after launch and whether it got the change, for a pilot and a larger roll-out of each of
 * three initiatives. Generated with @impact/simulate so the numbers are realistic and reproducible.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../packages/simulate/src/index';

const initiatives = [
  { id: 'gift-wrapping', size: 0.1 },
  { id: 'size-guide', size: 0.04 },
  { id: 'live-chat', size: -0.03 },
];

export function makeData(folder: string): void {
  mkdirSync(folder, { recursive: true });
  initiatives.forEach((initiative, k) => {
    for (const [phase, products, seed] of [
      ['pilot', 1000, 100 + k],
      ['scale', 5000, 200 + k],
    ] as const) {
      const world = simulate({
        seed,
        products,
        start_date: '2024-03-01',
        end_date: '2024-03-28',
        treatment: {
          assignment: 'random',
          start_date: '2024-03-01',
          metric: 'conversion',
          effect: { size: initiative.size },
        },
      });
      const ids = world.metrics.columns.product_id as string[];
      const revenue = world.metrics.columns.revenue as Float64Array;
      const treated = world.metrics.columns.treated as Uint8Array;
      const byProduct = new Map<string, { revenue: number; days: number; treated: number }>();
      ids.forEach((id, i) => {
        const row = byProduct.get(id) ?? { revenue: 0, days: 0, treated: treated[i] as number };
        row.revenue += revenue[i] as number;
        row.days += 1;
        byProduct.set(id, row);
      });
      const rows = [...byProduct].map(([product_id, row]) => ({
        product_id,
        revenue: row.revenue / row.days,
        treated: row.treated,
      }));
      writeFileSync(join(folder, `${initiative.id}-${phase}.json`), JSON.stringify(rows));
    }
  });
}
