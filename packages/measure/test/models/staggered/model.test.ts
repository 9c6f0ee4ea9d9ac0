import { createTable, type Table } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors';
import { buildDesign, parseFormula } from '../../../src/formula/formula';
import {
  DifferenceInDifferencesParamsSchema,
  estimateDifferenceInDifferences,
} from '../../../src/models/did';
import { baconDecomposition } from '../../../src/models/staggered/bacon';
import { estimateStaggeredDid, StaggeredDidParamsSchema } from '../../../src/models/staggered/model';
import { readStaggeredPanel } from '../../../src/models/staggered/panel';
import { FileSourceSpecSchema, loadTableFile } from '../../../src/sources/file';
import { fitOls } from '../../../src/stats/ols';

const context = { ciLevel: 0.95, seed: 7 };
const mpdta = loadTableFile(FileSourceSpecSchema.parse({ path: '/work/shared/datasets/mpdta.csv' }), '/');
const mpdtaParams = StaggeredDidParamsSchema.parse({
  outcome: 'lemp',
  unit: 'countyreal',
  time: 'year',
  group: 'first.treat',
});

interface CellRow {
  group: number;
  period: number;
  base_period: number;
  estimate: number;
  standard_error: number;
  bootstrap_se: number;
  band_lower: number;
  band_upper: number;
  ci_lower: number;
  ci_upper: number;
}
const cellsOf = (details: Record<string, unknown>) => details.group_time as CellRow[];

/** Callaway & Sant'Anna (2021) ATT(g,t) on mpdta, as published (README of the datasets; SEs multiplier bootstrap). */
const PUBLISHED: [group: number, period: number, att: number, se?: number][] = [
  [2004, 2004, -0.0105, 0.0243],
  [2004, 2005, -0.0704, 0.0331],
  [2004, 2006, -0.1373, 0.0412],
  [2004, 2007, -0.1008, 0.0358],
  [2006, 2004, 0.0065],
  [2006, 2005, -0.0028],
  [2006, 2006, -0.0046, 0.0175],
  [2006, 2007, -0.0412, 0.0196],
  [2007, 2004, 0.0305],
  [2007, 2005, -0.0027],
  [2007, 2006, -0.0311],
  [2007, 2007, -0.0261, 0.0175],
];

