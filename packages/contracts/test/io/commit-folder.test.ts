import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  commitFolder,
  createStagingFolder,
  FOLDER_MANIFEST,
  IoError,
  verifyFolder,
  writeFileAtomic,
} from '../../src/index';

const fresh = () => mkdtempSync(join(tmpdir(), 'impact-commit-'));

function stage(folder: string, files: Record<string, string>): string {
  const staging = createStagingFolder(folder);
  for (const [name, content] of Object.entries(files)) writeFileAtomic(join(staging, name), content);
  return staging;
}

describe('commitFolder', () => {
  it('publishes the staged set with a manifest written last, and removes the staging folder', () => {
    const folder = fresh();
    const manifest = commitFolder(folder, stage(folder, { 'a.json': 'A', 'sub/b.txt': 'B' }));
    expect(manifest.files.map((file) => file.path)).toEqual(['a.json', 'sub/b.txt']);
    expect(readdirSync(folder).sort()).toEqual(['a.json', FOLDER_MANIFEST, 'sub']);
    expect(verifyFolder(folder).files).toHaveLength(2);
  });

  it('replaces the previous set whole: files only the old set had are gone, foreign files stay', () => {
    const folder = fresh();
    commitFolder(folder, stage(folder, { 'a.json': 'old', 'cycle-3/x.json': 'old' }));
    writeFileSync(join(folder, 'notes.txt'), 'mine');
    commitFolder(folder, stage(folder, { 'a.json': 'new' }));
    expect(readdirSync(folder).sort()).toEqual(['a.json', FOLDER_MANIFEST, 'notes.txt']);
    expect(readFileSync(join(folder, 'a.json'), 'utf8')).toBe('new');
  });

  it('retires owned names of a folder written without a manifest', () => {
    const folder = fresh();
    writeFileSync(join(folder, 'history.json'), 'stale');
    commitFolder(folder, stage(folder, { 'a.json': 'A' }), { owned: ['history.json'] });
    expect(existsSync(join(folder, 'history.json'))).toBe(false);
  });

  it('moves planted links aside without following them', () => {
    const folder = fresh();
    const outside = fresh();
    writeFileSync(join(outside, 'keep.txt'), 'keep');
    symlinkSync(outside, join(folder, 'artifacts'));
    symlinkSync(join(outside, 'keep.txt'), join(folder, 'a.json'));
    commitFolder(folder, stage(folder, { 'a.json': 'A', 'artifacts/r.json': 'R' }));
    expect(readdirSync(outside)).toEqual(['keep.txt']);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('keep');
    expect(lstatSync(join(folder, 'artifacts')).isDirectory()).toBe(true);
    expect(lstatSync(join(folder, 'a.json')).isFile()).toBe(true);
  });

  it('removes staging folders of processes that no longer exist', () => {
    const folder = fresh();
    mkdirSync(join(folder, '.impact-staging-999999999-abc'));
    mkdirSync(join(folder, '.impact-retired-999999999-abc'));
    const staging = createStagingFolder(folder);
    expect(readdirSync(folder)).toEqual([staging.split('/').at(-1)]);
  });

  it('refuses a folder path that is a file', () => {
    const folder = fresh();
    writeFileSync(join(folder, 'out'), 'a file');
    expect(() => createStagingFolder(join(folder, 'out'))).toThrowError(IoError);
  });
});

describe('verifyFolder', () => {
  it('refuses a folder without a manifest, with a changed file, or with a missing one', () => {
    const folder = fresh();
    expect(() => verifyFolder(folder)).toThrowError(/no readable manifest/);
    commitFolder(folder, stage(folder, { 'a.json': 'A', 'b.json': 'B' }));
    writeFileSync(join(folder, 'a.json'), 'tampered');
    expect(() => verifyFolder(folder)).toThrowError(/a\.json: expected .* found different content/);
    commitFolder(folder, stage(folder, { 'a.json': 'A', 'b.json': 'B' }));
    writeFileSync(join(folder, 'b.json'), 'B');
    expect(verifyFolder(folder).files).toHaveLength(2);
    const error = (() => {
      try {
        rmSync(join(folder, 'b.json'));
        verifyFolder(folder);
      } catch (caught) {
        return caught as IoError;
      }
      return undefined;
    })();
    expect(error?.code).toBe('IO_FOLDER_INCOMPLETE');
    expect(error?.message).toContain('missing');
  });
});
