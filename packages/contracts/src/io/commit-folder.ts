import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { removeQuietly, writeFileAtomic } from './atomic-write';
import { IoError, writeFailure } from './io-error';
import { stableStringify } from './stable-json';

/** The file a committed folder's contents are listed in; written last, so its presence means "complete". */
export const FOLDER_MANIFEST = 'manifest.json';

const STAGING = '.impact-staging-';
const RETIRED = '.impact-retired-';

/** One file of a committed folder, as listed in its manifest. */
export interface ManifestEntry {
  /** Path relative to the folder, `/`-separated. */
  path: string;
  sha256: string;
  bytes: number;
}

/** The manifest of a committed folder: every file of the set, with its SHA-256. */
export interface FolderManifest {
  schema_version: 1;
  files: ManifestEntry[];
}

/** Whether the process that named a staging folder `<prefix><pid>-…` is gone. */
function abandoned(name: string, prefix: string): boolean {
  const pid = Number.parseInt(name.slice(prefix.length), 10);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as { code?: string }).code === 'ESRCH';
  }
  return isZombie(pid);
}

/** On Linux, whether `pid` has exited but not been reaped (a killed writer whose parent died too). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * Create a new, empty staging folder inside `folder` (created if needed) to write a complete set of files
 * into before {@link commitFolder} publishes them. The name is random and created exclusively; staging
 * and retired folders left by processes that were killed are removed first.
 *
 * @example
 * ```ts
 * const staging = createStagingFolder('results');
 * writeFileAtomic(join(staging, 'outcome.json'), text);
 * commitFolder('results', staging);
 * ```
 */
export function createStagingFolder(folder: string): string {
  try {
    if (existsSync(folder) && !lstatSync(folder).isDirectory()) throw new Error('not a folder');
    mkdirSync(folder, { recursive: true });
    for (const name of readdirSync(folder)) {
      if (abandoned(name, STAGING) || abandoned(name, RETIRED)) removeQuietly(join(folder, name));
    }
    const staging = join(folder, `${STAGING}${process.pid}-${randomBytes(6).toString('hex')}`);
    mkdirSync(staging);
    return staging;
  } catch (error) {
    throw writeFailure(folder, error);
  }
}

/** Every regular file under `root` (sorted, `/`-separated); links and special files are refused. */
function listFiles(root: string, folder: string = root): string[] {
  const files: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    const stat = lstatSync(path);
    if (stat.isDirectory()) files.push(...listFiles(root, path));
    else if (stat.isFile()) files.push(relative(root, path).split(sep).join('/'));
    else throw new Error(`${path} is not a regular file`);
  }
  return files;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The manifest of the files under `root`. */
function manifestOf(root: string): FolderManifest {
  const files = listFiles(root).map((path) => {
    const full = join(root, ...path.split('/'));
    return { path, sha256: sha256(full), bytes: lstatSync(full).size };
  });
  return { schema_version: 1, files };
}

