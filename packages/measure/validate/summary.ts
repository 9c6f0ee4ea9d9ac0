import type { ValidationRow } from './types';

/**
 * Summarize replications into a {@link ValidationRow}: bias of each estimate against its replication's
 * truth, with the SE of the mean bias from the replications' spread, and CI coverage of the truth.
 */
export function summarize(
  model: string,
  design: string,
  replications: { estimate: number; truth: number; ciLower: number; ciUpper: number }[],
): ValidationRow {
  const r = replications.length;
  const errors = replications.map((rep) => rep.estimate - rep.truth);
  const meanBias = errors.reduce((a, b) => a + b, 0) / r;
  const variance = errors.reduce((a, b) => a + (b - meanBias) ** 2, 0) / (r - 1);
  const covered = replications.filter((rep) => rep.ciLower <= rep.truth && rep.truth <= rep.ciUpper).length;
  return {
    model,
    design,
    replications: r,
    true_effect: replications.reduce((a, rep) => a + rep.truth, 0) / r,
    mean_estimate: replications.reduce((a, rep) => a + rep.estimate, 0) / r,
    mean_bias: meanBias,
    bias_se: Math.sqrt(variance / r),
    coverage: covered / r,
  };
}
