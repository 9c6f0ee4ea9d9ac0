import type {
  AllocationResult,
  MeasureResult,
  OutcomeRecord,
  PilotEvidence,
  ReviewResult,
  Table,
} from '@impact/contracts';
import type { CalibrationTable } from '@impact/review';

/** `pilot` (the small experiment) or `scale` (the roll-out measured with a larger sample). */
export type LoopPhase = 'pilot' | 'scale';

/** True effects of one metric in a simulated world (per product-day, as the simulator reports them). */
export interface TrueMetricEffect {
  att_absolute: number;
  att_relative: number;
}

/** What the simulate stage is asked for: one simulated world of one initiative. */
export interface SimulateRequest {
  initiativeId: string;
  phase: LoopPhase;
  /** A complete simulate configuration (seed, products and treatment already resolved). */
  config: Record<string, unknown>;
}

/** What the simulate stage returns: the analysable table and, optionally, the ground truth. */
export interface SimulatedData {
  /** One row per product-day with product covariates, as the measure stage expects. */
  data: Table;
  /** True effects by metric name, when known. */
  truth?: Record<string, TrueMetricEffect>;
}

/** What the measure stage is asked for: one measurement of one initiative. */
export interface MeasureRequest {
  initiativeId: string;
  phase: LoopPhase;
  /** A measure run configuration (`initiative_id` and `seed` filled in, relative data paths resolved). */
  config: Record<string, unknown>;
  /** Data from the simulate stage; replaces the config's `data:`. */
  data?: Table;
  /** Folder for this measurement's artifacts (distinct for pilot and scale). */
  artifactDir: string;
}

/** What the measure stage returns. */
export interface MeasureOutcome {
  /** The validated Measure → Review contract. */
  result: MeasureResult;
  /** Where the measurement's artifacts were written. */
  artifactUri?: string;
}

/** What the review stage is asked for. */
export interface ReviewRequest {
  measurement: MeasureResult;
  /** Cost to scale, in the budget's currency. */
  cost: number;
  /** How the effect becomes money: `return = effect × value_per_unit × units`. */
  valuation: { value_per_unit: number; units: number; currency?: string; label?: string };
}

/** One reviewed initiative as the decide stage sees it. */
export interface DecideItem {
  review: ReviewResult;
  /** The pilot measurement the review scored. */
  measurement: MeasureResult;
  valuation: { value_per_unit: number; units: number };
}

/** What the decide stage is given besides the items. */
export interface DecideRequest {
  /** The cycle's calibration table, when calibration is enabled. */
  calibration?: CalibrationTable;
  /** Every pilot of earlier cycles (the history's `evidence`), for decision models that pool it. */
  history?: readonly PilotEvidence[];
  /** Every scale outcome of earlier cycles (the history's records), for decision models that learn from them. */
  outcomes?: readonly OutcomeRecord[];
}

/** What the allocate stage is given besides the reviews. */
export interface AllocateRequest {
  budget: number;
  /** The pipeline's `allocate:` section (snake_case; without `budget`). */
  config: Record<string, unknown>;
}

/**
 * The stages the loop composes, typed only on `@impact/contracts` types so that any implementation can
 * be swapped in. `createDefaultStages` wires the real packages; pass your own to `runLoop({ stages })`.
 *
 * @example
 * ```ts
 * const stages: LoopStages = { ...createDefaultStages(config), review: async (request) => myReview(request) };
 * ```
 */
export interface LoopStages {
  /** Produce the data of a simulated pilot or scale run (only called for initiatives with a `simulation`). */
  simulate(request: SimulateRequest): Promise<SimulatedData> | SimulatedData;
  /** Measure one initiative's effect. */
  measure(request: MeasureRequest): Promise<MeasureOutcome>;
  /** Score one pilot measurement. */
  review(request: ReviewRequest): Promise<ReviewResult>;
  /**
   * Turn the cycle's reviews into allocation-ready scenarios with a decision model, seeing the whole
   * portfolio at once (empirical-Bayes pooling). Returns one review per item, in order. Optional: without
   * it the reviews go to `allocate` as they are.
   */
  decide?(items: readonly DecideItem[], request: DecideRequest): Promise<ReviewResult[]> | ReviewResult[];
  /** Choose the portfolio under the budget. */
  allocate(reviews: readonly ReviewResult[], request: AllocateRequest): Promise<AllocationResult>;
}