/** The top-level names a folder's previous commit owned (from its manifest), plus `owned` names. */
function previousEntries(folder: string, owned: readonly string[]): Set<string> {
  const names = new Set(owned.filter((name) => existsSync(join(folder, name)) || isLink(join(folder, name))));
  try {
    const manifest = JSON.parse(readFileSync(join(folder, FOLDER_MANIFEST), 'utf8')) as FolderManifest;
    for (const entry of manifest.files ?? []) {
      const top = String(entry.path).split('/')[0];
      if (top !== undefined && top !== '' && !top.startsWith('.') && top !== '..') names.add(top);
    }
  } catch {
    // No earlier commit (or an unreadable manifest): only the `owned` names are replaced.
  }
  return names;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Options of {@link commitFolder}. */
export interface CommitFolderOptions {
  /**
   * Top-level names the writer owns even without an earlier manifest (a folder written by an older
   * version): they are retired too, so a rerun leaves no stale files. Glob-free, exact names.
   */
  owned?: readonly string[];
}

/**
 * Publish the complete set of files in `staging` (made by {@link createStagingFolder}) as the contents
 * of `folder`, replacing the previous set as one unit: the old manifest is removed first, every entry of
 * the previous set (listed in its manifest, or named in `owned`) is moved aside — links are moved, never
 * followed — the new entries are moved in, and the new {@link FOLDER_MANIFEST} is written last. Files
 * the previous set had and this one does not are gone afterwards. Readers check the manifest with
 * {@link verifyFolder}: a folder without one is being written (or its writer was killed mid-commit).
 * Files in `folder` that neither set owns are left alone. Throws `IoError` `IO_WRITE_FAILED`; the
 * staging folder is removed in every case.
 *
 * @example
 * ```ts
 * commitFolder('results', staging, { owned: ['outcome.json', 'run.json'] });
 * ```
 */
export function commitFolder(
  folder: string,
  staging: string,
  options: CommitFolderOptions = {},
): FolderManifest {
  const retired = join(folder, `${RETIRED}${process.pid}-${randomBytes(6).toString('hex')}`);
  const movedOut: string[] = [];
  const movedIn: string[] = [];
  try {
    const manifest = manifestOf(staging);
    const incoming = readdirSync(staging).sort();
    const outgoing = previousEntries(folder, [...(options.owned ?? []), ...incoming]);
    outgoing.delete(FOLDER_MANIFEST);
    mkdirSync(retired);
    // The old manifest goes first: from here until the new one is written the folder reads as incomplete.
    for (const name of [FOLDER_MANIFEST, ...outgoing]) {
      if (!existsSync(join(folder, name)) && !isLink(join(folder, name))) continue;
      renameSync(join(folder, name), join(retired, name));
      movedOut.push(name);
    }
    for (const name of incoming) {
      renameSync(join(staging, name), join(folder, name));
      movedIn.push(name);
    }
    writeFileAtomic(join(folder, FOLDER_MANIFEST), `${stableStringify(manifest, 2)}\n`);
    return manifest;
  } catch (error) {
    rollBack(folder, staging, retired, movedIn, movedOut);
    throw error instanceof IoError ? error : writeFailure(folder, error);
  } finally {
    removeQuietly(retired);
    removeQuietly(staging);
  }
}

/** Undo a failed commit: the new entries back out, the previous set (and its manifest) back in. */
function rollBack(
  folder: string,
  staging: string,
  retired: string,
  movedIn: string[],
  movedOut: string[],
): void {
  for (const name of movedIn.reverse()) {
    try {
      renameSync(join(folder, name), join(staging, name));
    } catch {
      // Best effort: what cannot be moved back stays, and the folder has no manifest (reads as incomplete).
    }
  }
  for (const name of [...movedOut].reverse()) {
    try {
      if (!existsSync(join(folder, name))) renameSync(join(retired, name), join(folder, name));
    } catch {
      // As above.
    }
  }
}

/**
 * Check that `folder` holds a complete committed set: its {@link FOLDER_MANIFEST} exists and every file
 * it lists is a regular file with the listed SHA-256. Returns the manifest; throws `IoError`
 * `IO_FOLDER_INCOMPLETE` naming the first missing or changed file.
 *
 * @example
 * ```ts
 * const { files } = verifyFolder('results'); // throws when a run was interrupted mid-commit
 * ```
 */
export function verifyFolder(folder: string): FolderManifest {
  const manifestFile = join(folder, FOLDER_MANIFEST);
  let manifest: FolderManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as FolderManifest;
  } catch (error) {
    throw new IoError(
      'IO_FOLDER_INCOMPLETE',
      `${manifestFile}: no readable manifest, the folder is not a complete set`,
      {
        cause: error,
        file: manifestFile,
      },
    );
  }
  for (const entry of manifest.files ?? []) {
    const path = join(folder, ...String(entry.path).split('/'));
    let found: string;
    try {
      found = lstatSync(path).isFile() ? sha256(path) : 'not a regular file';
    } catch {
      found = 'missing';
    }
    if (found !== entry.sha256) {
      throw new IoError(
        'IO_FOLDER_INCOMPLETE',
        `${path}: expected the file listed in ${FOLDER_MANIFEST} (sha256 ${entry.sha256.slice(0, 12)}…), found ${found === 'missing' || found === 'not a regular file' ? found : 'different content'}`,
        { file: path },
      );
    }
  }
  return manifest;
}
