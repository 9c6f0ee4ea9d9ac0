import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ImpactError } from '../errors';

let temporaryCounter = 0;

/**
 * Write a file atomically: the content goes to a temporary file in the same folder, which is then renamed
 * over the target. Readers see the old file or the new one, never a partial write. Creates the folder.
 * Throws {@link ImpactError} (`IO_WRITE_FAILED`) naming the file.
 *
 * @example
 * ```ts
 * writeFileAtomic('results/result.json', JSON.stringify(result));
 * ```
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const folder = dirname(file);
  temporaryCounter += 1;
  const temporary = join(folder, `.${basename(file)}.${process.pid}.${temporaryCounter}.tmp`);
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    removeQuietly(temporary);
    throw new ImpactError('IO_WRITE_FAILED', `cannot write ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // The folder itself may be unusable (the reason the write failed); the original error is what matters.
  }
}
