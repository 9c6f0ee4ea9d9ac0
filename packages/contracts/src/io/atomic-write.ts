import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFailure } from './io-error';

/** Exclusive create, never through a symbolic link: a pre-planted file or link at the name makes it fail. */
const EXCLUSIVE_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** A fresh name beside `file` that nobody can predict: `.<file>.<16 hex>.tmp`. */
export function temporaryNameFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
}

/**
 * Write a file atomically: the content goes to a new temporary file in the same folder (random name,
 * created exclusively, never through a symbolic link), is flushed to disk, and is then renamed over the
 * target. Readers see the old file or the new one, never a partial write; a symbolic link at the target is
 * replaced by the file, never followed. Creates the folder. On failure the temporary file is removed and
 * an {@link IoError} (`IO_WRITE_FAILED`, with `systemCode` such as `ENOSPC`) names the file.
 *
 * @example
 * ```ts
 * writeFileAtomic('results/result.json', JSON.stringify(result));
 * ```
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const temporary = temporaryNameFor(file);
  let created = false;
  try {
    // JavaScript callers can pass anything; a number would otherwise become an empty file.
    if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
      throw new TypeError(`expected a string or bytes to write, got ${typeof content}`);
    }
    mkdirSync(dirname(file), { recursive: true });
    const fd = openSync(temporary, EXCLUSIVE_FLAGS, 0o644);
    created = true;
    try {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      let offset = 0;
      while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (isDirectory(file)) throw new Error('a folder is in the way');
    renameSync(temporary, file);
    created = false;
  } catch (error) {
    if (created) removeQuietly(temporary);
    throw writeFailure(file, error);
  }
}

function isDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Remove a file or folder, ignoring failures (the folder itself may be the reason an operation failed). */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // The original error is what matters.
  }
}
