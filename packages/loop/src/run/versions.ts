import { createRequire } from 'node:module';

const PACKAGES = [
  '@impact/loop',
  '@impact/contracts',
  '@impact/simulate',
  '@impact/measure',
  '@impact/review',
  '@impact/allocate',
] as const;

/**
 * Versions of the Impact Loop packages this run used, read from their `package.json` (a package that
 * cannot be resolved is left out).
 *
 * @example
 * ```ts
 * packageVersions()['@impact/loop']; // '0.1.0'
 * ```
 */
export function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      const manifest = require(`${name}/package.json`) as { version?: unknown };
      if (typeof manifest.version === 'string') versions[name] = manifest.version;
    } catch {
      // Not installed next to @impact/loop (e.g. a custom stage replaces it): nothing to record.
    }
  }
  return versions;
}
