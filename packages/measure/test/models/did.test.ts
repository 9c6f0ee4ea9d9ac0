import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTable, type Table } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import {
  DifferenceInDifferencesParamsSchema,
  differenceInDifferencesModel,
  estimateDifferenceInDifferences,
} from '../../src/models/did';

const fixtures = join(__dirname, '..', 'fixtures', 'panel');
const context = { ciLevel: 0.95, seed: 1 };
const relative = (actual: number, expected: number) =>
  Math.abs(actual - expected) / Math.max(1, Math.abs(expected));

interface CardKrueger {
  n: number;
  n_clusters: number;
  did_of_means: number;
  did_of_means_se_unequal_variance: number;
  ols_estimate: number;
  ols_se_cluster: number;
  ols_p_cluster_t_gminus1: number;
  twfe_estimate: number;
  twfe_se_cluster: number;
}

/** Card & Krueger (1994) rows with a non-missing FTE (the unbalanced sample), as a Table. */
function loadCardKrueger(): Table {
  const lines = readFileSync('/work/shared/datasets/card-krueger.csv', 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',').map((name) => name.replaceAll('"', ''));
  const col = (name: string) => header.indexOf(name);
  const id: string[] = [];
  const nj: number[] = [];
  const wave: number[] = [];
  const fte: number[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    if (cells[col('fte')] === 'NA') continue;
    id.push(cells[col('id')] as string);
    nj.push(Number(cells[col('nj')]));
    wave.push(Number(cells[col('d')]));
    fte.push(Number(cells[col('fte')]));
  }
  return createTable({
    id,
    nj: Float64Array.from(nj),
    d: Float64Array.from(wave),
    fte: Float64Array.from(fte),
  });
}

const ckParams = { outcome: 'fte', unit: 'id', time: 'd', treated: 'nj', post: 'd' };

describe('difference_in_differences: Card & Krueger (1994)', () => {
  const golden = JSON.parse(readFileSync(join(fixtures, 'card-krueger.json'), 'utf8')) as CardKrueger;
  const table = loadCardKrueger();

  it('reproduces the 2×2 DiD of mean FTE (2.75) and the statsmodels cluster-robust SE to 1e-6', () => {
    const params = DifferenceInDifferencesParamsSchema.parse({ ...ckParams, fixed_effects: 'group_time' });
    const estimate = differenceInDifferencesModel.fit(table, params, context);
    expect(table.rowCount).toBe(golden.n);
    expect(relative(estimate.effect_estimate, golden.did_of_means)).toBeLessThan(1e-9);
    expect(relative(estimate.effect_estimate, golden.ols_estimate)).toBeLessThan(1e-9);
    expect(estimate.effect_estimate).toBeCloseTo(2.75, 2);
    expect(relative(estimate.standard_error, golden.ols_se_cluster)).toBeLessThan(1e-6);
    expect(relative(estimate.p_value, golden.ols_p_cluster_t_gminus1)).toBeLessThan(1e-6);
    expect(estimate.diagnostics.df).toBe(golden.n_clusters - 1);
    expect(estimate.diagnostics.n_treated).toBe(331);
    expect(estimate.diagnostics.n_control).toBe(79);
  });

  it('matches the statsmodels store + wave fixed-effects regression clustered by store to 1e-6', () => {
    const params = DifferenceInDifferencesParamsSchema.parse(ckParams);
    const estimate = differenceInDifferencesModel.fit(table, params, context);
    expect(relative(estimate.effect_estimate, golden.twfe_estimate)).toBeLessThan(1e-6);
    expect(relative(estimate.standard_error, golden.twfe_se_cluster)).toBeLessThan(1e-6);
    expect(estimate.diagnostics.pretrend_p_value).toBeUndefined(); // two periods: no leads to test
  });
});

interface PanelFixture {
  rows: { unit: string[]; time: number[]; treated: number[]; post: number[]; y: number[] };
  estimate: number;
  se_cluster: number;
  p_value: number;
  event_study: {
    terms: string[];
    estimates: number[];
    se_cluster: number[];
    pretrend_F: number;
    pretrend_p_value: number;
  };
}

