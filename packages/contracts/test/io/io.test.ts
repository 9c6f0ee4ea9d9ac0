import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashValue, ImpactError, stableStringify, writeFileAtomic } from '../../src/index';

describe('stableStringify and hashValue', () => {
  it('sorts keys at every depth so equal values give equal bytes', () => {
    expect(stableStringify({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: 3 } })).toBe(
      '{"a":{"c":3,"d":[2,{"y":0,"z":1}]},"b":1}',
    );
    expect(hashValue({ a: 1, b: 2 })).toBe(hashValue({ b: 2, a: 1 }));
    expect(hashValue({ a: 1 })).not.toBe(hashValue({ a: 2 }));
  });

  it('hashes to the SHA-256 of the canonical JSON', () => {
    // sha256('{"a":1}') computed independently with coreutils' sha256sum
    expect(hashValue({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
  });
});

describe('writeFileAtomic', () => {
  it('writes the content, creating folders, and leaves no temporary file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'impact-io-'));
    const file = join(folder, 'nested', 'result.json');
    writeFileAtomic(file, '{"ok":true}');
    expect(readFileSync(file, 'utf8')).toBe('{"ok":true}');
    expect(readdirSync(join(folder, 'nested'))).toEqual(['result.json']);
  });

  it('replaces an existing file whole', () => {
    const folder = mkdtempSync(join(tmpdir(), 'impact-io-'));
    const file = join(folder, 'a.txt');
    writeFileSync(file, 'old content that is longer');
    writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
  });

  it('fails with a coded error naming the file and leaves nothing behind', () => {
    const folder = mkdtempSync(join(tmpdir(), 'impact-io-'));
    const blocker = join(folder, 'blocker');
    writeFileSync(blocker, 'a file, not a folder');
    const target = join(blocker, 'result.json');
    expect(() => writeFileAtomic(target, 'x')).toThrowError(ImpactError);
    try {
      writeFileAtomic(target, 'x');
    } catch (error) {
      expect((error as ImpactError).code).toBe('IO_WRITE_FAILED');
      expect((error as Error).message).toContain(target);
    }
    expect(readdirSync(folder)).toEqual(['blocker']);
  });
});
