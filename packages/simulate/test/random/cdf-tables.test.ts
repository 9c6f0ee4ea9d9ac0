import { describe, expect, it } from 'vitest';
import { binomialQuantile, poissonQuantile } from '../../src/index';
import {
  BinomialCdfTables,
  PoissonCdfTables,
  TABLE_MAX_SLOTS,
  TABLE_MAX_TRIALS,
} from '../../src/random/cdf-tables';

const uniformGrid = Array.from({ length: 61 }, (_, step) => (step + 0.5) / 61).concat([
  1.1641532182693481e-10,
  1 - 1.1641532182693481e-10,
]);

describe('cached CDF tables', () => {
  it('return binomialQuantile bit for bit, in and beyond the tabled trials', () => {
    const tables = new BinomialCdfTables();
    for (const p of [Number.NaN, 0, 1e-6, 0.05, 0.3, 0.5, 0.55, 0.6, 0.75, 0.99, 1, 2]) {
      const slot = tables.slotFor(p);
      expect(tables.slotFor(p)).toBe(slot);
      for (const u of uniformGrid) {
        for (let trials = 0; trials <= TABLE_MAX_TRIALS + 8; trials += 1) {
          expect(tables.quantile(Float64Array.of(u), 0, trials, slot), `u=${u} n=${trials} p=${p}`).toBe(
            binomialQuantile(u, trials, p),
          );
        }
      }
    }
  });

  it('return poissonQuantile of multiple × base mean bit for bit, or −1 where they do not apply', () => {
    const tables = new PoissonCdfTables();
    for (const baseMean of [0, 0.05, 0.4, 1.2, 2.5, 3, 50]) {
      const slot = tables.slotFor(baseMean);
      for (const u of uniformGrid) {
        for (let multiple = 1; multiple <= TABLE_MAX_TRIALS + 4; multiple += 1) {
          const mean = multiple * baseMean;
          const value = tables.quantile(Float64Array.of(u), 0, multiple, slot);
          if (mean > 0 && mean <= 40 && multiple <= TABLE_MAX_TRIALS) {
            expect(value, `u=${u} mean=${multiple}×${baseMean}`).toBe(poissonQuantile(u, mean));
          } else {
            expect(value).toBe(-1);
          }
        }
      }
    }
  });

  it('hand out at most TABLE_MAX_SLOTS slots, then −1', () => {
    const tables = new BinomialCdfTables();
    for (let index = 0; index < TABLE_MAX_SLOTS; index += 1) expect(tables.slotFor(index / 1000)).toBe(index);
    expect(tables.slotFor(0.9999)).toBe(-1);
    expect(tables.slotFor(0.001)).toBe(1);
    const poisson = new PoissonCdfTables();
    for (let index = 0; index < TABLE_MAX_SLOTS; index += 1) poisson.slotFor(index);
    expect(poisson.slotFor(-1)).toBe(-1);
  });
});
