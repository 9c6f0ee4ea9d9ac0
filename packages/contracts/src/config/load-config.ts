import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { summarizeIssues, toFieldIssues } from '../validation/issues';
import { forbiddenKeyIssue } from './forbidden-keys';

/** Schemas whose string values are file-system paths, resolved against the config file's folder. */
const pathFields = z.registry<{ description?: string }>();

/**
 * A config field holding a file-system path. Relative values are resolved against the folder of the
 * YAML file that {@link loadConfig} reads (or the `baseDir` given to {@link parseConfig}).
 *
 * @example
 * ```ts
 * const Schema = z.strictObject({ data: configPath(), out: configPath().optional() });
 * ```
 */
export function configPath(description?: string): z.ZodString {
  const schema = z.string().min(1, 'expected a non-empty path');
  pathFields.add(schema, description === undefined ? {} : { description });
  return schema;
}

/** Options for {@link parseConfig}. */
export interface ParseConfigOptions {
  /** The file the value came from, for messages. */
  file?: string;
  /** Folder that relative {@link configPath} fields resolve against; without it they stay as written. */
  baseDir?: string;
}

/**
 * Validate an already-loaded configuration object (from code or another format) with the same messages
 * and path resolution as {@link loadConfig}. Throws {@link ConfigError} (`CONFIG_INVALID`), also for a
 * `__proto__`, `constructor` or `prototype` key at any depth (free-form sections included).
 *
 * @example
 * ```ts
 * const config = parseConfig({ budget: 60000 }, PipelineSchema);
 * ```
 */
export function parseConfig<S extends z.ZodType>(
  value: unknown,
  schema: S,
  options: ParseConfigOptions = {},
): z.output<S> {
  const where = options.file ? `${options.file}: ` : '';
  const forbidden = forbiddenKeyIssue(value);
  if (forbidden !== undefined) {
    throw new ConfigError('CONFIG_INVALID', `${where}${forbidden.message}`, {
      issues: [forbidden],
      ...(options.file ? { file: options.file } : {}),
    });
  }
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error.issues, value);
    throw new ConfigError('CONFIG_INVALID', `${where}${summarizeIssues(issues)}`, {
      issues,
      cause: parsed.error,
      ...(options.file ? { file: options.file } : {}),
    });
  }
  return options.baseDir === undefined ? parsed.data : resolvePaths(schema, parsed.data, options.baseDir);
}

/**
 * Read a YAML configuration file, validate it with a zod schema, and resolve relative {@link configPath}
 * fields against the file's folder. Behaviour depends only on the file and the schema (no environment
 * variables). Throws {@link ConfigError}: `CONFIG_NOT_FOUND`, `CONFIG_UNREADABLE`, `CONFIG_YAML_SYNTAX`
 * (with line and column) or `CONFIG_INVALID` (with the field path, expectation and value found).
 *
 * @example
 * ```ts
 * const config = loadConfig('examples/pipeline.yaml', PipelineSchema);
 * ```
 */
export function loadConfig<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  const text = readConfigText(file);
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const position = syntaxError.linePos?.[0];
    const line = position?.line;
    const column = position?.col;
    const reason = syntaxError.message.split('\n')[0] ?? syntaxError.message;
    throw new ConfigError(
      'CONFIG_YAML_SYNTAX',
      `${file}${line === undefined ? '' : `:${line}:${column ?? 1}`}: invalid YAML: ${reason}`,
      {
        file,
        cause: syntaxError,
        ...(line === undefined ? {} : { line }),
        ...(column === undefined ? {} : { column }),
      },
    );
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError('CONFIG_YAML_SYNTAX', `${file}: invalid YAML: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  return parseConfig(value ?? {}, schema, { file, baseDir: dirname(resolve(file)) });
}

function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigError('CONFIG_NOT_FOUND', `${file}: configuration file not found`, {
        file,
        cause: error,
      });
    }
    throw new ConfigError(
      'CONFIG_UNREADABLE',
      `${file}: cannot read configuration file (${code ?? 'error'})`,
      {
        file,
        cause: error,
      },
    );
  }
}

type AnyDef = { type: string } & Record<string, unknown>;

/**
 * Walk a parsed value alongside its schema and resolve every {@link configPath} field against `baseDir`.
 * Unions pick the first option that accepts the value, mirroring how zod parsed it.
 */
function resolvePaths<T>(schema: z.ZodType, value: T, baseDir: string): T {
  return walk(schema, value, baseDir) as T;
}

function walk(schema: z.ZodType, value: unknown, baseDir: string): unknown {
  if (value === undefined || value === null) return value;
  if (pathFields.has(schema) && typeof value === 'string') {
    return isAbsolute(value) ? value : resolve(baseDir, value);
  }
  const def = (schema as unknown as { _zod: { def: AnyDef } })._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return walk(def.innerType as z.ZodType, value, baseDir);
    case 'lazy':
      return walk((def.getter as () => z.ZodType)(), value, baseDir);
    case 'pipe':
      return walk(def.out as z.ZodType, value, baseDir);
    case 'object': {
      if (typeof value !== 'object') return value;
      const shape = def.shape as Record<string, z.ZodType>;
      const result: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const [key, fieldSchema] of Object.entries(shape)) {
        if (key in result) result[key] = walk(fieldSchema, result[key], baseDir);
      }
      return result;
    }
    case 'array':
      return Array.isArray(value)
        ? value.map((item) => walk(def.element as z.ZodType, item, baseDir))
        : value;
    case 'tuple':
      return Array.isArray(value)
        ? value.map((item, index) => {
            const itemSchema = (def.items as z.ZodType[])[index] ?? (def.rest as z.ZodType | undefined);
            return itemSchema ? walk(itemSchema, item, baseDir) : item;
          })
        : value;
    case 'record': {
      if (typeof value !== 'object') return value;
      const entries = Object.entries(value as Record<string, unknown>);
      return Object.fromEntries(entries.map(([k, v]) => [k, walk(def.valueType as z.ZodType, v, baseDir)]));
    }
    case 'union': {
      for (const option of def.options as z.ZodType[]) {
        if (option.safeParse(value).success) return walk(option, value, baseDir);
      }
      return value;
    }
    default:
      return value;
  }
}
