import { readFileSync } from 'node:fs';
import { createTable, type Table } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors';
import { conditionalTwoByTwo } from '../../../src/models/staggered/conditional';
import { groupTimeEffects } from '../../../src/models/staggered/group-time';
import { estimateStaggeredDid, StaggeredDidParamsSchema } from '../../../src/models/staggered/model';
import { readStaggeredPanel } from '../../../src/models/staggered/panel';
import { FileSourceSpecSchema, loadTableFile } from '../../../src/sources/file';

const context = { ciLevel: 0.95, seed: 11 };
const mpdta = loadTableFile(FileSourceSpecSchema.parse({ path: '/work/shared/datasets/mpdta.csv' }), '/');
const mpdtaColumns = { outcome: 'lemp', unit: 'countyreal', time: 'year', group: 'first.treat' };

interface ReferenceCell {
  group: number;
  period: number;
  estimate: number;
  standard_error: number;
}
interface Reference {
  cells: ReferenceCell[];
  pretest_chi2: number;
  pretest_df: number;
  pretest_p_value: number;
  overlap_effective_share: number | null;
}
/** statsmodels OLS/Logit per 2×2 cell with the Sant'Anna–Zhao formulas (generate_staggered_covariates.py). */
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/staggered/staggered-covariates.json', import.meta.url), 'utf8'),
) as {
  mpdta: Record<string, Reference>;
  simulated: { rows: Record<string, (string | number)[]>; results: Record<string, Reference> };
};
const simulatedRows = fixture.simulated.rows;
const simulated = createTable({
  unit: simulatedRows.unit as string[],
  period: Float64Array.from(simulatedRows.period as number[]),
  first: Float64Array.from(simulatedRows.first as number[]),
  x1: Float64Array.from(simulatedRows.x1 as number[]),
  x2: Float64Array.from(simulatedRows.x2 as number[]),
  y: Float64Array.from(simulatedRows.y as number[]),
});

type CellRow = ReferenceCell & { bootstrap_se: number };
const cellsOf = (details: Record<string, unknown>) => details.group_time as CellRow[];

/**
 * `did::att_gt(yname = "lemp", tname = "year", idname = "countyreal", gname = "first.treat", xformla = ~lpop,
 * data = mpdta)` as printed in the `did` reference manual (est_method "dr"; SEs multiplier bootstrap, 1000 draws).
 */
const PUBLISHED_DR: Record<string, { cells: [number, number, number, number][]; pretest: number }> = {
  never_treated: {
    cells: [
      [2004, 2004, -0.0145, 0.0233],
      [2004, 2005, -0.0764, 0.0297],
      [2004, 2006, -0.1404, 0.0348],
      [2004, 2007, -0.1069, 0.034],
      [2006, 2004, -0.0005, 0.0236],
      [2006, 2005, -0.0062, 0.0184],
      [2006, 2006, 0.001, 0.0194],
      [2006, 2007, -0.0413, 0.0189],
      [2007, 2004, 0.0267, 0.0145],
      [2007, 2005, -0.0046, 0.0163],
      [2007, 2006, -0.0284, 0.0191],
      [2007, 2007, -0.0288, 0.0166],
    ],
    pretest: 0.23267,
  },
  not_yet_treated: {
    cells: [
      [2004, 2004, -0.0212, 0.0225],
      [2004, 2005, -0.0816, 0.0296],
      [2004, 2006, -0.1382, 0.0382],
      [2004, 2007, -0.1069, 0.0353],
      [2006, 2004, -0.0075, 0.0236],
      [2006, 2005, -0.0046, 0.0193],
      [2006, 2006, 0.0087, 0.0171],
      [2006, 2007, -0.0413, 0.0195],
      [2007, 2004, 0.0269, 0.0136],
      [2007, 2005, -0.0042, 0.0158],
      [2007, 2006, -0.0284, 0.0185],
      [2007, 2007, -0.0288, 0.0167],
    ],
    pretest: 0.23326,
  },
};