describe('difference_in_differences: unbalanced panel against statsmodels dummies', () => {
  const golden = JSON.parse(readFileSync(join(fixtures, 'panel-twfe.json'), 'utf8')) as PanelFixture;
  const table = createTable({
    unit: golden.rows.unit,
    time: Float64Array.from(golden.rows.time),
    treated: Float64Array.from(golden.rows.treated),
    post: Float64Array.from(golden.rows.post),
    y: Float64Array.from(golden.rows.y),
  });
  const params = DifferenceInDifferencesParamsSchema.parse({
    outcome: 'y',
    unit: 'unit',
    time: 'time',
    treated: 'treated',
    post: 'post',
    pretrend_leads: 2,
    event_lags: 2,
  });
  const estimate = differenceInDifferencesModel.fit(table, params, context);

  it('matches the two-way fixed-effects coefficient, CR1 SE and p-value to 1e-6', () => {
    expect(relative(estimate.effect_estimate, golden.estimate)).toBeLessThan(1e-6);
    expect(relative(estimate.standard_error, golden.se_cluster)).toBeLessThan(1e-6);
    expect(relative(estimate.p_value, golden.p_value)).toBeLessThan(1e-6);
  });

  it('matches the event-study leads/lags and the joint pre-trend F test to 1e-6', () => {
    const terms = estimate.details.event_study as {
      label: string;
      estimate: number;
      standard_error: number;
    }[];
    expect(terms.map((term) => term.label)).toEqual(['lead_le_3', 'lead_2', 'lag_0', 'lag_ge_1']);
    terms.forEach((term, index) => {
      expect(relative(term.estimate, golden.event_study.estimates[index] as number)).toBeLessThan(1e-6);
      expect(relative(term.standard_error, golden.event_study.se_cluster[index] as number)).toBeLessThan(
        1e-6,
      );
    });
    expect(
      relative(estimate.diagnostics.pretrend_f_statistic as number, golden.event_study.pretrend_F),
    ).toBeLessThan(1e-6);
    expect(
      relative(estimate.diagnostics.pretrend_p_value as number, golden.event_study.pretrend_p_value),
    ).toBeLessThan(1e-6);
    expect((estimate.details.per_period_effects as unknown[]).length).toBe(2);
  });

  it('gives the same event study and headline from the structured fit as OLS on the materialised within design (1e-9)', () => {
    const general = estimateDifferenceInDifferences(table, params, context, { generalEventStudy: true });
    const structured = estimate.details.event_study as { estimate: number; standard_error: number }[];
    const materialised = general.details.event_study as { estimate: number; standard_error: number }[];
    expect(structured).toHaveLength(4);
    structured.forEach((term, index) => {
      expect(Math.abs(term.estimate - (materialised[index]?.estimate as number))).toBeLessThan(1e-9);
      expect(relative(term.standard_error, materialised[index]?.standard_error as number)).toBeLessThan(1e-9);
    });
    expect(
      relative(
        estimate.diagnostics.pretrend_p_value as number,
        general.diagnostics.pretrend_p_value as number,
      ),
    ).toBeLessThan(1e-9);
    // The headline under HC1 goes through fitOls on D̃; its coefficient must equal the structured CR1 one.
    const hc1 = differenceInDifferencesModel.fit(table, { ...params, covariance: 'HC1' }, context);
    expect(Math.abs(hc1.effect_estimate - estimate.effect_estimate)).toBeLessThan(1e-12);
    expect(estimate.diagnostics.within_iterations).toBe(1);
  });
});

describe('difference_in_differences: balanced-panel event study', () => {
  // Balanced panel: 30 units × 12 periods, treatment from period 7, deterministic hash noise (full rank).
  const noise = (u: number, t: number) => {
    const value = Math.sin(u * 12.9898 + t * 78.233) * 43758.5453;
    return (value - Math.floor(value) - 0.5) * 1.6;
  };
  const unit: string[] = [];
  const time: number[] = [];
  const treated: number[] = [];
  const post: number[] = [];
  const y: number[] = [];
  for (let u = 0; u < 30; u++) {
    for (let t = 0; t < 12; t++) {
      const isTreated = u % 3 === 0 ? 1 : 0;
      unit.push(`u${u}`);
      time.push(t);
      treated.push(isTreated);
      post.push(t >= 7 ? 1 : 0);
      y.push(u * 0.3 + Math.sin(t) + (isTreated && t >= 7 ? 2 + 0.1 * (t - 7) : 0) + noise(u, t));
    }
  }
  const table = createTable({
    unit,
    time: Float64Array.from(time),
    treated: Float64Array.from(treated),
    post: Float64Array.from(post),
    y: Float64Array.from(y),
  });
  const params = DifferenceInDifferencesParamsSchema.parse({
    outcome: 'y',
    unit: 'unit',
    time: 'time',
    pretrend_leads: 3,
    event_lags: 3,
  });

  it('gives the same coefficients, SEs and pre-trend test with the structured and the materialised design', () => {
    const fast = estimateDifferenceInDifferences(table, params, context);
    const general = estimateDifferenceInDifferences(table, params, context, { generalEventStudy: true });
    expect(fast.diagnostics.balanced_panel).toBe(true);
    const fastTerms = fast.details.event_study as { estimate: number; standard_error: number }[];
    const generalTerms = general.details.event_study as { estimate: number; standard_error: number }[];
    expect(fastTerms).toHaveLength(6);
    fastTerms.forEach((term, index) => {
      expect(term.estimate).toBeCloseTo(generalTerms[index]?.estimate as number, 10);
      expect(relative(term.standard_error, generalTerms[index]?.standard_error as number)).toBeLessThan(1e-9);
    });
    expect(
      relative(fast.diagnostics.pretrend_p_value as number, general.diagnostics.pretrend_p_value as number),
    ).toBeLessThan(1e-9);
    expect(fast.effect_estimate).toBe(general.effect_estimate);
  });

  it('recovers the lag profile 2, 2.1, mean(2.2…2.4) of a (nearly) noiseless treatment path', () => {
    const clean = createTable({
      ...table.columns,
      y: Float64Array.from(y, (value, i) => value - (1 - 1e-8) * noise(Math.floor(i / 12), i % 12)),
    });
    const estimate = estimateDifferenceInDifferences(clean, params, context);
    const lags = (estimate.details.per_period_effects as { label: string; estimate: number }[]).map(
      (term) => [term.label, Number(term.estimate.toFixed(6))],
    );
    expect(lags).toEqual([
      ['lag_0', 2],
      ['lag_1', 2.1],
      ['lag_ge_2', 2.3],
    ]);
    expect(estimate.diagnostics.pretrend_p_value).toBeDefined();
  });
});

