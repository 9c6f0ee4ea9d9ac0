import type { z } from 'zod';

/** One artifact file of a run. */
export interface ArtifactFile {
  /** File name inside the job folder, e.g. `result.json`. */
  name: string;
  content: string;
}

/** Everything a run stores: a deterministic job id and its files, `manifest.json` last. */
export interface RunArtifacts {
  jobId: string;
  files: ArtifactFile[];
}

/**
 * Where run artifacts go. `write` must be all-or-nothing: after a failure, readers see the previous
 * complete run (or none), never a mix. Returns the URI of the job's artifacts.
 */
export interface StorageAdapter {
  name: string;
  write(artifacts: RunArtifacts): Promise<string>;
}

/** Builds a {@link StorageAdapter} from the `storage:` section of a config (`{ name, url }`). */
export interface StorageFactory<O = { url?: string | undefined }> {
  name: string;
  optionsSchema: z.ZodType<O>;
  create(options: O, context: { baseDir: string }): StorageAdapter;
}