describe('did_staggered: mpdta (Callaway & Sant’Anna 2021)', () => {
  const estimate = estimateStaggeredDid(mpdta, { ...mpdtaParams, bootstrap_replications: 20_000 }, context);
  const cells = cellsOf(estimate.details);

  it('reproduces every published ATT(g,t) to the published 4 decimals', () => {
    expect(cells).toHaveLength(PUBLISHED.length);
    for (const [group, period, att] of PUBLISHED) {
      const cell = cells.find((row) => row.group === group && row.period === period);
      expect(cell, `${group}/${period}`).toBeDefined();
      expect(Math.abs((cell as CellRow).estimate - att), `${group}/${period}`).toBeLessThanOrEqual(5e-5);
    }
  });

  it('reproduces the published pre-test of parallel trends (p = 0.168), which uses the analytic influence functions', () => {
    expect(Math.abs((estimate.diagnostics.pretrend_p_value as number) - 0.168)).toBeLessThanOrEqual(5e-4);
    expect(estimate.diagnostics.pretrend_df).toBe(5);
  });

  it('matches the published multiplier-bootstrap SEs within 10% (theirs carry Monte-Carlo error of ~3% at 1000 draws)', () => {
    for (const [group, period, , se] of PUBLISHED) {
      if (se === undefined) continue;
      const cell = cells.find((row) => row.group === group && row.period === period) as CellRow;
      expect(Math.abs(cell.bootstrap_se - se) / se, `${group}/${period}`).toBeLessThan(0.1);
      expect(Math.abs(cell.standard_error - se) / se, `${group}/${period} analytic`).toBeLessThan(0.15);
    }
  });

  it('gives uniform bands wider than pointwise intervals, with a critical value between the pointwise and Bonferroni ones', () => {
    const critical = estimate.diagnostics.uniform_critical_value as number;
    expect(critical).toBeGreaterThan(1.96);
    expect(critical).toBeLessThan(3.04); // Bonferroni z for 12 cells at 5%
    for (const cell of cells) {
      expect(cell.band_upper - cell.band_lower).toBeGreaterThan(cell.ci_upper - cell.ci_lower);
    }
  });

  it('is deterministic: same seed, byte-identical details; another seed, other bootstrap draws', () => {
    const params = { ...mpdtaParams, bootstrap_replications: 500 };
    const first = estimateStaggeredDid(mpdta, params, context);
    const again = estimateStaggeredDid(mpdta, params, context);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    const other = estimateStaggeredDid(mpdta, params, { ...context, seed: 8 });
    expect(other.effect_estimate).toBe(first.effect_estimate);
    expect(other.diagnostics.uniform_critical_value).not.toBe(first.diagnostics.uniform_critical_value);
  });

  it('reports the simple aggregation as the headline with its analytic SE', () => {
    // did::aggte(type = "simple") on mpdta: −0.0400; dynamic −0.0772; group −0.0310.
    expect(estimate.effect_estimate).toBeCloseTo(-0.04, 4);
    expect(estimate.diagnostics.dynamic_att as number).toBeCloseTo(-0.0772, 4);
    expect(estimate.diagnostics.group_att as number).toBeCloseTo(-0.031, 4);
    expect(estimate.ci_lower).toBeLessThan(estimate.effect_estimate);
    expect(estimate.sample_size).toBe(500);
  });
});

/** Rows of a sub-panel: units of `cohorts` at periods `years`, with treated = (cohort === g), post = (year === t). */
function twoByTwo(
  table: Table,
  g: number,
  controls: (cohort: number) => boolean,
  t: number,
  b: number,
): Table {
  const year = table.columns.year as Float64Array;
  const cohort = table.columns['first.treat'] as Float64Array;
  const lemp = table.columns.lemp as Float64Array;
  const county = table.columns.countyreal as Float64Array;
  const rows = { unit: [] as number[], time: [] as number[], y: [] as number[], treated: [] as number[] };
  for (let i = 0; i < table.rowCount; i++) {
    const c = cohort[i] as number;
    if (!(c === g || controls(c)) || !(year[i] === t || year[i] === b)) continue;
    rows.unit.push(county[i] as number);
    rows.time.push(year[i] as number);
    rows.y.push(lemp[i] as number);
    rows.treated.push(c === g ? 1 : 0);
  }
  return createTable({
    unit: Float64Array.from(rows.unit),
    time: Float64Array.from(rows.time),
    y: Float64Array.from(rows.y),
    treated: Float64Array.from(rows.treated),
    post: Float64Array.from(rows.time, (value) => (value === t ? 1 : 0)),
  });
}

describe('did_staggered: each ATT(g,t) is the 2×2 DiD on the same cells', () => {
  for (const controlGroup of ['never_treated', 'not_yet_treated'] as const) {
    it(`matches the 2×2 regression of the difference_in_differences model to 1e-10 (${controlGroup})`, () => {
      const estimate = estimateStaggeredDid(
        mpdta,
        { ...mpdtaParams, control_group: controlGroup, bootstrap_replications: 0 },
        context,
      );
      const cells = cellsOf(estimate.details);
      expect(cells.length).toBe(12);
      for (const cell of cells) {
        const latest = Math.max(cell.period, cell.base_period);
        const controls = (c: number) =>
          c === 0 || (controlGroup === 'not_yet_treated' && c > latest && c !== cell.group);
        const sub = twoByTwo(mpdta, cell.group, controls, cell.period, cell.base_period);
        const twoByTwoFit = estimateDifferenceInDifferences(
          sub,
          DifferenceInDifferencesParamsSchema.parse({
            outcome: 'y',
            unit: 'unit',
            time: 'time',
            treated: 'treated',
            post: 'post',
            fixed_effects: 'group_time',
          }),
          context,
        );
        expect(
          Math.abs(cell.estimate - twoByTwoFit.effect_estimate),
          `${cell.group}/${cell.period}`,
        ).toBeLessThan(1e-10);
      }
    });
  }
});