describe('difference_in_differences: bad input', () => {
  const base = {
    unit: ['a', 'a', 'b', 'b'],
    time: Float64Array.of(0, 1, 0, 1),
    treated: Float64Array.of(1, 1, 0, 0),
    post: Float64Array.of(0, 1, 0, 1),
    y: Float64Array.of(1, 2, 3, 4),
  };
  const params = DifferenceInDifferencesParamsSchema.parse({
    outcome: 'y',
    unit: 'unit',
    time: 'time',
    treated: 'treated',
    post: 'post',
  });
  const fail = (columns: Record<string, unknown>) => {
    try {
      differenceInDifferencesModel.fit(createTable({ ...base, ...columns } as never), params, context);
    } catch (error) {
      expect(error).toBeInstanceOf(MeasureError);
      return error as MeasureError;
    }
    throw new Error('expected a MeasureError');
  };

  it('rejects a missing post-period with DATA_NO_POST_PERIOD naming the column', () => {
    const error = fail({ post: Float64Array.of(0, 0, 0, 0) });
    expect([error.code, error.column]).toEqual(['DATA_NO_POST_PERIOD', 'post']);
  });
  it('rejects a missing pre-period with DATA_NO_PRE_PERIOD', () => {
    expect(fail({ post: Float64Array.of(1, 1, 1, 1) }).code).toBe('DATA_NO_PRE_PERIOD');
  });
  it('rejects an empty control group with DATA_EMPTY_GROUP naming the treated column', () => {
    const error = fail({ treated: Float64Array.of(1, 1, 1, 1) });
    expect([error.code, error.column]).toEqual(['DATA_EMPTY_GROUP', 'treated']);
  });
  it('rejects NaN outcomes with DATA_NON_FINITE naming the column and row', () => {
    const error = fail({ y: Float64Array.of(1, Number.NaN, 3, 4) });
    expect([error.code, error.column, error.row]).toEqual(['DATA_NON_FINITE', 'y', 1]);
  });
  it('rejects a missing unit column with DATA_MISSING_COLUMN', () => {
    const { unit: _unit, ...rest } = base;
    expect(() => differenceInDifferencesModel.fit(createTable(rest), params, context)).toThrow(
      /unit column "unit" not found/,
    );
  });
  it('rejects staggered post indicators (not a function of time)', () => {
    expect(fail({ post: Float64Array.of(0, 1, 0, 0) }).code).toBe('MODEL_PARAMS_INVALID');
  });
  it('names the first row whose post value disagrees with its period, and the period', () => {
    const error = fail({ post: Float64Array.of(0, 1, 0, 0) });
    expect([error.column, error.row]).toEqual(['post', 3]);
    expect(error.message).toMatch(/row 3 at 1 has 0/);
    // Post switching back off: period 2 is 0 after period 1 was 1.
    const back = fail({
      unit: ['a', 'a', 'a', 'b', 'b', 'b'],
      time: Float64Array.of(0, 1, 2, 0, 1, 2),
      treated: Float64Array.of(1, 1, 1, 0, 0, 0),
      post: Float64Array.of(0, 1, 0, 0, 1, 0),
      y: Float64Array.of(1, 2, 3, 4, 5, 7),
    });
    expect([back.code, back.row]).toEqual(['MODEL_PARAMS_INVALID', 2]);
  });
  it('names the first row where the treatment group changes within a unit', () => {
    const error = fail({ treated: Float64Array.of(1, 1, 0, 1) });
    expect([error.code, error.column, error.row]).toEqual(['MODEL_PARAMS_INVALID', 'treated', 3]);
    expect(error.message).toMatch(/changes within unit b \(row 3\)/);
  });
  it('reports a timing error before a treatment-group error when both are present', () => {
    const error = fail({ treated: Float64Array.of(1, 1, 0, 1), post: Float64Array.of(0, 1, 0, 0) });
    expect([error.column, error.row]).toEqual(['post', 3]);
  });
  it('rejects unknown parameters', () => {
    expect(() => DifferenceInDifferencesParamsSchema.parse({ outcom: 'y' })).toThrow();
  });
});
