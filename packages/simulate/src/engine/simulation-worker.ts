/**
 * Entry of the simulator's worker threads (see `fillInParallel`): generate blocks of the shared run
 * passed as `workerData` until none is left. Built as its own file next to the package's entry.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import { type SharedRun, workOnSharedRun } from './parallel';

if (!isMainThread && workerData) workOnSharedRun(workerData as SharedRun);
