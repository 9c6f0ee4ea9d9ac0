import { ImpactError, type ImpactErrorOptions } from '@impact/contracts';

/** Stable codes an {@link AllocationError} can carry. */
export type AllocationErrorCode =
  | 'ALLOCATION_EMPTY_INPUT'
  | 'ALLOCATION_DUPLICATE_ID'
  | 'ALLOCATION_INVALID_COST'
  | 'ALLOCATION_INVALID_RETURN'
  | 'ALLOCATION_INVALID_CONFIDENCE'
  | 'ALLOCATION_SCENARIO_ORDER'
  | 'ALLOCATION_INVALID_REVIEW'
  | 'ALLOCATION_INVALID_OPTIONS'
  | 'ALLOCATION_UNKNOWN_ID'
  | 'ALLOCATION_INFEASIBLE'
  | 'ALLOCATION_UNKNOWN_RULE'
  | 'ALLOCATION_DUPLICATE_RULE'
  | 'ALLOCATION_INVALID_RULE'
  | 'ALLOCATION_UNKNOWN_SOLVER'
  | 'ALLOCATION_DUPLICATE_SOLVER'
  | 'ALLOCATION_SOLVER_MISSING'
  | 'ALLOCATION_SOLVER_FAILED'
  | 'ALLOCATION_TIME_LIMIT';

/** Which constraint made a problem infeasible (set on `ALLOCATION_INFEASIBLE`). */
export type InfeasibleConstraint =
  | 'budget'
  | 'max_selected'
  | 'min_confidence'
  | 'mandatory_excluded'
  | 'min_worst_case_return'
  | 'rule';

/** Details carried by an {@link AllocationError}. */
export interface AllocationErrorDetails extends ImpactErrorOptions {
  /** The option or review field concerned, e.g. `reviews[2].cost` or `mandatory`. */
  field?: string;
  /** The initiative concerned, when there is one. */
  initiativeId?: string;
  /** For `ALLOCATION_INFEASIBLE`: the constraint that cannot be met. */
  constraint?: InfeasibleConstraint;
}

/**
 * Allocation could not run or has no feasible portfolio. `code` says why (see {@link AllocationErrorCode});
 * for `ALLOCATION_INFEASIBLE`, `constraint` names the constraint that cannot be met and the message says by
 * how much. Nothing is ever selected silently when this is thrown.
 *
 * @example
 * ```ts
 * try { await allocate(reviews, { budget: 5, mandatory: ['A', 'B'] }) }
 * catch (e) { if (e instanceof AllocationError && e.code === 'ALLOCATION_INFEASIBLE') console.error(e.constraint) }
 * ```
 */
export class AllocationError extends ImpactError {
  /** The option or review field concerned. */
  readonly field: string | undefined;
  /** The initiative concerned. */
  readonly initiativeId: string | undefined;
  /** The infeasible constraint (`ALLOCATION_INFEASIBLE` only). */
  readonly constraint: InfeasibleConstraint | undefined;

  constructor(code: AllocationErrorCode, message: string, details: AllocationErrorDetails = {}) {
    super(code, message, details);
    this.field = details.field;
    this.initiativeId = details.initiativeId;
    this.constraint = details.constraint;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      field: this.field,
      initiativeId: this.initiativeId,
      constraint: this.constraint,
    };
  }
}
