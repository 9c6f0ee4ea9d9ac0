import { MeasureError } from '../../errors';
import { ALWAYS_TREATED, NEVER_TREATED, type StaggeredPanel } from './panel';

/** Kind of a 2×2 comparison inside the two-way fixed-effects estimate. */
export type BaconComparison =
  /** A timing cohort against never-treated units: a clean comparison. */
  | 'treated_vs_never_treated'
  /** An earlier cohort against a later one before the later is treated: clean. */
  | 'earlier_vs_later_not_yet_treated'
  /** A later cohort against an earlier, already treated one: biased when effects change over time. */
  | 'later_vs_earlier_treated';

/** One 2×2 DiD of the Goodman-Bacon decomposition with its weight in the TWFE coefficient. */
export interface BaconTerm {
  comparison: BaconComparison;
  /** Label of the treated cohort's first period (or `always` for always-treated units). */
  treated: string;
  /** Label of the control: a cohort's first period, `never` or `always`. */
  control: string;
  estimate: number;
  weight: number;
}

/** The decomposition and the TWFE coefficient it reproduces. */
export interface BaconDecomposition {
  /** TWFE coefficient of D_it = 1{t ≥ G_i} on unit and period fixed effects (balanced panel). */
  twfeEstimate: number;
  terms: BaconTerm[];
  /** Total weight of each comparison kind. */
  weightByComparison: Record<BaconComparison, number>;
}

/**
 * Goodman-Bacon (2021, Theorem 1) decomposition of the two-way fixed-effects DiD coefficient on a balanced
 * staggered panel: β̂_TWFE = Σ s_kU·β̂_kU + Σ_{k<l} (s^k_kl·β̂^k_kl + s^l_kl·β̂^l_kl), with n_k the cohort shares,
 * D̄_k the share of periods cohort k is treated and V̂^D the variance of the two-way demeaned treatment:
 * s_kU = (n_k+n_U)²·n_kU(1−n_kU)·D̄_k(1−D̄_k)/V̂^D,
 * s^k_kl = ((n_k+n_l)(1−D̄_l))²·n_kl(1−n_kl)·(D̄_k−D̄_l)/(1−D̄_l)·(1−D̄_k)/(1−D̄_l)/V̂^D,
 * s^l_kl = ((n_k+n_l)D̄_k)²·n_kl(1−n_kl)·D̄_l/D̄_k·(D̄_k−D̄_l)/D̄_k/V̂^D.
 * The weights sum to one and the weighted sum equals the TWFE coefficient computed directly.
 *
 * @example
 * ```ts
 * const { twfeEstimate, weightByComparison } = baconDecomposition(panel);
 * ```
 */
