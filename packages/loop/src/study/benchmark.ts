import type { Prediction } from '@impact/contracts';
import { MeasuredWorld, type PilotView } from './measured-world';
import { type DecisionPolicy, estimatedReturn, oraclePolicy } from './policies';
import { type DecisionWorldOptions, generateDecisionWorld } from './world';

/** What one policy did in one world. */
export interface PolicyOutcome {
  policy: string;
  /** Ids funded. */
  funded: string[];
  /** Σ (true return − cost) of the funded initiatives. */
  trueNetReturn: number;
  /** Σ cost of the funded initiatives. */
  spent: number;
  /** Funded initiatives whose true return is negative. */
  fundedNegativeTrue: number;
  /** Funded initiatives whose true return is below their cost. */
  fundedNegativeNet: number;
  /**
   * Σ over funded initiatives of (predicted − true return): what the policy promised minus what came.
   * The loop's prediction is its report's `predicted_return`; a baseline's is the pilot estimate.
   * Positive means over-promised (the optimizer's curse).
   */
  overPromise: number;
  /**
   * A loop policy's predictive distribution of each reviewed initiative's return, funded or not: its mean and
   * SD, and the central interval that became R_worst … R_best with its probability `level` (absent for
   * baselines, and in runs saved before it was recorded).
   */
  predictions?: Record<string, PredictionSummary>;
}

/** The parts of a predictive distribution the benchmark keeps (see {@link PolicyOutcome.predictions}). */
export interface PredictionSummary {
  mean: number;
  sd: number;
  lower: number;
  upper: number;
  /** Probability between `lower` and `upper` (e.g. 0.8 for the 10% and 90% quantiles). */
  level: number;
}

/** A prediction's mean, SD and outermost quantiles as the benchmark keeps them. */
function summarizePrediction(prediction: Prediction): PredictionSummary {
  const first = prediction.quantiles[0] as { p: number; value: number };
  const last = prediction.quantiles.at(-1) as { p: number; value: number };
  return {
    mean: prediction.mean,
    sd: prediction.sd,
    lower: first.value,
    upper: last.value,
    level: last.p - first.p,
  };
}

/** One world of the benchmark: its budget, the oracle's true net return and each policy's outcome. */
export interface WorldOutcome {
  seed: number;
  budget: number;
  initiatives: number;
  /** Initiatives whose pilot failed (no policy can fund them). */
  failedPilots: number;
  oracleNetReturn: number;
  outcomes: PolicyOutcome[];
  /** Each measured initiative: design, cost, pilot estimate valued as money, its SE, and the true return. */
  initiativeDetails: {
    id: string;
    design: string;
    methodology: string;
    cost: number;
    estimatedReturn: number;
    estimatedReturnSe: number;
    trueReturn: number;
    /** The pilot's numeric diagnostics (`MeasureResult.diagnostics`: balance, pre-fit, weights …), for what-ifs (absent in runs saved before it was recorded). */
    diagnostics?: Record<string, number>;
  }[];
}

/** Options of {@link runDecisionBenchmark}. */
export interface DecisionBenchmarkOptions {
  /** World seeds to run. */
  seeds: readonly number[];
  /** Policies compared (the oracle is always added if missing). */
  policies: readonly DecisionPolicy[];
  /** World generator settings. */
  world?: DecisionWorldOptions;
  /** Called after each world (progress). */
  onWorld?: (outcome: WorldOutcome) => void;
}

/** What scoring a funded set needs of one initiative: its cost, its true return and what was predicted. */
export interface ScoredInitiative {
  cost: number;
  trueReturn: number;
  predicted: number;
}

/**
 * Score a funded set: true net return, spend, funded initiatives that truly lose money and Σ (predicted −
 * true). Ids not in `initiatives` (failed pilots) are skipped.
 *
 * @example
 * ```ts
 * scoreFunded('mine', ['a'], new Map([['a', { cost: 10, trueReturn: 25, predicted: 30 }]])).trueNetReturn; // 15
 * ```
 */
export function scoreFunded(
  policy: string,
  funded: readonly string[],
  initiatives: ReadonlyMap<string, ScoredInitiative>,
): PolicyOutcome {
  let overPromise = 0;
  let trueNetReturn = 0;
  let spent = 0;
  let fundedNegativeTrue = 0;
  let fundedNegativeNet = 0;
  for (const id of funded) {
    const initiative = initiatives.get(id);
    if (initiative === undefined) continue;
    trueNetReturn += initiative.trueReturn - initiative.cost;
    spent += initiative.cost;
    if (initiative.trueReturn < 0) fundedNegativeTrue += 1;
    if (initiative.trueReturn < initiative.cost) fundedNegativeNet += 1;
    overPromise += initiative.predicted - initiative.trueReturn;
  }
  return {
    policy,
    funded: [...funded],
    trueNetReturn,
    spent,
    fundedNegativeTrue,
    fundedNegativeNet,
    overPromise,
  };
}

