import { ImpactError, type ImpactErrorOptions } from '../errors';

/** Codes an {@link IoError} can carry. */
export type IoErrorCode =
  /** A file or folder could not be written (disk full, read-only, permissions, not a folder…). */
  | 'IO_WRITE_FAILED'
  /** A committed folder's manifest is missing, unreadable, or does not match the files beside it. */
  | 'IO_FOLDER_INCOMPLETE';

/** Details carried by an {@link IoError}. */
export interface IoErrorDetails extends ImpactErrorOptions {
  /** The file or folder concerned. */
  file?: string;
  /** The operating system's error code (`ENOSPC`, `EACCES`, `EROFS`…), when the system reported one. */
  systemCode?: string;
}

/**
 * A storage failure: the machine, not the data, is at fault (`IO_WRITE_FAILED`), or a committed folder
 * is not whole (`IO_FOLDER_INCOMPLETE`). Carries the file and the system's code (`ENOSPC` for a full disk).
 *
 * @example
 * ```ts
 * try { writeFileAtomic('results/run.json', text) }
 * catch (error) { if (error instanceof IoError && error.systemCode === 'ENOSPC') console.error('disk full') }
 * ```
 */
export class IoError extends ImpactError {
  /** The file or folder concerned. */
  readonly file: string | undefined;
  /** The operating system's error code, when there is one. */
  readonly systemCode: string | undefined;
  declare readonly code: IoErrorCode;

  constructor(code: IoErrorCode, message: string, details: IoErrorDetails = {}) {
    super(code, message, details.cause === undefined ? {} : { cause: details.cause });
    this.file = details.file;
    this.systemCode = details.systemCode;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.systemCode === undefined ? {} : { system_code: this.systemCode }),
    };
  }
}

/** The system error code (`ENOSPC`, …) of a Node error, if it has one. */
export function systemCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** A write failure as an {@link IoError} naming the file, with a plain-words hint for a full disk. */
export function writeFailure(file: string, error: unknown): IoError {
  const systemCode = systemCodeOf(error);
  const hint = systemCode === 'ENOSPC' || systemCode === 'EDQUOT' ? ' (no space left on the device)' : '';
  const reason = error instanceof Error ? error.message : String(error);
  return new IoError('IO_WRITE_FAILED', `cannot write ${file}${hint}: ${reason}`, {
    cause: error,
    file,
    ...(systemCode === undefined ? {} : { systemCode }),
  });
}
