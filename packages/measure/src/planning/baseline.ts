import type { Table } from '@impact/contracts';
import { numericColumn } from '../data/columns';
import { MeasureError } from '../errors';
import { encodeFactor } from '../models/panel/codes';

function requireColumns(table: Table, names: string[]): void {
  for (const name of names) {
    if (table.columns[name] === undefined) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `baseline column "${name}" not found (available: ${Object.keys(table.columns).join(', ')})`,
        { column: name, parameter: 'baseline' },
      );
    }
  }
}

/**
 * Outcome SD and, with a pre-period metric, the CUPED R² (squared correlation) from a baseline table of
 * units (one row per unit, before the pilot).
 *
 * @example
 * ```ts
 * experimentBaseline(table, 'revenue', 'revenue_pre'); // { sd, rSquared }
 * ```
 */
export function experimentBaseline(
  table: Table,
  outcome: string,
  preMetric?: string,
): { sd: number; rSquared: number } {
  requireColumns(table, preMetric === undefined ? [outcome] : [outcome, preMetric]);
  const y = numericColumn(table, outcome, 'baseline outcome');
  if (y.length < 3) {
    throw new MeasureError('DATA_TOO_FEW_ROWS', `baseline has ${y.length} rows; at least 3 are needed`, {
      parameter: 'baseline',
    });
  }
  const n = y.length;
  let my = 0;
  for (const v of y) my += v / n;
  let syy = 0;
  for (const v of y) syy += (v - my) ** 2;
  if (!(syy > 0)) {
    throw new MeasureError('DATA_ZERO_VARIANCE', `baseline outcome "${outcome}" is constant`, {
      column: outcome,
    });
  }
  let rSquared = 0;
  if (preMetric !== undefined) {
    const x = numericColumn(table, preMetric, 'baseline pre-period metric');
    let mx = 0;
    for (const v of x) mx += v / n;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      sxx += ((x[i] as number) - mx) ** 2;
      sxy += ((x[i] as number) - mx) * ((y[i] as number) - my);
    }
    rSquared = sxx > 0 ? (sxy * sxy) / (sxx * syy) : 0;
  }
  return { sd: Math.sqrt(syy / (n - 1)), rSquared };
}

/**
 * Total SD, ICC and AR(1) autocorrelation from a balanced baseline panel (unit × period, before the pilot):
 * after removing period means, ρ is the lag-1 autocorrelation of the within-unit residuals (unit and period
 * means removed) with its first-order Nickell bias −(1 + ρ)/(T − 1) inverted; the error variance is the within
 * variance over 1 − q and the unit variance the variance of unit means minus q·σ_ε², with
 * q = Σ_ab ρ^|a−b|/T² (the AR(1) variance of a unit's mean error).
 *
 * @example
 * ```ts
 * panelBaseline(table, 'revenue', 'product_id', 'date'); // { sd, icc, autocorrelation }
 * ```
 */
export function panelBaseline(
  table: Table,
  outcome: string,
  unit: string,
  time: string,
): { sd: number; icc: number; autocorrelation: number } {
  requireColumns(table, [outcome, unit, time]);
  const y = numericColumn(table, outcome, 'baseline outcome');
  const units = encodeFactor(table.columns[unit] as NonNullable<Table['columns'][string]>);
  const times = encodeFactor(table.columns[time] as NonNullable<Table['columns'][string]>);
  const N = units.levels.length;
  const T = times.levels.length;
  if (N * T !== y.length || T < 3 || N < 2) {
    throw new MeasureError(
      'DATA_TOO_FEW_ROWS',
      `baseline panel must be balanced with ≥ 2 units and ≥ 3 periods: ${N} units × ${T} periods, ${y.length} rows`,
      { parameter: 'baseline' },
    );
  }
  const grid = new Float64Array(N * T);
  for (let i = 0; i < y.length; i++)
    grid[(units.codes[i] as number) * T + (times.codes[i] as number)] = y[i] as number;
  const periodMean = new Float64Array(T);
  const unitMean = new Float64Array(N);
  let grand = 0;
  for (let u = 0; u < N; u++)
    for (let t = 0; t < T; t++) {
      const v = grid[u * T + t] as number;
      periodMean[t] = (periodMean[t] as number) + v / N;
      unitMean[u] = (unitMean[u] as number) + v / T;
      grand += v / (N * T);
    }
  let within = 0;
  let lagCross = 0;
  let between = 0;
  for (let u = 0; u < N; u++) {
    between += ((unitMean[u] as number) - grand) ** 2;
    let previous = 0;
    for (let t = 0; t < T; t++) {
      const centred = (grid[u * T + t] as number) - (periodMean[t] as number);
      const residual = centred - (unitMean[u] as number) + grand;
      within += residual ** 2;
      if (t > 0) lagCross += residual * previous;
      previous = residual;
    }
  }
  // Within-unit lag-1 autocorrelation of demeaned residuals is biased by about −(1 + ρ)/(T − 1) (Nickell 1981);
  // invert that first-order bias.
  const lag1 = lagCross / (N * (T - 1)) / (within / (N * T));
  const autocorrelation = Math.max(-0.99, Math.min(0.99, (lag1 + 1 / (T - 1)) / (1 - 1 / (T - 1))));
  // q = Var(ē_i)/σ_ε² = Σ_ab ρ^|a−b| / T²; E[within SS per unit] = T·σ_ε²(1 − q); Var(unit mean) = σ_α² + q·σ_ε².
  let q = 0;
  for (let a = 0; a < T; a++) for (let b = 0; b < T; b++) q += autocorrelation ** Math.abs(a - b);
  q /= T * T;
  const errorVariance = within / (N * T) / (1 - q);
  const unitVariance = Math.max(0, between / (N - 1) - q * errorVariance);
  const icc = Math.min(0.99, unitVariance / (unitVariance + errorVariance));
  const totalVariance = unitVariance + errorVariance;
  return { sd: Math.sqrt(totalVariance), icc, autocorrelation };
}

/**
 * Residual SD and AR(1) autocorrelation of a baseline series around its linear trend (for ITS planning).
 *
 * @example
 * ```ts
 * seriesBaseline(table, 'revenue'); // { sd, autocorrelation }
 * ```
 */
export function seriesBaseline(table: Table, outcome: string): { sd: number; autocorrelation: number } {
  requireColumns(table, [outcome]);
  const y = numericColumn(table, outcome, 'baseline outcome');
  const n = y.length;
  if (n < 4) {
    throw new MeasureError('DATA_TOO_FEW_ROWS', `baseline series has ${n} periods; at least 4 are needed`, {
      parameter: 'baseline',
    });
  }
  const tMean = (n - 1) / 2;
  let yMean = 0;
  for (const v of y) yMean += v / n;
  let stt = 0;
  let sty = 0;
  for (let t = 0; t < n; t++) {
    stt += (t - tMean) ** 2;
    sty += (t - tMean) * ((y[t] as number) - yMean);
  }
  const slope = sty / stt;
  const residuals = Float64Array.from(y, (v, t) => v - yMean - slope * (t - tMean));
  let squares = 0;
  let cross = 0;
  for (let t = 0; t < n; t++) {
    squares += (residuals[t] as number) ** 2;
    if (t > 0) cross += (residuals[t] as number) * (residuals[t - 1] as number);
  }
  if (!(squares > 0)) {
    throw new MeasureError('DATA_ZERO_VARIANCE', `baseline series "${outcome}" is an exact line`, {
      column: outcome,
    });
  }
  return {
    sd: Math.sqrt(squares / (n - 2)),
    autocorrelation: Math.max(-0.99, Math.min(0.99, cross / squares)),
  };
}