export function baconDecomposition(panel: StaggeredPanel): BaconDecomposition {
  const T = panel.periodCount;
  const N = panel.unitCount;
  // Cohort start as a time index; never-treated units as start T (treated share 0).
  const startOfUnit = Int32Array.from(panel.cohortOfUnit, (c) =>
    c === NEVER_TREATED ? T : c === ALWAYS_TREATED ? 0 : c,
  );
  const starts = [...new Set(startOfUnit)].sort((a, b) => a - b);
  const twfeEstimate = twoWayFixedEffects(panel, startOfUnit);
  const { demeanedVariance } = twfeEstimate;
  if (!(demeanedVariance > 1e-14)) {
    throw new MeasureError(
      'MODEL_SINGULAR_DESIGN',
      'the treatment indicator has no variation after unit and period fixed effects (all units share one timing)',
      { parameter: 'group' },
    );
  }
  const size = new Map<number, number>();
  for (const s of startOfUnit) size.set(s, (size.get(s) ?? 0) + 1);
  // Mean outcome of a cohort over periods [from, to).
  const cohortMean = (start: number, from: number, to: number) => {
    let sum = 0;
    let count = 0;
    for (let u = 0; u < N; u++) {
      if (startOfUnit[u] !== start) continue;
      for (let t = from; t < to; t++) sum += panel.outcome[u * T + t] as number;
      count += to - from;
    }
    return sum / count;
  };
  const label = (start: number) =>
    start === T ? 'never' : start === 0 ? 'always' : String(panel.periods[start]);
  const share = (start: number) => (size.get(start) as number) / N;
  const treatedShare = (start: number) => (T - start) / T;
  const terms: BaconTerm[] = [];
  const timing = starts.filter((s) => s < T);
  if (size.has(T)) {
    const nU = share(T);
    for (const k of timing) {
      if (k === 0) continue; // always-treated vs never-treated: no within variation
      const nk = share(k);
      const nkU = nk / (nk + nU);
      const Dk = treatedShare(k);
      const weight = ((nk + nU) ** 2 * nkU * (1 - nkU) * Dk * (1 - Dk)) / demeanedVariance;
      const estimate =
        cohortMean(k, k, T) - cohortMean(k, 0, k) - (cohortMean(T, k, T) - cohortMean(T, 0, k));
      terms.push({
        comparison: 'treated_vs_never_treated',
        treated: label(k),
        control: 'never',
        estimate,
        weight,
      });
    }
  }
  for (let a = 0; a < timing.length; a++) {
    for (let b = a + 1; b < timing.length; b++) {
      const k = timing[a] as number;
      const l = timing[b] as number;
      const nk = share(k);
      const nl = share(l);
      const nkl = nk / (nk + nl);
      const Dk = treatedShare(k);
      const Dl = treatedShare(l);
      if (k > 0) {
        const weight =
          (((nk + nl) * (1 - Dl)) ** 2 * nkl * (1 - nkl) * ((Dk - Dl) / (1 - Dl)) * ((1 - Dk) / (1 - Dl))) /
          demeanedVariance;
        const estimate =
          cohortMean(k, k, l) - cohortMean(k, 0, k) - (cohortMean(l, k, l) - cohortMean(l, 0, k));
        terms.push({
          comparison: 'earlier_vs_later_not_yet_treated',
          treated: label(k),
          control: label(l),
          estimate,
          weight,
        });
      }
      const weight =
        (((nk + nl) * Dk) ** 2 * nkl * (1 - nkl) * (Dl / Dk) * ((Dk - Dl) / Dk)) / demeanedVariance;
      const estimate =
        cohortMean(l, l, T) - cohortMean(l, k, l) - (cohortMean(k, l, T) - cohortMean(k, k, l));
      terms.push({
        comparison: 'later_vs_earlier_treated',
        treated: label(l),
        control: label(k),
        estimate,
        weight,
      });
    }
  }
  const weightByComparison: Record<BaconComparison, number> = {
    treated_vs_never_treated: 0,
    earlier_vs_later_not_yet_treated: 0,
    later_vs_earlier_treated: 0,
  };
  for (const term of terms) weightByComparison[term.comparison] += term.weight;
  return { twfeEstimate: twfeEstimate.estimate, terms, weightByComparison };
}

/**
 * TWFE coefficient on a balanced panel by two-way demeaning: D̃_it = D_it − D̄_i − D̄_t + D̄,
 * β̂ = Σ D̃·Y / Σ D̃², and V̂^D = Σ D̃²/(NT).
 */
function twoWayFixedEffects(
  panel: StaggeredPanel,
  startOfUnit: Int32Array,
): { estimate: number; demeanedVariance: number } {
  const T = panel.periodCount;
  const N = panel.unitCount;
  const treatedAt = (u: number, t: number) => (t >= (startOfUnit[u] as number) ? 1 : 0);
  const unitMean = new Float64Array(N);
  const periodMean = new Float64Array(T);
  let grandMean = 0;
  for (let u = 0; u < N; u++) {
    for (let t = 0; t < T; t++) {
      const d = treatedAt(u, t);
      unitMean[u] = (unitMean[u] as number) + d / T;
      periodMean[t] = (periodMean[t] as number) + d / N;
      grandMean += d / (N * T);
    }
  }
  let cross = 0;
  let squares = 0;
  for (let u = 0; u < N; u++) {
    for (let t = 0; t < T; t++) {
      const demeaned = treatedAt(u, t) - (unitMean[u] as number) - (periodMean[t] as number) + grandMean;
      cross += demeaned * (panel.outcome[u * T + t] as number);
      squares += demeaned * demeaned;
    }
  }
  return { estimate: cross / squares, demeanedVariance: squares / (N * T) };
}