describe('did_staggered with covariates: mpdta, xformla = ~lpop (published did output)', () => {
  for (const controlGroup of ['never_treated', 'not_yet_treated'] as const) {
    const published = PUBLISHED_DR[controlGroup] as (typeof PUBLISHED_DR)[string];
    const estimate = estimateStaggeredDid(
      mpdta,
      StaggeredDidParamsSchema.parse({
        ...mpdtaColumns,
        covariates: ['lpop'],
        control_group: controlGroup,
        bootstrap_replications: 20_000,
      }),
      context,
    );
    const cells = cellsOf(estimate.details);

    it(`reproduces every published doubly robust ATT(g,t) to 4 decimals (${controlGroup})`, () => {
      expect(cells).toHaveLength(published.cells.length);
      for (const [group, period, att] of published.cells) {
        const cell = cells.find((row) => row.group === group && row.period === period) as CellRow;
        expect(Math.abs(cell.estimate - att), `${group}/${period}`).toBeLessThanOrEqual(5e-5);
      }
    });

    it(`reproduces the published pre-test p-value (${controlGroup}) and reports the method`, () => {
      expect(Math.abs((estimate.diagnostics.pretrend_p_value as number) - published.pretest)).toBeLessThan(
        5e-6,
      );
      expect(estimate.diagnostics.est_method).toBe('dr');
      expect(estimate.diagnostics.n_trimmed_controls).toBe(0);
      expect(estimate.details.estimator).toContain('conditional on lpop');
    });

    it(`matches the published multiplier-bootstrap SEs within 10% (${controlGroup})`, () => {
      for (const [group, period, , se] of published.cells) {
        const cell = cells.find((row) => row.group === group && row.period === period) as CellRow;
        expect(Math.abs(cell.bootstrap_se - se) / se, `${group}/${period}`).toBeLessThan(0.1);
      }
    });
  }
});

describe('did_staggered with covariates: agreement with the statsmodels reference', () => {
  const datasets: [
    name: string,
    table: Table,
    columns: object,
    covariates: string[],
    refs: Record<string, Reference>,
  ][] = [
    ['mpdta', mpdta, mpdtaColumns, ['lpop'], fixture.mpdta],
    [
      'simulated (x1 fixed, x2 time-varying)',
      simulated,
      { outcome: 'y', unit: 'unit', time: 'period', group: 'first' },
      ['x1', 'x2'],
      fixture.simulated.results,
    ],
  ];
  for (const [name, table, columns, covariates, refs] of datasets) {
    for (const [key, reference] of Object.entries(refs)) {
      const [controlGroup, method, basePeriod = 'varying'] = key.split('/') as [
        'never_treated',
        'dr',
        'varying' | 'universal' | undefined,
      ];
      it(`${name}, ${key}: estimates to 1e-9, analytic SEs to 1e-7 relative, pre-test to 1e-7`, () => {
        const estimate = estimateStaggeredDid(
          table,
          StaggeredDidParamsSchema.parse({
            ...columns,
            covariates,
            est_method: method,
            control_group: controlGroup,
            base_period: basePeriod,
            bootstrap_replications: 0,
          }),
          context,
        );
        const cells = cellsOf(estimate.details);
        expect(cells).toHaveLength(reference.cells.length);
        expect(cells.map((cell) => `${cell.group}/${cell.period}`)).toEqual(
          reference.cells.map((cell) => `${cell.group}/${cell.period}`),
        );
        for (const expected of reference.cells) {
          const cell = cells.find(
            (row) => row.group === expected.group && row.period === expected.period,
          ) as CellRow;
          expect(
            Math.abs(cell.estimate - expected.estimate),
            `${expected.group}/${expected.period}`,
          ).toBeLessThan(1e-9);
          expect(Math.abs(cell.standard_error / expected.standard_error - 1)).toBeLessThan(1e-7);
        }
        expect(estimate.diagnostics.pretrend_df).toBe(reference.pretest_df);
        expect(
          Math.abs((estimate.diagnostics.pretrend_chi2 as number) / reference.pretest_chi2 - 1),
        ).toBeLessThan(1e-7);
        expect(estimate.diagnostics.est_method).toBe(method);
        if (reference.overlap_effective_share === null)
          expect(estimate.diagnostics.overlap_effective_share).toBeUndefined();
        else
          expect(
            Math.abs(
              (estimate.diagnostics.overlap_effective_share as number) - reference.overlap_effective_share,
            ),
          ).toBeLessThan(1e-9);
      });
    }
  }
});

