import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@impact/contracts';
import { parse } from 'yaml';

/** Where a plugin specifier came from, for messages and for resolving relative paths. */
export interface PluginSource {
  /** `--plugin` or `<file>: plugins[<i>]`. */
  origin: string;
  /** Folder a relative path is resolved against (the working directory or the config file's folder). */
  baseDir: string;
}

function isPath(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier) || specifier.startsWith('file:');
}

/** The URL to import for a specifier: a path against `baseDir`, or a package resolved from `baseDir`. */
function pluginUrl(specifier: string, baseDir: string): string {
  if (specifier.startsWith('file:')) return specifier;
  if (isPath(specifier)) return pathToFileURL(resolve(baseDir, specifier)).href;
  try {
    return pathToFileURL(createRequire(join(baseDir, 'noop.js')).resolve(specifier)).href;
  } catch {
    // ESM-only packages without a `require` export: let Node's own resolution try.
    return specifier;
  }
}

/**
 * Load plugin modules, in order, before anything is validated: each module registers its adapters on
 * import (`registerModel(...)`, `registerDataSource(...)`, `registerRule(...)`, …) and may also export a
 * `register()` function (sync or async), which is called. A module that cannot be found or throws is a
 * {@link ConfigError} naming where the plugin was listed.
 *
 * @example
 * ```ts
 * await loadPlugins(['./my-models.js'], { origin: '--plugin', baseDir: process.cwd() });
 * ```
 */
export async function loadPlugins(specifiers: readonly string[], source: PluginSource): Promise<void> {
  for (const [index, specifier] of specifiers.entries()) {
    const where =
      specifiers.length > 1 && source.origin !== '--plugin' ? `${source.origin}[${index}]` : source.origin;
    let loaded: { register?: unknown; default?: unknown };
    try {
      loaded = (await import(pluginUrl(specifier, source.baseDir))) as typeof loaded;
    } catch (error) {
      throw new ConfigError(
        'CONFIG_INVALID',
        `${where}: cannot load plugin "${specifier}": ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const register =
      typeof loaded.register === 'function'
        ? loaded.register
        : typeof (loaded.default as { register?: unknown } | undefined)?.register === 'function'
          ? (loaded.default as { register: () => unknown }).register
          : undefined;
    if (register === undefined) continue;
    try {
      await (register as () => unknown)();
    } catch (error) {
      throw new ConfigError(
        'CONFIG_INVALID',
        `${where}: plugin "${specifier}" failed to register: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
}

/**
 * The `plugins:` list of a YAML config file, read before the file is validated (so the plugins can register
 * what the rest of the file names), with paths relative to the file's folder. A file that cannot be read or
 * parsed gives no plugins here; validating it afterwards reports the problem with its line and column.
 *
 * @example
 * ```ts
 * const { specifiers, source } = pluginsOfConfig('pipeline.yaml');
 * await loadPlugins(specifiers, source);
 * ```
 */
export function pluginsOfConfig(file: string): { specifiers: string[]; source: PluginSource } {
  const source = { origin: `${file}: plugins`, baseDir: dirname(resolve(file)) };
  let document: unknown;
  try {
    document = parse(readFileSync(file, 'utf8'), { maxAliasCount: 100 });
  } catch {
    return { specifiers: [], source };
  }
  const plugins = (document as { plugins?: unknown } | null)?.plugins;
  const specifiers =
    Array.isArray(plugins) && plugins.every((entry) => typeof entry === 'string' && entry.length > 0)
      ? (plugins as string[])
      : [];
  return { specifiers, source };
}