describe('did_staggered: Goodman-Bacon decomposition', () => {
  it('has weights summing to 1 whose weighted 2×2 estimates equal the TWFE coefficient from OLS with dummies (mpdta)', () => {
    const panel = readStaggeredPanel(mpdta, mpdtaParams);
    const bacon = baconDecomposition(panel);
    const weightSum = bacon.terms.reduce((sum, term) => sum + term.weight, 0);
    const weighted = bacon.terms.reduce((sum, term) => sum + term.weight * term.estimate, 0);
    expect(Math.abs(weightSum - 1)).toBeLessThan(1e-12);
    // Independent TWFE: OLS of lemp on D + county and year dummies.
    const year = mpdta.columns.year as Float64Array;
    const cohort = mpdta.columns['first.treat'] as Float64Array;
    const withTreatment = createTable({
      ...mpdta.columns,
      D: Float64Array.from(year, (value, i) =>
        (cohort[i] as number) > 0 && value >= (cohort[i] as number) ? 1 : 0,
      ),
    });
    const formula = parseFormula('lemp ~ D + C(countyreal) + C(year)');
    const design = buildDesign(withTreatment, formula);
    const fit = fitOls({
      design: { n: mpdta.rowCount, p: design.names.length, columns: design.columns, names: design.names },
      y: mpdta.columns.lemp as Float64Array,
      covariance: { type: 'classical' },
    });
    const twfe = fit.coefficients[1] as number;
    expect(Math.abs(bacon.twfeEstimate - twfe)).toBeLessThan(1e-10);
    expect(Math.abs(weighted - twfe)).toBeLessThan(1e-12);
    expect(twfe).toBeCloseTo(-0.0365, 4); // TWFE on mpdta, as reported in the did package's documentation
  });

  it('holds with always-treated units too and puts weight on later-vs-earlier comparisons', () => {
    const table = syntheticPanel({ alwaysTreated: 3 });
    const bacon = baconDecomposition(readStaggeredPanel(table, synthParams));
    const weightSum = bacon.terms.reduce((sum, term) => sum + term.weight, 0);
    const weighted = bacon.terms.reduce((sum, term) => sum + term.weight * term.estimate, 0);
    expect(Math.abs(weightSum - 1)).toBeLessThan(1e-12);
    expect(Math.abs(weighted - bacon.twfeEstimate)).toBeLessThan(1e-12);
    expect(bacon.weightByComparison.later_vs_earlier_treated).toBeGreaterThan(0.05);
  });
});

const synthParams = StaggeredDidParamsSchema.parse({
  outcome: 'y',
  unit: 'unit',
  time: 'period',
  group: 'first',
  bootstrap_replications: 0,
});

/**
 * Noise-free staggered panel: y = unit effect + period effect + τ(g, e) with the effect growing with event time
 * e = t − g (τ = (1 + e)·g/2 for e ≥ 0), cohorts starting at periods 3, 5 and 7 of 10, plus never-treated units.
 */