describe('did_staggered with covariates: reduces to the unconditional estimator', () => {
  const panel = readStaggeredPanel(mpdta, mpdtaColumns);
  for (const controlGroup of ['never_treated', 'not_yet_treated'] as const) {
    for (const basePeriod of ['varying', 'universal'] as const) {
      const unconditional = groupTimeEffects(panel, controlGroup, basePeriod);
      for (const method of ['dr', 'reg', 'ipw'] as const) {
        it(`an intercept-only ${method} design gives the same ATT(g,t) and influence functions (${controlGroup}, ${basePeriod})`, () => {
          const conditional = groupTimeEffects(panel, controlGroup, basePeriod, method);
          expect(unconditional.method).toBe('unconditional');
          expect(conditional.method).toBe(method);
          expect(conditional.cells).toHaveLength(unconditional.cells.length);
          conditional.cells.forEach((cell, k) => {
            const reference = unconditional.cells[k] as (typeof unconditional.cells)[number];
            expect(Math.abs(cell.estimate - reference.estimate)).toBeLessThan(1e-12);
            let worst = 0;
            for (let i = 0; i < cell.influence.length; i++)
              worst = Math.max(
                worst,
                Math.abs((cell.influence[i] as number) - (reference.influence[i] as number)),
              );
            expect(worst).toBeLessThan(1e-9);
          });
        });
      }
    }
  }
});

describe('did_staggered with covariates: the 2×2 estimators', () => {
  // Selection on x with an x-specific trend: the unconditional DiD is biased, all three conditional ones are not.
  const n = 4000;
  let state = 12345;
  const uniform = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state + 0.5) / 2 ** 31;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const x = Float64Array.from({ length: n }, () => normal());
  const treated = Uint8Array.from(x, (value) => (uniform() < 1 / (1 + Math.exp(-value)) ? 1 : 0));
  const deltaY = Float64Array.from(
    x,
    (value, i) => 0.5 + 1.5 * value + 2 * (treated[i] as number) + normal(),
  );
  const cell = { deltaY, treated, columns: [new Float64Array(n).fill(1), x], names: ['(Intercept)', 'x'] };
  it('recovers the effect under x-dependent trends that bias the unconditional DiD', () => {
    const intercept = conditionalTwoByTwo(
      { ...cell, columns: [cell.columns[0] as Float64Array], names: ['(Intercept)'] },
      'dr',
    );
    expect(intercept.estimate - 2).toBeGreaterThan(0.5);
    for (const method of ['dr', 'reg', 'ipw'] as const) {
      const fit = conditionalTwoByTwo(cell, method);
      let sum = 0;
      for (const value of fit.influence) sum += value * value;
      const se = Math.sqrt(sum) / n;
      expect(Math.abs(fit.estimate - 2), method).toBeLessThan(4 * se);
      expect(se).toBeLessThan(0.1);
    }
  });
});

