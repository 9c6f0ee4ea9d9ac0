import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { FOLDER_MANIFEST, verifyFolder } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { errorKind } from '../../src/index';
import { expectNothingHalfWritten, filePipeline, rejection, run, snapshot, tmp } from './harness';

/** A folder outside the output folder with a file a planted link points at. */
function victim(): { folder: string; file: string } {
  const folder = tmp('impact-victim-');
  const file = join(folder, 'precious.txt');
  writeFileSync(file, 'do not overwrite');
  return { folder, file };
}

describe('adversarial: paths and the output folder', () => {
  it.each(['outcome.json', 'run.json', 'outcome.md', 'history.json', FOLDER_MANIFEST])(
    'a symbolic link planted at %s is replaced, never written through',
    async (name) => {
      const { dir, config } = filePipeline();
      const outDir = join(tmp(), 'out');
      mkdirSync(outDir);
      const { folder, file } = victim();
      symlinkSync(file, join(outDir, name));
      await run(dir, config, outDir);
      expect(readFileSync(file, 'utf8')).toBe('do not overwrite');
      expect(readdirSync(folder)).toEqual(['precious.txt']);
      expect(lstatSync(join(outDir, name)).isSymbolicLink()).toBe(false);
      expectNothingHalfWritten(outDir);
    },
  );

  it('a symbolic link planted at artifacts/ does not let measurements write outside the folder', async () => {
    const { dir, config } = filePipeline();
    const outDir = join(tmp(), 'out');
    mkdirSync(outDir);
    const { folder } = victim();
    symlinkSync(folder, join(outDir, 'artifacts'));
    await run(dir, config, outDir);
    expect(readdirSync(folder)).toEqual(['precious.txt']);
    expect(lstatSync(join(outDir, 'artifacts')).isDirectory()).toBe(true);
    expectNothingHalfWritten(outDir);
  });

  it('links planted at the old predictable temporary names are ignored', async () => {
    const { dir, config } = filePipeline();
    const outDir = join(tmp(), 'out');
    mkdirSync(outDir);
    const { file } = victim();
    for (let n = 1; n <= 20; n++) symlinkSync(file, join(outDir, `.outcome.json.${process.pid}.${n}.tmp`));
    await run(dir, config, outDir);
    expect(readFileSync(file, 'utf8')).toBe('do not overwrite');
    expect(() => verifyFolder(outDir)).not.toThrow();
  });

  it('a rerun with fewer initiatives leaves no artifacts of the earlier run', async () => {
    const { dir, config } = filePipeline();
    const outDir = join(tmp(), 'out');
    await run(dir, config, outDir);
    expect(existsSync(join(outDir, 'artifacts', 'c'))).toBe(true);
    const fewer = { ...config, initiatives: (config.initiatives as unknown[]).slice(0, 2) };
    await run(dir, fewer, outDir);
    expect(existsSync(join(outDir, 'artifacts', 'c'))).toBe(false);
    expectNothingHalfWritten(outDir);
  });

  it('a single-cycle rerun over a multi-cycle folder leaves no cycle folders or cycles files', async () => {
    const { dir, config } = filePipeline();
    const outDir = join(tmp(), 'out');
    await run(dir, config, outDir, { cycles: 2 });
    expect(existsSync(join(outDir, 'cycle-2'))).toBe(true);
    expect(existsSync(join(outDir, 'cycles.json'))).toBe(true);
    await run(dir, config, outDir);
    const names = readdirSync(outDir);
    expect(names.filter((name) => /^cycle/.test(name))).toEqual([]);
    expectNothingHalfWritten(outDir);
  });

  it('a folder written without a manifest (older version) has its stale report files retired', async () => {
    const { dir, config } = filePipeline();
    const outDir = join(tmp(), 'out');
    mkdirSync(join(outDir, 'cycle-3'), { recursive: true });
    writeFileSync(join(outDir, 'calibration.json'), '{"stale":true}');
    writeFileSync(join(outDir, 'cycles.md'), 'stale');
    writeFileSync(join(outDir, 'cycle-3', 'run.json'), '{}');
    await run(dir, config, outDir);
    expect(existsSync(join(outDir, 'calibration.json'))).toBe(false);
    expect(existsSync(join(outDir, 'cycles.md'))).toBe(false);
    expect(existsSync(join(outDir, 'cycle-3'))).toBe(false);
  });

  it('files of the user’s own in the output folder are left alone', async () => {
    const { dir, config } = filePipeline();
    const outDir = join(tmp(), 'out');
    mkdirSync(outDir);
    writeFileSync(join(outDir, 'notes.md'), 'mine');
    await run(dir, config, outDir);
    await run(dir, config, outDir);
    expect(readFileSync(join(outDir, 'notes.md'), 'utf8')).toBe('mine');
  });

  it('an output path that is a file is a user error (LOOP_OUTPUT_INVALID) and the file is untouched', async () => {
    const { dir, config } = filePipeline();
    const outFile = join(tmp(), 'results.json');
    writeFileSync(outFile, 'keep');
    const error = await rejection(run(dir, config, outFile), 'LOOP_OUTPUT_INVALID');
    expect(errorKind(error)).toBe('user');
    expect(readFileSync(outFile, 'utf8')).toBe('keep');
  });

  it('a rerun with the same config and seed commits the same files (timings aside)', async () => {
    const { dir, config } = filePipeline();
    const first = join(tmp(), 'out');
    const second = join(tmp(), 'out');
    await run(dir, config, first);
    await run(dir, config, second);
    const a = snapshot(first);
    const b = snapshot(second);
    for (const name of Object.keys(a)) {
      if (name === 'outcome.json' || name === FOLDER_MANIFEST) continue;
      expect(b[name], name).toBe(a[name]);
    }
  });
});
