import { describe, expect, it } from 'vitest';
import { DifferenceInDifferencesParamsSchema, differenceInDifferencesModel } from '../../../src/models/did';
import { ExperimentParamsSchema, experimentModel } from '../../../src/models/experiment';
import { pushdownDifferenceInDifferences } from '../../../src/models/pushdown/did';
import { pushdownExperiment } from '../../../src/models/pushdown/experiment';
import { PushdownUnsupported } from '../../../src/models/pushdown/unsupported';
import type { SqlEngine } from '../../../src/sql/engine';
import { buildSqlRelation } from '../../../src/sql/relation';
import { experimentTable, panelTable, relativeMismatches } from '../../sql/helpers';

/** The experiment data every engine is loaded with. */
export const experimentData = experimentTable(3000, 12);
const table = experimentData;
const context = { ciLevel: 0.95, seed: 0 };
const cases: Record<string, Record<string, unknown>> = {
  'difference in means, HC1': { outcome: 'revenue', treatment: 'treated' },
  'covariates, classical': { formula: 'revenue ~ treated + price + visits', covariance: 'classical' },
  'covariates, HC0': { formula: 'revenue ~ treated + price + visits', covariance: 'HC0' },
  'covariates and C() dummies, HC2': { formula: 'revenue ~ treated + price + C(region)', covariance: 'HC2' },
  'interaction with a dummy, HC3': {
    formula: 'revenue ~ treated + visits + C(region):price',
    covariance: 'HC3',
  },
  'CUPED, HC1, relative lift': {
    outcome: 'revenue',
    treatment: 'treated',
    pre_period_metric: 'pre_revenue',
    effect_unit: 'relative',
  },
  'clusters (CR1) with covariates': { formula: 'revenue ~ treated + price + C(region)', cluster: 'store' },
  'CUPED with clusters and SRM against 0.45': {
    outcome: 'revenue',
    treatment: 'treated',
    covariates: ['visits'],
    pre_period_metric: 'pre_revenue',
    cluster: 'store',
    expected_treated_share: 0.45,
  },
};

/** Pushdown = in-memory on every case, on the engine `engine()` (its table `tableName` holds {@link experimentData}). */
export function describeExperimentAgreement(
  label: string,
  engine: () => SqlEngine,
  tableName: string,
  skip = false,
) {
  describe.skipIf(skip)(`experiment pushdown on ${label}`, () => {
    for (const [name, raw] of Object.entries(cases)) {
      it(`equals the in-memory fit to 1e-9 relative: ${name}`, async () => {
        const params = ExperimentParamsSchema.parse(raw);
        const expected = experimentModel.fit(table, params, context);
        const relation = await buildSqlRelation(engine(), { table: tableName });
        const actual = await pushdownExperiment(relation, params, context);
        expect(relativeMismatches(actual, expected, 1e-9)).toEqual([]);
      });
    }
  });
}

/** The balanced panels every engine is loaded with: weekly ISO dates and numeric periods. */
export const panelData = panelTable(90, 10, 6, 21);
export const numericPanelData = panelTable(40, 2, 1, 8, false);
const panelBase = { outcome: 'y', unit: 'unit', time: 'time', treated: 'treated', post: 'post' };
const panelCases: Record<string, { table: string; params: Record<string, unknown> }> = {
  'TWFE with the default event study (ISO dates)': { table: 'panel', params: panelBase },
  'TWFE with binned leads and lags': {
    table: 'panel',
    params: { ...panelBase, pretrend_leads: 2, event_lags: 2 },
  },
  'TWFE without leads': { table: 'panel', params: { ...panelBase, pretrend_leads: 0, event_lags: 3 } },
  '2×2 on numeric periods': { table: 'panel_2x2', params: panelBase },
};

/** DiD pushdown = in-memory on balanced panels (tables `panel` and `panel_2x2` hold {@link panelData}, {@link numericPanelData}). */
export function describeDidAgreement(label: string, engine: () => SqlEngine, skip = false) {
  describe.skipIf(skip)(`difference-in-differences pushdown on ${label}`, () => {
    for (const [name, { table: tableName, params: raw }] of Object.entries(panelCases)) {
      it(`equals the in-memory fit to 1e-9 relative: ${name}`, async () => {
        const params = DifferenceInDifferencesParamsSchema.parse(raw);
        const data = tableName === 'panel' ? panelData : numericPanelData;
        const expected = differenceInDifferencesModel.fit(data, params, context);
        const relation = await buildSqlRelation(engine(), { table: tableName });
        const actual = await pushdownDifferenceInDifferences(relation, params, context);
        expect(relativeMismatches(actual, expected, 1e-9)).toEqual([]);
      });
    }
    it('refuses an unbalanced panel so the run fits it in memory', async () => {
      const relation = await buildSqlRelation(engine(), {
        query: "SELECT * FROM panel WHERE NOT (unit = 'u001' AND post = 1)",
      });
      const params = DifferenceInDifferencesParamsSchema.parse(panelBase);
      await expect(pushdownDifferenceInDifferences(relation, params, context)).rejects.toBeInstanceOf(
        PushdownUnsupported,
      );
    });
  });
}
