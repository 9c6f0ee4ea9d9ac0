import { ImpactError, type ImpactErrorOptions } from '@impact/contracts';

/** Stable codes a {@link MeasureError} can carry. */
export type MeasureErrorCode =
  | 'DATA_MISSING_COLUMN'
  | 'DATA_NOT_NUMERIC'
  | 'DATA_NON_FINITE'
  | 'DATA_NOT_BINARY'
  | 'DATA_EMPTY_GROUP'
  | 'DATA_NO_PRE_PERIOD'
  | 'DATA_NO_POST_PERIOD'
  | 'DATA_TOO_FEW_DONORS'
  | 'DATA_TOO_FEW_ROWS'
  | 'DATA_ZERO_VARIANCE'
  | 'DATA_POOR_OVERLAP'
  | 'DATA_FILE_INVALID'
  | 'DATA_MISSING_VALUE'
  | 'DATA_DUPLICATE_COLUMN'
  | 'DATA_SOURCE_UNKNOWN'
  | 'DATA_SOURCE_UNAVAILABLE'
  | 'TRANSFORM_UNKNOWN'
  | 'MODEL_SINGULAR_DESIGN'
  | 'MODEL_PARAMS_INVALID'
  | 'MODEL_UNKNOWN'
  | 'MODEL_NO_CONVERGENCE'
  | 'MODEL_FORMULA_INVALID'
  | 'PLAN_UNREACHABLE'
  | 'REGISTRY_DUPLICATE'
  | 'STORAGE_UNKNOWN'
  | 'STORAGE_FAILED';

/** Details carried by a {@link MeasureError}. */
export interface MeasureErrorDetails extends ImpactErrorOptions {
  /** The data column the problem concerns, when there is one. */
  column?: string;
  /** The model/config parameter the problem concerns, when there is one. */
  parameter?: string;
  /** 0-based row (or 1-based file line, as the message says) of the offending value. */
  row?: number;
}

/**
 * Error raised by `@impact/measure`: bad input data, invalid model parameters, singular designs,
 * unknown adapters and storage failures. `code` is stable; `column`/`parameter` name the culprit.
 *
 * @example
 * ```ts
 * throw new MeasureError('DATA_MISSING_COLUMN', 'column "revenue" not found (available: units, price)', { column: 'revenue' });
 * ```
 */
export class MeasureError extends ImpactError {
  /** The data column concerned, if any. */
  readonly column: string | undefined;
  /** The parameter concerned, if any. */
  readonly parameter: string | undefined;
  /** The row concerned, if any. */
  readonly row: number | undefined;
  declare readonly code: MeasureErrorCode;

  constructor(code: MeasureErrorCode, message: string, details: MeasureErrorDetails = {}) {
    super(code, message, details);
    this.column = details.column;
    this.parameter = details.parameter;
    this.row = details.row;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), column: this.column, parameter: this.parameter, row: this.row };
  }
}
