import { z } from 'zod';
import type { RunArtifacts, StorageAdapter, StorageFactory } from './storage';

/** In-memory storage: keeps every run's files, readable back with `get`. */
export interface MemoryStorage extends StorageAdapter {
  /** Files of a job by name, or undefined. */
  get(jobId: string): ReadonlyMap<string, string> | undefined;
  /** Stored job ids. */
  jobs(): string[];
}

/**
 * Create an in-memory storage (tests, notebooks, the loop). A write replaces the job's files at once.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage();
 * const { artifactUri } = await evaluateImpact({ config, storage });
 * storage.get(artifactUri!.slice('memory://'.length))?.get('result.json');
 * ```
 */
export function createMemoryStorage(): MemoryStorage {
  const runs = new Map<string, ReadonlyMap<string, string>>();
  return {
    name: 'memory',
    async write(artifacts: RunArtifacts) {
      runs.set(artifacts.jobId, new Map(artifacts.files.map((file) => [file.name, file.content])));
      return `memory://${artifacts.jobId}`;
    },
    get: (jobId) => runs.get(jobId),
    jobs: () => [...runs.keys()].sort(),
  };
}

/**
 * `memory` storage factory (`storage: { name: memory }`): a fresh in-memory store per run.
 *
 * @example
 * ```yaml
 * storage: { name: memory }
 * ```
 */
export const memoryStorageFactory: StorageFactory<{ url?: string | undefined }> = {
  name: 'memory',
  optionsSchema: z.strictObject({ url: z.string().optional() }),
  create: () => createMemoryStorage(),
};
