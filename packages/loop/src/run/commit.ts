import { existsSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { commitFolder, createStagingFolder, FOLDER_MANIFEST } from '@impact/contracts';
import { LoopError } from '../errors';
import { CYCLES_FILES, REPORT_FILES } from './options';

/**
 * Names a run owns in its output folder even when the folder was written without a manifest (by an
 * older version): a rerun retires them, so no stale file of an earlier run survives.
 */
export const RUN_OWNED_FILES = [...REPORT_FILES, ...CYCLES_FILES, 'calibration.json', 'artifacts'] as const;

/**
 * The staging folder a run writes everything into before it commits (inside `outDir`, so the switch is a
 * rename on one file system). `outDir` being a file is the user's mistake: `LOOP_OUTPUT_INVALID`.
 */
export function openRunStaging(outDir: string): string {
  if (existsSync(outDir) && !lstatSync(outDir).isDirectory()) {
    throw new LoopError(
      'LOOP_OUTPUT_INVALID',
      `${outDir}: expected an output folder, found a file (choose another --out / outDir)`,
    );
  }
  return createStagingFolder(outDir);
}

/**
 * Publish a finished run: replace the previous run's files in `outDir` with the staged ones as one unit and
 * write `manifest.json` last. `cycle-<k>/` folders of an earlier multi-cycle run are retired too.
 */
export function commitRun(outDir: string, staging: string): void {
  const cycleFolders = readdirSync(outDir).filter((name) => /^cycle-\d+$/.test(name));
  commitFolder(outDir, staging, { owned: [...RUN_OWNED_FILES, FOLDER_MANIFEST, ...cycleFolders] });
}

/** Throw away a run that did not finish: its staging folder goes; `outDir` keeps the previous run. */
export function abandonRun(staging: string): void {
  try {
    rmSync(staging, { recursive: true, force: true });
  } catch {
    // The folder may be unusable (the reason the run failed); the run's own error is what matters.
  }
}
