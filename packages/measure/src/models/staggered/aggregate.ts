import type { GroupTimeEstimates } from './group-time';

/** An aggregated effect with its influence function (same scaling as the group-time cells). */
export interface AggregatedEffect {
  estimate: number;
  /** Analytic standard error √(Σψ²)/n. */
  standardError: number;
  influence: Float64Array;
}

/** An aggregated effect at one event time or cohort. */
export interface LabelledEffect extends AggregatedEffect {
  /** Event time e = t − g (dynamic) or cohort time index (group). */
  key: number;
}

/** The three aggregations of Callaway & Sant'Anna (2021, §3) plus the per-key effects behind them. */
export interface Aggregations {
  simple: AggregatedEffect;
  dynamic: AggregatedEffect;
  group: AggregatedEffect;
  byEventTime: LabelledEffect[];
  byCohort: LabelledEffect[];
}

function standardErrorOf(influence: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < influence.length; i++) sum += (influence[i] as number) ** 2;
  return Math.sqrt(sum) / influence.length;
}

/**
 * Weighted average Σ_k w_k·θ_k of estimates whose weights are cohort shares, w_k = p_k/Σ_j p_j, with the
 * influence function Σ_k w_k·ψ_k + Σ_k θ_k·ψ^w_k, where ψ^w_k = (1{G=g_k} − p_k)/Σp − p_k·Σ_j(1{G=g_j} − p_j)/(Σp)²
 * accounts for estimating the weights (as the `did` package's `wif`).
 */
function shareWeightedAverage(
  estimates: number[],
  influences: Float64Array[],
  cohortOfTerm: number[],
  shareOfCohort: Map<number, number>,
  cohortOfUnit: Int32Array,
): AggregatedEffect {
  const n = cohortOfUnit.length;
  const shares = cohortOfTerm.map((c) => shareOfCohort.get(c) as number);
  const total = shares.reduce((sum, p) => sum + p, 0);
  let estimate = 0;
  const influence = new Float64Array(n);
  for (let k = 0; k < estimates.length; k++) {
    const weight = (shares[k] as number) / total;
    estimate += weight * (estimates[k] as number);
    const psi = influences[k] as Float64Array;
    for (let i = 0; i < n; i++) influence[i] = (influence[i] as number) + weight * (psi[i] as number);
  }
  for (let i = 0; i < n; i++) {
    const cohort = cohortOfUnit[i] as number;
    let sumIndicator = 0;
    for (let k = 0; k < estimates.length; k++)
      sumIndicator += (cohort === cohortOfTerm[k] ? 1 : 0) - (shares[k] as number);
    let correction = 0;
    for (let k = 0; k < estimates.length; k++) {
      const share = shares[k] as number;
      const weightInfluence =
        ((cohort === cohortOfTerm[k] ? 1 : 0) - share) / total - (share * sumIndicator) / total ** 2;
      correction += (estimates[k] as number) * weightInfluence;
    }
    influence[i] = (influence[i] as number) + correction;
  }
  return { estimate, standardError: standardErrorOf(influence), influence };
}

function equalAverage(effects: AggregatedEffect[]): AggregatedEffect {
  const n = (effects[0] as AggregatedEffect).influence.length;
  const influence = new Float64Array(n);
  let estimate = 0;
  for (const effect of effects) {
    estimate += effect.estimate / effects.length;
    for (let i = 0; i < n; i++)
      influence[i] = (influence[i] as number) + (effect.influence[i] as number) / effects.length;
  }
  return { estimate, standardError: standardErrorOf(influence), influence };
}

/**
 * Aggregate group-time ATTs (Callaway & Sant'Anna 2021, eqs. 3.10–3.13, as `did::aggte`):
 * - simple: Σ ATT(g,t)·P(G=g) over post-treatment cells (t ≥ g), normalised;
 * - dynamic: θ(e) = Σ_g ATT(g, g+e)·P(G=g | g+e observed) per event time e, overall = mean of θ(e) over e ≥ 0;
 * - group: θ(g) = mean of ATT(g,t) over t ≥ g, overall = Σ_g θ(g)·P(G=g | treated).
 * P(G=g) is the cohort's share of all used units (never-treated included), estimated, so its influence is included.
 *
 * @example
 * ```ts
 * const { simple, byEventTime } = aggregateGroupTimeEffects(groupTimeEffects(panel, 'never_treated', 'varying'));
 * ```
 */
export function aggregateGroupTimeEffects(estimates: GroupTimeEstimates): Aggregations {
  const n = estimates.unitCount;
  const shareOfCohort = new Map<number, number>();
  estimates.cohorts.forEach((cohort, index) => {
    shareOfCohort.set(cohort, (estimates.cohortSizes[index] as number) / n);
  });
  const unitCohorts = estimates.cohortOfUsedUnit;
  const average = (cells: GroupTimeEstimates['cells']) =>
    shareWeightedAverage(
      cells.map((cell) => cell.estimate),
      cells.map((cell) => cell.influence),
      cells.map((cell) => cell.cohort),
      shareOfCohort,
      unitCohorts,
    );
  const post = estimates.cells.filter((cell) => cell.period >= cell.cohort);
  const simple = average(post);

  const eventTimes = [...new Set(estimates.cells.map((cell) => cell.period - cell.cohort))].sort(
    (a, b) => a - b,
  );
  const byEventTime = eventTimes.map((e) => ({
    key: e,
    ...average(estimates.cells.filter((cell) => cell.period - cell.cohort === e)),
  }));
  const dynamic = equalAverage(byEventTime.filter((effect) => effect.key >= 0));

  const treatedCohorts = estimates.cohorts.filter((g) => post.some((cell) => cell.cohort === g));
  const byCohort = treatedCohorts.map((g) => ({
    key: g,
    ...equalAverage(post.filter((cell) => cell.cohort === g)),
  }));
  const group = shareWeightedAverage(
    byCohort.map((effect) => effect.estimate),
    byCohort.map((effect) => effect.influence),
    treatedCohorts,
    shareOfCohort,
    unitCohorts,
  );
  return { simple, dynamic, group, byEventTime, byCohort };
}