function syntheticPanel(options: { alwaysTreated?: number; never?: number } = {}): Table {
  const cohorts = [3, 5, 7];
  const rows = { unit: [] as string[], period: [] as number[], y: [] as number[], first: [] as number[] };
  const addUnit = (id: string, first: number, unitEffect: number) => {
    for (let t = 1; t <= 10; t++) {
      const e = t - first;
      const effect = first > 0 && e >= 0 ? ((1 + e) * first) / 2 : 0;
      rows.unit.push(id);
      rows.period.push(t);
      rows.y.push(unitEffect + Math.sin(t) * 3 + 0.5 * t + effect);
      rows.first.push(first);
    }
  };
  let id = 0;
  for (const first of cohorts)
    for (let k = 0; k < 4 + first; k++) addUnit(`u${id++}`, first, Math.cos(id) * 5);
  for (let k = 0; k < (options.never ?? 6); k++) addUnit(`u${id++}`, 0, Math.cos(id) * 5);
  for (let k = 0; k < (options.alwaysTreated ?? 0); k++) addUnit(`u${id++}`, 1, Math.cos(id) * 5);
  return createTable({
    unit: rows.unit,
    period: Float64Array.from(rows.period),
    y: Float64Array.from(rows.y),
    first: Float64Array.from(rows.first),
  });
}

describe('did_staggered: ground truth on a noise-free panel with dynamic effects', () => {
  it('recovers every ATT(g,t) exactly, zero pre-treatment effects, and the closed-form aggregations; TWFE is biased', () => {
    for (const controlGroup of ['never_treated', 'not_yet_treated'] as const) {
      const estimate = estimateStaggeredDid(
        syntheticPanel(),
        { ...synthParams, control_group: controlGroup },
        context,
      );
      for (const cell of cellsOf(estimate.details)) {
        const e = cell.period - cell.group;
        const truth = e >= 0 ? ((1 + e) * cell.group) / 2 : 0;
        expect(Math.abs(cell.estimate - truth)).toBeLessThan(1e-10);
      }
      // Simple: share-weighted mean of τ over post cells; cohort sizes 7, 9, 11.
      let numerator = 0;
      let denominator = 0;
      for (const [g, size] of [
        [3, 7],
        [5, 9],
        [7, 11],
      ] as const) {
        for (let t = g; t <= 10; t++) {
          numerator += size * (((1 + t - g) * g) / 2);
          denominator += size;
        }
      }
      expect(Math.abs(estimate.effect_estimate - numerator / denominator)).toBeLessThan(1e-10);
      expect(
        Math.abs((estimate.diagnostics.twfe_estimate as number) - estimate.effect_estimate),
      ).toBeGreaterThan(0.5);
    }
  });

  it('works without never-treated units using not-yet-treated controls and refuses never-treated controls', () => {
    const table = syntheticPanel({ never: 0 });
    const estimate = estimateStaggeredDid(
      table,
      { ...synthParams, control_group: 'not_yet_treated' },
      context,
    );
    const cells = cellsOf(estimate.details);
    expect(cells.every((cell) => cell.period < 7)).toBe(true); // the last cohort has no control once treated
    expect((estimate.details.skipped_cells as unknown[]).length).toBeGreaterThan(0);
    expect(() => estimateStaggeredDid(table, synthParams, context)).toThrowError(/not_yet_treated/);
  });
});

describe('did_staggered: bad input', () => {
  it('refuses an unbalanced panel naming the counts', () => {
    const table = createTable({
      unit: ['a', 'a', 'b'],
      period: Float64Array.of(1, 2, 1),
      y: Float64Array.of(1, 2, 3),
      first: Float64Array.of(2, 2, 0),
    });
    expect(() => estimateStaggeredDid(table, synthParams, context)).toThrowError(
      /balanced panel: 2 units × 2 periods = 4 rows, found 3/,
    );
  });

  it('refuses a first-treated period that is not a period of the data, naming the row', () => {
    const table = createTable({
      unit: ['a', 'a', 'b', 'b'],
      period: Float64Array.of(1, 3, 1, 3),
      y: Float64Array.of(1, 2, 3, 4),
      first: Float64Array.of(2, 2, 0, 0),
    });
    try {
      estimateStaggeredDid(table, synthParams, context);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MeasureError);
      expect((error as MeasureError).code).toBe('MODEL_PARAMS_INVALID');
      expect((error as MeasureError).row).toBe(0);
      expect((error as MeasureError).message).toMatch(/row 0 has 2: expected 0\/empty/);
    }
  });

  it('refuses a cohort that changes within a unit and a missing group column', () => {
    const table = createTable({
      unit: ['a', 'a', 'b', 'b'],
      period: Float64Array.of(1, 2, 1, 2),
      y: Float64Array.of(1, 2, 3, 4),
      first: Float64Array.of(2, 0, 0, 0),
    });
    expect(() => estimateStaggeredDid(table, synthParams, context)).toThrowError(/changes within unit a/);
    expect(() => estimateStaggeredDid(table, { ...synthParams, group: 'cohort' }, context)).toThrowError(
      /group \(first treated period\) column "cohort" not found/,
    );
  });
});

