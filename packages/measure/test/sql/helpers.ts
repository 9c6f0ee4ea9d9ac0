import { type ColumnValues, createTable, type Table } from '@impact/contracts';
import { doubleLiteral, stringLiteral } from '../../src/sql/dialect';
import type { SqlEngine } from '../../src/sql/engine';

/** Deterministic uniform(0,1) stream (mulberry32), so fixtures need no files. */
export function uniformStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal from two uniforms (Box–Muller). */
export function normal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/**
 * An experiment table: heteroskedastic revenue with a treatment effect, two covariates, a 4-level region,
 * 40 clusters and a pre-period metric correlated with the outcome.
 */
export function experimentTable(n: number, seed: number): Table {
  const next = uniformStream(seed);
  const regions = ['north', 'south', 'east', 'west'];
  const treated = new Uint8Array(n);
  const price = new Float64Array(n);
  const visits = new Float64Array(n);
  const pre = new Float64Array(n);
  const revenue = new Float64Array(n);
  const region: string[] = [];
  const store: string[] = [];
  const clusterEffect = Float64Array.from({ length: 40 }, () => normal(next));
  for (let i = 0; i < n; i++) {
    const g = Math.floor(next() * 40);
    store.push(`s${g}`);
    const r = Math.floor(next() * 4);
    region.push(regions[r] as string);
    treated[i] = next() < 0.45 ? 1 : 0;
    price[i] = 20 + 5 * normal(next);
    visits[i] = Math.floor(next() * 30);
    pre[i] = 100 + 10 * normal(next) + 3 * (clusterEffect[g] as number);
    revenue[i] =
      50 +
      2.5 * (treated[i] as number) -
      0.8 * (price[i] as number) +
      0.4 * (visits[i] as number) +
      r * 1.5 +
      0.6 * (pre[i] as number) +
      2 * (clusterEffect[g] as number) +
      (1 + (treated[i] as number)) * (3 + 0.2 * (visits[i] as number)) * normal(next);
  }
  return createTable({ revenue, treated, price, visits, pre_revenue: pre, region, store });
}

/** Create `name` in the engine with the table's columns (DOUBLE PRECISION, INTEGER, VARCHAR) and rows. */
export async function createEngineTable(engine: SqlEngine, name: string, table: Table): Promise<void> {
  const { dialect } = engine;
  const entries = Object.entries(table.columns) as [string, ColumnValues][];
  const typeOf = (values: ColumnValues) =>
    Array.isArray(values)
      ? dialect.textType
      : values instanceof Float64Array
        ? 'DOUBLE PRECISION'
        : 'INTEGER';
  await engine.query(`DROP TABLE IF EXISTS ${dialect.quoteIdentifier(name)}`);
  await engine.query(
    `CREATE TABLE ${dialect.quoteIdentifier(name)} (${entries.map(([column, values]) => `${dialect.quoteIdentifier(column)} ${typeOf(values)}`).join(', ')})`,
  );
  const literal = (values: ColumnValues, i: number) => {
    const value = values[i] as number | string;
    if (typeof value === 'string') return stringLiteral(value);
    if (Number.isNaN(value)) return 'NULL';
    return values instanceof Float64Array ? doubleLiteral(dialect, value) : String(value);
  };
  for (let start = 0; start < table.rowCount; start += 500) {
    const rows: string[] = [];
    for (let i = start; i < Math.min(table.rowCount, start + 500); i++)
      rows.push(`(${entries.map(([, values]) => literal(values, i)).join(', ')})`);
    await engine.query(`INSERT INTO ${dialect.quoteIdentifier(name)} VALUES ${rows.join(', ')}`);
  }
}

/** |a − b| ≤ tolerance·max(1, |b|), element-wise over nested numbers (strings must be equal). */
export function relativeMismatches(
  actual: unknown,
  expected: unknown,
  tolerance: number,
  path = '',
): string[] {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return [`${path}: expected a number, found ${JSON.stringify(actual)}`];
    if (Number.isNaN(expected) && Number.isNaN(actual)) return [];
    const scale = Math.max(1e-300, Math.abs(expected));
    return Math.abs(actual - expected) <= tolerance * scale || actual === expected
      ? []
      : [
          `${path}: ${actual} vs ${expected} (relative ${(Math.abs(actual - expected) / scale).toExponential(2)})`,
        ];
  }
  if (ArrayBuffer.isView(expected))
    return relativeMismatches(
      Array.from(actual as Float64Array),
      Array.from(expected as Float64Array),
      tolerance,
      path,
    );
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${path}: length differs`];
    return expected.flatMap((item, k) => relativeMismatches(actual[k], item, tolerance, `${path}[${k}]`));
  }
  if (typeof expected === 'object' && expected !== null) {
    const record = expected as Record<string, unknown>;
    return Object.keys(record).flatMap((key) =>
      relativeMismatches(
        (actual as Record<string, unknown>)?.[key],
        record[key],
        tolerance,
        `${path}.${key}`,
      ),
    );
  }
  return actual === expected ? [] : [`${path}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`];
}

/**
 * A balanced panel: `units` units × `periods` periods (ISO dates from 2024-01-01, or numbers), 40% treated
 * from period `start`, unit and period effects, an effect of 2 growing by 0.3 per period, noise whose scale
 * differs by unit.
 */
export function panelTable(units: number, periods: number, start: number, seed: number, dates = true): Table {
  const next = uniformStream(seed);
  const unit: string[] = [];
  const time: string[] = [];
  const period = new Float64Array(units * periods);
  const treated = new Float64Array(units * periods);
  const post = new Float64Array(units * periods);
  const y = new Float64Array(units * periods);
  const periodEffect = Float64Array.from({ length: periods }, () => 3 * normal(next));
  let row = 0;
  for (let u = 0; u < units; u++) {
    const isTreated = next() < 0.4 ? 1 : 0;
    const unitEffect = 10 * normal(next);
    const scale = 0.5 + 2 * next();
    for (let t = 0; t < periods; t++) {
      unit.push(`u${String(u).padStart(3, '0')}`);
      time.push(new Date(Date.UTC(2024, 0, 1 + 7 * t)).toISOString().slice(0, 10));
      period[row] = t + 1;
      treated[row] = isTreated;
      post[row] = t >= start ? 1 : 0;
      const effect = isTreated && t >= start ? 2 + 0.3 * (t - start) : 0;
      y[row] = 50 + unitEffect + (periodEffect[t] as number) + effect + scale * normal(next);
      row++;
    }
  }
  return createTable({ unit, ...(dates ? { time } : { time: period }), treated, post, y });
}
