import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImpactError, IoError, verifyFolder } from '@impact/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { createDefaultStages, errorKind, type LoopStages } from '../../src/index';
import { expectNothingHalfWritten, filePipeline, rejection, run, snapshot, tmp } from './harness';

const systemError = (code: string) => Object.assign(new Error(`${code}: simulated system failure`), { code });

/** The real stages of a file pipeline, with one stage of one initiative replaced by a failure. */
function failing(
  config: Record<string, unknown>,
  stage: 'measure' | 'review' | 'allocate' | 'simulate',
  error: () => unknown,
  id = 'b',
): { stages: LoopStages; allocations: number[] } {
  const real = createDefaultStages({
    allocate: config.allocate as Record<string, unknown>,
    budget: config.budget as number,
  });
  const allocations: number[] = [];
  const stages: LoopStages = {
    ...real,
    async measure(request) {
      if (stage === 'measure' && request.initiativeId === id) throw error();
      return real.measure(request);
    },
    async review(request) {
      if (stage === 'review' && request.measurement.initiative_id === id) throw error();
      return real.review(request);
    },
    async allocate(reviews, request) {
      allocations.push(reviews.length);
      if (stage === 'allocate') throw error();
      return real.allocate(reviews, request);
    },
  };
  return { stages, allocations };
}

type Fault = [name: string, stage: 'measure' | 'review' | 'allocate', error: () => unknown];

const infrastructure: Fault[] = [
  ['ENOSPC while a measurement stores its artifacts', 'measure', () => systemError('ENOSPC')],
  ['EIO from the disk', 'measure', () => systemError('EIO')],
  ['EROFS: output on a read-only file system', 'measure', () => systemError('EROFS')],
  ['EMFILE: out of file descriptors', 'measure', () => systemError('EMFILE')],
  [
    'measure STORAGE_FAILED caused by ENOSPC',
    'measure',
    () => new ImpactError('STORAGE_FAILED', 'cannot write run artifacts', { cause: systemError('ENOSPC') }),
  ],
  [
    'IoError from the review stage',
    'review',
    () => new IoError('IO_WRITE_FAILED', 'cannot write x', { systemCode: 'ENOSPC' }),
  ],
  [
    'out of memory (RangeError: Array buffer allocation failed)',
    'measure',
    () => new RangeError('Array buffer allocation failed'),
  ],
  ['ENOSPC inside the allocation', 'allocate', () => systemError('ENOSPC')],
];

let committed: string | undefined;
/** One complete earlier run (copied into each case's output folder, so each case need not rerun it). */
async function baseline(): Promise<string> {
  if (committed === undefined) {
    const { dir, config } = filePipeline();
    committed = join(tmp(), 'baseline');
    await run(dir, config, committed);
  }
  return committed;
}

