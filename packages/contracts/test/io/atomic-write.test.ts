import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IoError, writeFileAtomic } from '../../src/index';
import { temporaryNameFor } from '../../src/io/atomic-write';

const fresh = () => mkdtempSync(join(tmpdir(), 'impact-atomic-'));

describe('writeFileAtomic safety', () => {
  it('names temporary files unpredictably, beside the target', () => {
    const a = temporaryNameFor('/x/result.json');
    const b = temporaryNameFor('/x/result.json');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\/x\/\.result\.json\.[0-9a-f]{16}\.tmp$/);
  });

  it('replaces a planted symbolic link with the file and never writes through it', () => {
    const folder = fresh();
    const outside = join(fresh(), 'precious.txt');
    writeFileSync(outside, 'keep me');
    symlinkSync(outside, join(folder, 'outcome.json'));
    writeFileAtomic(join(folder, 'outcome.json'), 'new');
    expect(readFileSync(outside, 'utf8')).toBe('keep me');
    expect(lstatSync(join(folder, 'outcome.json')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(folder, 'outcome.json'), 'utf8')).toBe('new');
  });

  it('refuses to replace a folder, with IO_WRITE_FAILED naming the file, and leaves no temporary file', () => {
    const folder = fresh();
    mkdirSync(join(folder, 'run.json'));
    let caught: unknown;
    try {
      writeFileAtomic(join(folder, 'run.json'), 'x');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IoError);
    expect((caught as IoError).code).toBe('IO_WRITE_FAILED');
    expect((caught as IoError).file).toBe(join(folder, 'run.json'));
    expect(readdirSync(folder)).toEqual(['run.json']);
  });

  it('reports the system code of a failure (permission denied on a read-only folder)', () => {
    if (process.getuid?.() === 0) return; // root ignores folder permissions; the tmpfs test covers ENOSPC
    const folder = fresh();
    const locked = join(folder, 'locked');
    mkdirSync(locked, { mode: 0o500 });
    expect(() => writeFileAtomic(join(locked, 'a.json'), 'x')).toThrowError(/cannot write/);
  });

  it('writes bytes exactly', () => {
    const folder = fresh();
    const bytes = new Uint8Array([0, 1, 2, 255]);
    writeFileAtomic(join(folder, 'b.bin'), bytes);
    expect([...readFileSync(join(folder, 'b.bin'))]).toEqual([0, 1, 2, 255]);
  });
});
