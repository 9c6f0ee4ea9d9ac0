/**
 * Inference for a synthetic-control estimate from in-space placebos (ADH 2010 §4): each donor in turn treated
 * as if treated, the other donors as its pool. Gives the RMSPE-ratio rank p-value, the interval by inverting
 * that test over constant effects (Firpo & Possebom 2018) or its mean-gap fallback, and the standard error.
 */
import { MeasureError } from '../errors';
import { type DonorStack, fitStackColumn, rmspeRatio, type SyntheticFit } from './synthetic-control-fit';

/** One donor's placebo fit. */
export interface Placebo {
  unit: string | number;
  effect: number;
  preRmspe: number;
  ratio: number;
  gaps: Float64Array;
}

/** What the placebos say about the treated fit. */
export interface PlaceboInference {
  placebos: Placebo[];
  /** post/pre RMSPE ratio of the treated fit. */
  ratio: number;
  /** (1 + #{placebo ratio ≥ treated ratio}) / (J + 1). */
  rmspeRatioPValue: number;
  /** (1 + #{|placebo effect| ≥ |effect|}) / (J + 1). */
  meanGapPValue: number;
  /** The p-value of the test the interval inverts. */
  pValue: number;
  /** r_(m), the m-th largest placebo ratio. */
  threshold: number;
  /** Variance of the treated fit's post-period gaps. */
  spread: number;
  inversionEmpty: boolean;
  ciMethod: 'rmspe_ratio_inversion' | 'mean_gap_placebo_fallback';
  halfWidth: number;
  /** SD of the placebo effects. */
  placeboSd: number;
  /** SD of the placebo effects each over its pre-RMSPE, times the treated pre-RMSPE. */
  prefitScaledSd: number;
}

/** Sample standard deviation (n − 1; 0 for a single value). */
function standardDeviation(values: readonly number[]): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, values.length - 1),
  );
}

/**
 * Placebo inference for the treated fit `fit` of `stack` (donor columns 0…J−1) at level 1 − `alpha`;
 * `unitOf(a)` names donor column a. Throws `MODEL_SINGULAR_DESIGN` when a placebo reproduces its
 * pre-period exactly (the interval would be unbounded).
 */
export function placeboInference(
  stack: DonorStack,
  fit: SyntheticFit,
  alpha: number,
  unitOf: (a: number) => string | number,
): PlaceboInference {
  const donors = stack.size - 1;
  const rankUnits = donors + 1;
  const all = Array.from({ length: donors }, (_, a) => a);
  const placebos = all.map((a) => {
    const placebo = fitStackColumn(
      stack,
      a,
      all.filter((b) => b !== a),
    );
    return {
      unit: unitOf(a),
      effect: placebo.effect,
      preRmspe: placebo.preRmspe,
      ratio: rmspeRatio(placebo.postRmspe, placebo.preRmspe),
      gaps: placebo.gaps,
    };
  });
  const ratio = rmspeRatio(fit.postRmspe, fit.preRmspe);
  // p = (1 + #{placebo ratio ≥ treated ratio}) / (J + 1): ties counted against the treated unit (conservative).
  const rmspeRatioPValue = (1 + placebos.filter((placebo) => placebo.ratio >= ratio).length) / rankUnits;

  // Interval by test inversion over constant effects τ (Firpo & Possebom 2018): subtracting τ from the treated
  // post-period outcomes leaves its weights and the placebos unchanged and makes its ratio
  // R(τ) = √(mean((g_t − τ)²))/pre_rmspe = √((ḡ − τ)² + s²)/pre_rmspe, s² the post-gap variance. τ is kept when
  // p(τ) > α, i.e. R(τ) ≤ r_(m), the m-th largest placebo ratio with m the smallest integer > α(J+1) − 1:
  // τ ∈ ḡ ± √(r_(m)²·pre_rmspe² − s²).
  const postGaps: number[] = [];
  for (let t = 0; t < stack.periods; t++) if (stack.isPost[t] === 1) postGaps.push(fit.gaps[t] as number);
  const spread = postGaps.reduce((sum, gap) => sum + (gap - fit.effect) ** 2, 0) / postGaps.length;
  const sortedRatios = placebos.map((placebo) => placebo.ratio).sort((a, b) => b - a);
  const m = Math.floor(Math.round(alpha * rankUnits * 1e9) / 1e9 - 1) + 1;
  const threshold = sortedRatios[m - 1] as number;
  const radicand = threshold * threshold * fit.preRmspe * fit.preRmspe - spread;
  if (radicand === Number.POSITIVE_INFINITY || Number.isNaN(radicand)) {
    const exact = placebos.find((placebo) => placebo.ratio === Number.POSITIVE_INFINITY);
    throw new MeasureError(
      'MODEL_SINGULAR_DESIGN',
      `placebo unit ${exact?.unit ?? '?'} reproduces its pre-period exactly (pre-RMSPE 0), so the placebo interval is unbounded; use fewer donors than pre-periods (${stack.periods - postGaps.length}) or a longer pre-period`,
      { parameter: 'donors' },
    );
  }
  // Empty inversion set: even the best constant effect leaves the treated ratio R(τ) ≥ s/pre_rmspe above
  // r_(m), i.e. the test rejects the constant-effect model itself (post gaps vary more than the pre-period fit
  // allows: an averaged treated series fits its pre-period far better than it tracks after treatment, and a
  // multiplicative effect varies with the level). A zero-width interval would then pass for certainty, so both
  // the interval and the p-value fall back to the unstandardized placebo test of the mean post gap,
  // T(τ) = |ḡ − τ| against |ḡ_j|: τ is kept when 1 + #{|ḡ_j| ≥ |ḡ − τ|} > α(J+1), i.e. τ ∈ ḡ ± a_(m) with a_(m)
  // the m-th largest |placebo effect| (same m). Single donors are noisier than an average of treated units, so
  // this interval is conservative there (wide rather than falsely precise).
  const inversionEmpty = !(radicand > 0);
  const absolutePlaceboEffects = placebos.map((placebo) => Math.abs(placebo.effect)).sort((a, b) => b - a);
  const meanGapPValue =
    (1 + placebos.filter((placebo) => Math.abs(placebo.effect) >= Math.abs(fit.effect)).length) / rankUnits;
  const placeboSd = standardDeviation(placebos.map((placebo) => placebo.effect));
  // Placebo effects in units of their own pre-period fit, rescaled to the treated series' fit; donors that
  // reproduce their pre-period exactly carry no scale and are left out.
  const scaled = placebos.filter((placebo) => placebo.preRmspe > 0);
  return {
    placebos,
    ratio,
    rmspeRatioPValue,
    meanGapPValue,
    pValue: inversionEmpty ? meanGapPValue : rmspeRatioPValue,
    threshold,
    spread,
    inversionEmpty,
    ciMethod: inversionEmpty ? 'mean_gap_placebo_fallback' : 'rmspe_ratio_inversion',
    halfWidth: inversionEmpty ? (absolutePlaceboEffects[m - 1] as number) : Math.sqrt(radicand),
    placeboSd,
    prefitScaledSd:
      scaled.length >= 2
        ? fit.preRmspe * standardDeviation(scaled.map((placebo) => placebo.effect / placebo.preRmspe))
        : placeboSd,
  };
}
