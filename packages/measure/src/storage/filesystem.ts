import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';
import type { RunArtifacts, StorageAdapter, StorageFactory } from './storage';

let stagingCounter = 0;

/**
 * Local filesystem storage: one folder per run, `<root>/<jobId>/`. Files are written (each atomically,
 * temp file + rename) into a hidden staging folder which then replaces the job folder by rename, so a
 * failed run leaves the previous complete folder, and `manifest.json` (listing every file) is written last.
 *
 * @example
 * ```ts
 * const storage = createFilesystemStorage('results');
 * await evaluateImpact({ configPath: 'measure.yaml', storage });
 * ```
 */
export function createFilesystemStorage(root: string): StorageAdapter {
  const base = resolve(root);
  return {
    name: 'filesystem',
    async write(artifacts: RunArtifacts): Promise<string> {
      if (!/^[A-Za-z0-9_.-]+$/.test(artifacts.jobId) || artifacts.jobId.startsWith('.')) {
        throw new MeasureError('STORAGE_FAILED', `invalid job id "${artifacts.jobId}"`, {
          parameter: 'jobId',
        });
      }
      for (const file of artifacts.files) {
        if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(file.name)) {
          throw new MeasureError(
            'STORAGE_FAILED',
            `invalid artifact file name "${file.name}" (letters, digits, ".", "_", "-" only)`,
            {
              parameter: 'files',
            },
          );
        }
      }
      const target = join(base, artifacts.jobId);
      stagingCounter += 1;
      const staging = join(base, `.${artifacts.jobId}.staging-${process.pid}-${stagingCounter}`);
      const retired = join(base, `.${artifacts.jobId}.old-${process.pid}-${stagingCounter}`);
      try {
        mkdirSync(staging, { recursive: true });
        for (const file of artifacts.files) writeFileAtomic(join(staging, file.name), file.content);
        if (existsSync(target)) renameSync(target, retired);
        renameSync(staging, target);
        rmSync(retired, { recursive: true, force: true });
      } catch (error) {
        rmSync(staging, { recursive: true, force: true });
        if (!existsSync(target) && existsSync(retired)) renameSync(retired, target);
        throw new MeasureError(
          'STORAGE_FAILED',
          `cannot write run artifacts to ${target}: ${(error as Error).message}`,
          {
            cause: error,
            parameter: 'storage.url',
          },
        );
      }
      return pathToFileURL(target).href;
    },
  };
}

/**
 * `filesystem` storage factory: `storage: { name: filesystem, url: <folder or file:// URL> }`; relative
 * folders resolve against the config file's folder.
 *
 * @example
 * ```yaml
 * storage: { name: filesystem, url: ./results }
 * ```
 */
export const filesystemStorageFactory: StorageFactory<{ url: string }> = {
  name: 'filesystem',
  optionsSchema: z.strictObject({ url: z.string().min(1) }),
  create(options, context) {
    const path = options.url.startsWith('file://') ? new URL(options.url).pathname : options.url;
    return createFilesystemStorage(isAbsolute(path) ? path : resolve(context.baseDir, path));
  },
};