function outcomeOf(
  policy: string,
  funded: readonly string[],
  pilots: readonly PilotView[],
  predicted?: ReadonlyMap<string, number>,
): PolicyOutcome {
  return scoreFunded(
    policy,
    funded,
    new Map(
      pilots.map((pilot) => [
        pilot.id,
        {
          cost: pilot.cost,
          trueReturn: pilot.trueReturn,
          predicted: predicted?.get(pilot.id) ?? estimatedReturn(pilot),
        },
      ]),
    ),
  );
}

/**
 * Run every policy on one generated world: the loop policies through the real `runLoop` (pilots measured
 * once and shared), the baselines from the same pilot measurements, all scored on the true net return
 * (true return at scale − cost) of what they fund.
 *
 * @example
 * ```ts
 * const outcome = await runDecisionWorld(generateDecisionWorld(3), standardPolicies());
 * ```
 */
export async function runDecisionWorld(
  world: ReturnType<typeof generateDecisionWorld>,
  policies: readonly DecisionPolicy[],
): Promise<WorldOutcome> {
  const measured = new MeasuredWorld(world);
  try {
    const loopFunded = new Map<string, string[]>();
    const loopPredicted = new Map<string, Map<string, number>>();
    const loopPredictions = new Map<string, Record<string, PredictionSummary>>();
    for (const policy of policies) {
      if (policy.kind !== 'loop') continue;
      const { report, predictions } = await measured.runWithPredictions(policy);
      loopPredictions.set(
        policy.name,
        Object.fromEntries([...predictions].map(([id, prediction]) => [id, summarizePrediction(prediction)])),
      );
      loopFunded.set(
        policy.name,
        report.records.map((record) => record.initiative_id),
      );
      loopPredicted.set(
        policy.name,
        new Map(report.records.map((record) => [record.initiative_id, record.predicted_return])),
      );
    }
    if (loopFunded.size === 0) await measured.run({});
    const pilots = await measured.pilots();
    const budget = world.pipeline.budget;
    const all = policies.some((policy) => policy.name === oraclePolicy.name)
      ? policies
      : [...policies, oraclePolicy];
    const outcomes = all.map((policy) => {
      const outcome = outcomeOf(
        policy.name,
        policy.kind === 'loop'
          ? (loopFunded.get(policy.name) ?? [])
          : policy.choose(pilots, budget, world.seed),
        pilots,
        policy.name === oraclePolicy.name
          ? new Map(pilots.map((pilot) => [pilot.id, pilot.trueReturn]))
          : loopPredicted.get(policy.name),
      );
      const predictions = loopPredictions.get(policy.name);
      return predictions === undefined ? outcome : { ...outcome, predictions };
    });
    return {
      seed: world.seed,
      budget,
      initiatives: world.pipeline.initiatives.length,
      failedPilots: world.pipeline.initiatives.length - pilots.length,
      oracleNetReturn: outcomes.find((outcome) => outcome.policy === oraclePolicy.name)?.trueNetReturn ?? 0,
      outcomes,
      initiativeDetails: pilots.map((pilot) => ({
        id: pilot.id,
        design: world.truth[pilot.id]?.design ?? '',
        methodology: pilot.measurement.model_type,
        cost: pilot.cost,
        estimatedReturn: pilot.measurement.effect_estimate * pilot.multiplier,
        estimatedReturnSe: pilot.measurement.standard_error * pilot.multiplier,
        trueReturn: pilot.trueReturn,
        diagnostics: numericDiagnostics(pilot.measurement.diagnostics),
      })),
    };
  } finally {
    measured.dispose();
  }
}

/** The finite numeric entries of a measurement's diagnostics (flags, strings and nested values left out). */
function numericDiagnostics(diagnostics: Readonly<Record<string, unknown>>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(diagnostics).filter(
      (entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]),
    ),
  );
}

/**
 * The decision-quality benchmark: generate a world per seed ({@link generateDecisionWorld}), run every
 * policy on it ({@link runDecisionWorld}) and return the per-world outcomes; summarise them with
 * {@link summarizeBenchmark}.
 *
 * @example
 * ```ts
 * const worlds = await runDecisionBenchmark({ seeds: [1, 2, 3], policies: standardPolicies() });
 * console.log(benchmarkTableMarkdown(summarizeBenchmark(worlds, 'naive_ratio')));
 * ```
 */
export async function runDecisionBenchmark(options: DecisionBenchmarkOptions): Promise<WorldOutcome[]> {
  const results: WorldOutcome[] = [];
  for (const seed of options.seeds) {
    const outcome = await runDecisionWorld(generateDecisionWorld(seed, options.world), options.policies);
    options.onWorld?.(outcome);
    results.push(outcome);
  }
  return results;
}
