import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateImpact } from '../../../src/evaluate';
import { defineModel, type ModelAdapter } from '../../../src/models/model';
import { ipwModel } from '../../../src/models/observational/ipw';
import { nearestNeighbourMatchingModel } from '../../../src/models/observational/matching';
import { regressionAdjustmentModel } from '../../../src/models/observational/regression-adjustment';
import { subclassificationModel } from '../../../src/models/observational/subclassification';
import { registerModel } from '../../../src/registry';
import { createMemoryStorage } from '../../../src/storage/memory';
import { LALONDE_COVARIATES } from './helpers';

const lalondePath = fileURLToPath(new URL('../../fixtures/lalonde.csv', import.meta.url));

// Registered under test-only names so this keeps working once the built-in list includes the real names.
// biome-ignore lint/suspicious/noExplicitAny: adapters of different parameter types share one list
const adapters: ModelAdapter<any>[] = [
  regressionAdjustmentModel,
  nearestNeighbourMatchingModel,
  subclassificationModel,
  ipwModel,
];
for (const adapter of adapters) registerModel(defineModel({ ...adapter, name: `test_obs_${adapter.name}` }));

describe('observational models through evaluateImpact (contract-valid MeasureResult)', () => {
  for (const adapter of adapters) {
    it(`${adapter.name} yields a validated observational MeasureResult with balance diagnostics`, async () => {
      const { result, details } = await evaluateImpact({
        config: {
          initiative_id: 'nsw-observational',
          data: { source: 'file', path: lalondePath, types: { treat: 'binary' } },
          transforms: [],
          model: {
            name: `test_obs_${adapter.name}`,
            params: {
              outcome: 're78',
              treatment: 'treat',
              covariates: ['age', 'educ', 'married', 'nodegree', 're74', 're75'],
              categorical: ['race'],
            },
          },
        },
        storage: createMemoryStorage(),
      });
      expect(result.model_type).toBe('observational');
      expect(result.ci_lower).toBeLessThan(result.effect_estimate);
      expect(result.ci_upper).toBeGreaterThan(result.effect_estimate);
      expect(result.diagnostics.max_abs_smd_before as number).toBeGreaterThan(1);
      expect(Array.isArray(details.balance)).toBe(true);
      expect((details.balance as unknown[]).length).toBe(LALONDE_COVARIATES.length);
    });
  }
});
