/**
 * One row of the ground-truth recovery table printed by `pnpm validate`: a model, a simulated design with
 * a known effect, and how its estimates behaved over the replications.
 */
export interface ValidationRow {
  /** Model name, e.g. `experiment`. */
  model: string;
  /** Short description of the simulated design. */
  design: string;
  replications: number;
  /** The known effect (per product-day, absolute units unless the design says otherwise). */
  true_effect: number;
  mean_estimate: number;
  /** mean_estimate − true_effect. */
  mean_bias: number;
  /** Standard error of the mean bias: sd(estimates)/√replications. */
  bias_se: number;
  /** Share of replications whose CI covered true_effect. */
  coverage: number;
  /**
   * `known_undercoverage` marks a row that documents a procedure known to under-cover (an old default shown for
   * before/after comparison, or a regime the review flags): printed, not gated.
   */
  expectation?: 'known_undercoverage';
  /** Why this row is printed but not gated (any known shortfall, in words). Rows without it or `expectation` are gated. */
  not_gated?: string;
}

/** A validation file: `validate/<model>.validate.ts` exporting `run`. */
export interface ValidationModule {
  run(): Promise<ValidationRow[]>;
}

/**
 * Whether a row passes: |mean bias| ≤ 2·bias SE and coverage in [0.92, 0.98]; rows with `expectation` or
 * `not_gated` always pass (they are shown, not gated).
 */
export function rowPasses(row: ValidationRow): boolean {
  if (isShownOnly(row)) return true;
  return Math.abs(row.mean_bias) <= 2 * row.bias_se && row.coverage >= 0.92 && row.coverage <= 0.98;
}

/** Whether a row is printed but not gated (`expectation` or `not_gated` set). */
export function isShownOnly(row: ValidationRow): boolean {
  return row.expectation !== undefined || row.not_gated !== undefined;
}