describe('adversarial: faults', () => {
  it.each(infrastructure)(
    '%s fails the run (infrastructure), never an initiative, and keeps the previous run',
    async (_name, stage, error) => {
      const { dir, config } = filePipeline();
      const outDir = join(tmp(), 'out');
      cpSync(await baseline(), outDir, { recursive: true });
      const before = snapshot(outDir);
      expect(Object.keys(before).length).toBeGreaterThan(4);
      const { stages, allocations } = failing(config, stage, error);
      const caught = await rejection(run(dir, config, outDir, { stages }), 'LOOP_INFRASTRUCTURE_FAILED');
      expect(errorKind(caught)).toBe('infrastructure');
      // A pilot's storage failure never reaches the allocator with the other initiatives.
      if (stage !== 'allocate') expect(allocations).toEqual([]);
      expect(snapshot(outDir)).toEqual(before);
      expectNothingHalfWritten(outDir);
    },
  );

  it('a STORAGE_FAILED that is not the machine’s (bad job id) stays a failure of that initiative', async () => {
    const { dir, config } = filePipeline();
    const outDir = join(tmp(), 'out');
    const { stages } = failing(
      config,
      'measure',
      () => new ImpactError('STORAGE_FAILED', 'invalid job id "../x"'),
    );
    const report = await run(dir, config, outDir, { stages });
    expect(report.dropped.find((drop) => drop.initiative_id === 'b')?.reason).toBe('failed');
    expectNothingHalfWritten(outDir);
  });

  describe('on a real full disk (tmpfs of 64 KiB)', () => {
    const mounts: string[] = [];
    afterAll(() => {
      for (const mount of mounts) spawnSync('umount', [mount]);
    });

    it('fails with an infrastructure error, leaving no partial report, staging or temporary file', async (context) => {
      const mount = tmp('impact-tmpfs-');
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount], {
        encoding: 'utf8',
      });
      if (mounted.status !== 0) {
        context.skip(
          `mount -t tmpfs is not allowed here (${mounted.stderr.trim()}); the injected ENOSPC cases cover the logic`,
        );
        return;
      }
      mounts.push(mount);
      const { dir, config } = filePipeline();
      // Fill most of the disk first, as a shared output volume would be.
      writeFileSync(join(mount, 'ballast.bin'), Buffer.alloc(40 * 1024));
      const outDir = join(mount, 'out');
      const error = await run(dir, config, outDir).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, 'the run must not succeed on a full disk').toBeInstanceOf(ImpactError);
      expect(errorKind(error)).toBe('infrastructure');
      expect((error as ImpactError).code).toBe('LOOP_INFRASTRUCTURE_FAILED');
      expect(String((error as Error).message)).toMatch(/ENOSPC|no space/i);
      expectNothingHalfWritten(outDir);
      expect(Object.keys(snapshot(outDir))).toEqual([]);
    });
  });

  it('a run that fails leaves a folder that did not exist before absent or empty of run files', async () => {
    const { dir, config } = filePipeline();
    const outDir = join(tmp(), 'fresh');
    const { stages } = failing(config, 'measure', () => systemError('ENOSPC'));
    await rejection(run(dir, config, outDir, { stages }), 'LOOP_INFRASTRUCTURE_FAILED');
    expectNothingHalfWritten(outDir);
  });
});

describe('adversarial: kill -9', () => {
  const tsx = join(import.meta.dirname, '..', '..', '..', '..', 'node_modules', '.bin', 'tsx');
  const cli = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');

  function alive(pid: number): boolean {
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
    } catch {
      return true;
    }
  }

  /** Resolve once `ready()` holds (polled every 5 ms), or after `ms`. */
  async function until(ready: () => boolean, ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (ready()) return true;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return false;
  }

  it('a CLI run killed mid-run leaves either the complete old set or the complete new set', async () => {
    const { dir, config } = filePipeline();
    const newPipeline = join(dir, 'new.yaml');
    writeFileSync(newPipeline, JSON.stringify({ ...config, seed: 2 }));
    const outDir = join(dir, 'out');
    await run(dir, { ...config, seed: 1 }, outDir);
    const oldSet = snapshot(outDir);
    const seedOf = () => JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')).seed as number;
    const staging = () => readdirSync(outDir).find((name) => name.startsWith('.impact-staging-'));
    // Kill mid-run: once the new run's staging folder holds its first measurement artifacts.
    const moments: (() => boolean)[] = [
      () => {
        const folder = staging();
        return folder !== undefined && existsSync(join(outDir, folder, 'artifacts'));
      },
    ];
    for (const moment of moments) {
      const child = spawn(
        tsx,
        ['--conditions=@impact/source', cli, 'run', newPipeline, '--out', outDir, '--quiet'],
        {
          cwd: dir,
          stdio: 'ignore',
          detached: true, // its own process group: tsx and the CLI process it starts are killed together
        },
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const reached = await until(moment, 20_000);
      const writer = Number.parseInt((staging() ?? '').slice('.impact-staging-'.length), 10);
      process.kill(-(child.pid as number), 'SIGKILL');
      await exited;
      // SIGKILL is asynchronous: wait until the writing process is really gone (or a zombie).
      await until(() => !alive(writer), 5000);
      expect(reached, 'the kill should land mid-run').toBe(true);
      // The folder verifies as one complete set: here the old one, the new run never committed.
      expect(() => verifyFolder(outDir)).not.toThrow();
      expect(seedOf()).toBe(1);
      const now = snapshot(outDir);
      for (const name of Object.keys(oldSet)) expect(now[name]).toBe(oldSet[name]);
    }
    // The next run removes the staging folders the killed runs left behind and commits the new set.
    await run(dir, { ...config, seed: 2 }, outDir);
    expect(seedOf()).toBe(2);
    expectNothingHalfWritten(outDir);
  }, 60_000);
});
