/**
 * Covariate-distance matching with and without overlap (issue 13): 60 treated and 214 controls, x1, x2
 * standard normal with the treated shifted by (s, s/2) SD, y = 1·D + 3·x1 + x2 + ε, so the ATT is 1.
 * - s = 3 (no overlap): with `on_poor_match: flag` the estimate is the covariate gap and its interval rarely
 *   covers 1 (shown, not gated); by default most replications are refused with DATA_POOR_OVERLAP (post-match
 *   |SMD| > 0.5; the run fails if fewer than 80% are); the rest have |SMD| ≤ 0.5, which review's balance rule
 *   flags above 0.1 (IMBALANCED_COVARIATES) and scores 0 from 0.25 (shown, not gated).
 * Without overlap the default (no bias correction) is shown; with an exactly linear outcome the regression
 * bias correction would extrapolate correctly, which real outcomes do not promise.
 * - s = 0.5 (overlap, bias-corrected): never refused (the run fails if one is) and covers (gated).
 * Run alone: npx tsx --conditions=@impact/source packages/measure/validate/matching-overlap.validate.ts
 */
import { createTable } from '@impact/contracts';
import { MeasureError } from '../src/errors';
import {
  NearestNeighbourMatchingParamsSchema,
  nearestNeighbourMatchingModel,
} from '../src/models/observational/matching';
import { createNormal } from './dgp';
import type { ValidationRow } from './types';

const REPLICATIONS = 200;
const TRUE_EFFECT = 1;

function simulate(shift: number, replication: number) {
  const normal = createNormal(110_000 + replication);
  const t = Float64Array.from({ length: 274 }, (_, i) => (i < 60 ? 1 : 0));
  const x1 = t.map((d) => normal() + shift * d);
  const x2 = t.map((d) => normal() + (shift / 2) * d);
  const y = t.map((d, i) => TRUE_EFFECT * d + 3 * (x1[i] as number) + (x2[i] as number) + normal());
  return createTable({ x1, x2, t, y });
}

function replicate(shift: number, extra: Record<string, unknown>, minRefused: number, maxRefused: number) {
  const params = NearestNeighbourMatchingParamsSchema.parse({
    outcome: 'y',
    treatment: 't',
    covariates: ['x1', 'x2'],
    distance: 'mahalanobis',
    ...extra,
  });
  const errors: number[] = [];
  let covered = 0;
  let refused = 0;
  for (let replication = 0; replication < REPLICATIONS; replication++) {
    try {
      const estimate = nearestNeighbourMatchingModel.fit(simulate(shift, replication), params, {
        ciLevel: 0.95,
        seed: replication,
      });
      errors.push(estimate.effect_estimate - TRUE_EFFECT);
      if (estimate.ci_lower <= TRUE_EFFECT && TRUE_EFFECT <= estimate.ci_upper) covered++;
    } catch (error) {
      if (!(error instanceof MeasureError && error.code === 'DATA_POOR_OVERLAP')) throw error;
      refused++;
    }
  }
  if (refused < minRefused || refused > maxRefused) {
    throw new Error(
      `shift ${shift}: ${refused} of ${REPLICATIONS} replications refused, expected ${minRefused} to ${maxRefused}`,
    );
  }
  return { errors, covered, refused };
}

function row(shift: number, label: string, outcome: ReturnType<typeof replicate>, notGated?: string) {
  const { errors, covered } = outcome;
  const meanError = errors.reduce((sum, value) => sum + value, 0) / errors.length;
  const sd = Math.sqrt(
    errors.reduce((sum, value) => sum + (value - meanError) ** 2, 0) / (errors.length - 1),
  );
  return {
    model: 'nearest_neighbour_matching',
    design: `Mahalanobis 1:1, treated shifted ${shift} SD; ${label}`,
    replications: errors.length,
    true_effect: TRUE_EFFECT,
    mean_estimate: TRUE_EFFECT + meanError,
    mean_bias: meanError,
    bias_se: sd / Math.sqrt(errors.length),
    coverage: covered / errors.length,
    ...(notGated === undefined ? {} : { not_gated: notGated }),
  } satisfies ValidationRow;
}

/** Poor overlap with the gate off (shown), the gate on (all refused), and overlap (gated). */
export async function run(): Promise<ValidationRow[]> {
  const flagged = replicate(3, { on_poor_match: 'flag' }, 0, 0);
  const gated = replicate(3, {}, 0.8 * REPLICATIONS, REPLICATIONS);
  const overlap = replicate(0.5, { bias_correction: true }, 0, 0);
  const rows = [row(3, 'on_poor_match: flag', flagged, 'no overlap, gate off: shows what the gate prevents')];
  if (gated.errors.length > 1) {
    rows.push(
      row(
        3,
        `default: ${gated.refused} of ${REPLICATIONS} refused (DATA_POOR_OVERLAP), the rest shown`,
        gated,
        'accepted no-overlap fits are left to review’s balance rule (IMBALANCED_COVARIATES)',
      ),
    );
  }
  rows.push(row(0.5, 'bias_correction, otherwise default (none refused)', overlap));
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`));
}
