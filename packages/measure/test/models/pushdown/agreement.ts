import { describe, expect, it } from 'vitest';
import { ExperimentParamsSchema, experimentModel } from '../../../src/models/experiment';
import { pushdownExperiment } from '../../../src/models/pushdown/experiment';
import type { SqlEngine } from '../../../src/sql/engine';
import { buildSqlRelation } from '../../../src/sql/relation';
import { experimentTable, relativeMismatches } from '../../sql/helpers';

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