describe('did_staggered with covariates: typed refusals', () => {
  const base = { ...mpdtaColumns, bootstrap_replications: 0 };
  it('names a missing covariate column', () => {
    expect(() =>
      estimateStaggeredDid(
        mpdta,
        StaggeredDidParamsSchema.parse({ ...base, covariates: ['lpopp'] }),
        context,
      ),
    ).toThrow(expect.objectContaining({ code: 'DATA_MISSING_COLUMN', column: 'lpopp' }));
  });

  it('names a text covariate column and the row', () => {
    const table = createTable({
      ...mpdta.columns,
      region: Array.from({ length: mpdta.rowCount }, (_, i) => (i % 2 === 0 ? 'north' : 'south')),
    });
    expect(() =>
      estimateStaggeredDid(
        table,
        StaggeredDidParamsSchema.parse({ ...base, covariates: ['region'] }),
        context,
      ),
    ).toThrow(expect.objectContaining({ code: 'DATA_NOT_NUMERIC', column: 'region' }));
  });

  it('names the group-time cell whose design is singular (a duplicated covariate)', () => {
    const table = createTable({
      ...mpdta.columns,
      lpop2: Float64Array.from(mpdta.columns.lpop as Float64Array, (v) => 2 * v),
    });
    let caught: unknown;
    try {
      estimateStaggeredDid(
        table,
        StaggeredDidParamsSchema.parse({ ...base, covariates: ['lpop', 'lpop2'] }),
        context,
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MeasureError);
    expect((caught as MeasureError).code).toBe('MODEL_SINGULAR_DESIGN');
    expect((caught as MeasureError).message).toMatch(
      /^ATT\(g = 2004, t = 2004\) with covariates lpop, lpop2: /,
    );
  });

  it('skips the cells of a cohort its covariate separates from the controls (overlap violated), dr and ipw', () => {
    const cohort = mpdta.columns['first.treat'] as Float64Array;
    const lpop = mpdta.columns.lpop as Float64Array;
    const table = createTable({
      ...mpdta.columns,
      shifted: Float64Array.from(lpop, (value, i) => value + (cohort[i] === 2004 ? 100 : 0)),
    });
    for (const method of ['dr', 'ipw'] as const) {
      const estimate = estimateStaggeredDid(
        table,
        StaggeredDidParamsSchema.parse({ ...base, covariates: ['shifted'], est_method: method }),
        context,
      );
      const skipped = estimate.details.skipped_cells as { group: number; reason: string }[];
      expect(skipped.map((cell) => `${cell.group}:${cell.reason}`)).toEqual(
        Array(4).fill('2004:overlap_violated'),
      );
      expect(cellsOf(estimate.details)).toHaveLength(8);
    }
    // the outcome regression needs no overlap in the propensity score: all 12 cells are estimated
    const reg = estimateStaggeredDid(
      table,
      StaggeredDidParamsSchema.parse({ ...base, covariates: ['shifted'], est_method: 'reg' }),
      context,
    );
    expect(cellsOf(reg.details)).toHaveLength(12);
  });

  it('skips a cell with no more treated units than design columns, with the reason', () => {
    // Keep 2 units of the 2004 cohort: with intercept + lpop (2 columns) its cells cannot be estimated.
    const cohort = mpdta.columns['first.treat'] as Float64Array;
    const county = mpdta.columns.countyreal as Float64Array;
    const keep2004 = [...new Set(Array.from(county).filter((_, i) => cohort[i] === 2004))].slice(0, 2);
    const rows = Array.from({ length: mpdta.rowCount }, (_, i) => i).filter(
      (i) => cohort[i] !== 2004 || keep2004.includes(county[i] as number),
    );
    const subset = createTable(
      Object.fromEntries(
        Object.entries(mpdta.columns).map(([name, values]) => [
          name,
          Float64Array.from(rows, (i) => (values as Float64Array)[i] as number),
        ]),
      ),
    );
    const estimate = estimateStaggeredDid(
      subset,
      StaggeredDidParamsSchema.parse({ ...base, covariates: ['lpop'] }),
      context,
    );
    const skipped = estimate.details.skipped_cells as { group: number; reason: string }[];
    expect(skipped).toHaveLength(4);
    expect(skipped.every((cell) => cell.group === 2004 && cell.reason === 'too_few_units')).toBe(true);
    expect(cellsOf(estimate.details)).toHaveLength(8);
    expect(estimate.diagnostics.n_skipped_cells).toBe(4);
  });
});