describe('did_staggered: through evaluateImpact', () => {
  it('runs from a config naming the model and the mpdta file, with a valid MeasureResult', async () => {
    const { evaluateImpact } = await import('../../../src/evaluate');
    const { result, details } = await evaluateImpact({
      config: {
        initiative_id: 'min-wage',
        data: { source: 'file', path: '/work/shared/datasets/mpdta.csv' },
        model: {
          name: 'did_staggered',
          params: { ...mpdtaParams, aggregation: 'dynamic', bootstrap_replications: 100 },
        },
      },
    });
    expect(result.method).toBe('did_staggered');
    expect(result.model_type).toBe('quasi-experiment');
    expect(result.effect_estimate).toBeCloseTo(-0.0772, 4);
    expect(typeof result.diagnostics.pretrend_p_value).toBe('number');
    expect((details.dynamic as unknown[]).length).toBe(7);
  });

  it('is pointed to by the difference_in_differences refusal of unit-specific post periods', () => {
    const table = createTable({
      unit: ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c'],
      t: Float64Array.of(1, 2, 3, 1, 2, 3, 1, 2, 3),
      y: Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
      treated: Float64Array.of(1, 1, 1, 1, 1, 1, 0, 0, 0),
      post: Float64Array.of(0, 1, 1, 0, 0, 1, 0, 1, 1),
    });
    expect(() =>
      estimateDifferenceInDifferences(
        table,
        DifferenceInDifferencesParamsSchema.parse({
          outcome: 'y',
          unit: 'unit',
          time: 't',
          treated: 'treated',
          post: 'post',
        }),
        context,
      ),
    ).toThrowError(/did_staggered/);
  });
});

describe('did_staggered: ISO-date periods', () => {
  it('reads dates as periods and first-treated dates as cohorts, with empty for never treated', () => {
    const dates = ['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22'];
    const unit: string[] = [];
    const week: string[] = [];
    const first: string[] = [];
    const y: number[] = [];
    for (let u = 0; u < 12; u++) {
      const start = u < 4 ? '2024-01-15' : u < 8 ? '2024-01-22' : '';
      dates.forEach((date, t) => {
        unit.push(`u${u}`);
        week.push(date);
        first.push(start);
        const treated = start !== '' && date >= start;
        y.push(u + t * 0.5 + (treated ? 2 : 0));
      });
    }
    const table = createTable({ unit, week, first, y: Float64Array.from(y) });
    const estimate = estimateStaggeredDid(
      table,
      StaggeredDidParamsSchema.parse({
        outcome: 'y',
        unit: 'unit',
        time: 'week',
        group: 'first',
        bootstrap_replications: 0,
      }),
      context,
    );
    expect(estimate.effect_estimate).toBeCloseTo(2, 12);
    const cells = cellsOf(estimate.details);
    expect(cells.map((cell) => `${cell.group}/${cell.period}`)).toContain('2024-01-15/2024-01-22');
    expect((estimate.details.bacon_decomposition as { twfe_estimate: number }).twfe_estimate).toBeCloseTo(
      2,
      12,
    );
  });
});
