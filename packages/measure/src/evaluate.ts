import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import {
  ConfigError,
  createTable,
  hashValue,
  loadConfig,
  type MeasureResult,
  parseConfig,
  parseMeasureResult,
  stableStringify,
  type Table,
} from '@impact/contracts';
import type { z } from 'zod';
import { type MeasureConfig, type MeasureConfigInput, MeasureConfigSchema } from './config/schema';
import { MeasureError } from './errors';
import { type PushdownOutcome, pushdownIfRequested } from './models/pushdown/run';
import { measurementPlots } from './plots/measurement-plots';
import { refuteEstimate } from './refute/refute';
import { getDataSource, getModel, getStorage, getTransform } from './registry';
import {
  columnsUsedByRun,
  combineMissingReports,
  type MissingReport,
  missingDiagnostics,
  missingReportOf,
  namesReferencedByRun,
} from './sources/missing';
import { createFilesystemStorage } from './storage/filesystem';
import { createMemoryStorage } from './storage/memory';
import type { ArtifactFile, StorageAdapter } from './storage/storage';

/** Options of {@link evaluateImpact}: a config (object or YAML path), optional data and storage overrides. */
export interface EvaluateOptions {
  /** The run configuration as an object (alternative to `configPath`). */
  config?: MeasureConfigInput;
  /** Path of a YAML run configuration. */
  configPath?: string;
  /** Data passed in code; replaces the config's `data:`. */
  data?: Table;
  /** Storage instance; overrides `storageUrl` and the config's `storage:`. */
  storage?: StorageAdapter;
  /** A folder, `file://` URL, or `memory://`; overrides the config's `storage:`. */
  storageUrl?: string;
}

/** What {@link evaluateImpact} returns. */
export interface EvaluateResult {
  /** The validated Measure → Review contract. */
  result: MeasureResult;
  /** Where the artifacts were written, when a storage was configured. */
  artifactUri?: string;
  /** Model details (coefficients, weights, per-period effects) as also stored in `details.json`. */
  details: Record<string, unknown>;
}

/** Validate a section with an adapter's schema, reporting paths under `prefix` as ConfigError. */
function parseSection<S extends z.ZodType>(
  value: unknown,
  schema: S,
  prefix: string,
  file: string | undefined,
): z.output<S> {
  try {
    return parseConfig(value, schema, file === undefined ? {} : { file });
  } catch (error) {
    if (error instanceof ConfigError) {
      const issues = error.issues.map((issue) => {
        const path = issue.path === '(root)' ? prefix : `${prefix}.${issue.path}`;
        return { ...issue, path, message: issue.message.replace(issue.path, path) };
      });
      const where = file === undefined ? '' : `${file}: `;
      throw new ConfigError('CONFIG_INVALID', `${where}${issues[0]?.message ?? error.message}`, {
        issues,
        cause: error,
        ...(file === undefined ? {} : { file }),
      });
    }
    throw error;
  }
}

function storageFromUrl(url: string, baseDir: string): StorageAdapter {
  if (url.startsWith('memory://')) return createMemoryStorage();
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  return createFilesystemStorage(resolve(baseDir, path));
}

/**
 * Run one measurement: load data (config `data:` or `options.data`), apply `transforms:`, fit the model,
 * validate the {@link MeasureResult} contract, and — when a storage is given — write the job folder
 * `<initiative_id>-<hash of resolved config and data>` with `result.json`, `config.json` (resolved), `details.json` and
 * `manifest.json` (last). Errors: `ConfigError` for an invalid config (`MeasureError` `MODEL_PARAMS_INVALID` for invalid
 * `model.params`, naming the parameter), `MeasureError` for data and models.
 *
 * @example
 * ```ts
 * const { result, artifactUri } = await evaluateImpact({ configPath: 'measure.yaml', storageUrl: './results' });
 * console.log(result.effect_estimate, result.ci_lower, result.ci_upper);
 * ```
 */
export async function evaluateImpact(options: EvaluateOptions): Promise<EvaluateResult> {
  let config: MeasureConfig;
  let baseDir = process.cwd();
  const file = options.configPath;
  if (options.configPath !== undefined) {
    config = loadConfig(options.configPath, MeasureConfigSchema);
    baseDir = dirname(resolve(options.configPath));
  } else if (options.config !== undefined) {
    config = parseConfig(options.config, MeasureConfigSchema);
  } else {
    throw new MeasureError('MODEL_PARAMS_INVALID', 'evaluateImpact needs config or configPath', {
      parameter: 'config',
    });
  }

  // Resolve every adapter and validate every section before touching data.
  const model = getModel(config.model.name);
  let params: unknown;
  try {
    params = parseSection(config.model.params, model.paramsSchema, 'model.params', file);
  } catch (error) {
    // Invalid model parameters are reported with the model's own code, naming the parameter path.
    if (!(error instanceof ConfigError)) throw error;
    throw new MeasureError('MODEL_PARAMS_INVALID', `model "${model.name}": ${error.message}`, {
      cause: error,
      parameter: error.path ?? 'model.params',
    });
  }
  const transforms = config.transforms.map((spec, k) => {
    const { name, ...rest } = spec;
    const transform = getTransform(name);
    return { transform, params: parseSection(rest, transform.paramsSchema, `transforms[${k}]`, file) };
  });
  let storage = options.storage;
  if (!storage && options.storageUrl !== undefined)
    storage = storageFromUrl(options.storageUrl, process.cwd());
  if (!storage && config.storage) {
    const { name, ...rest } = config.storage;
    const factory = getStorage(name);
    storage = factory.create(parseSection(rest, factory.optionsSchema, 'storage', file), { baseDir });
  }

  let table: Table;
  let pushed: PushdownOutcome | undefined;
  let dataSpec: Record<string, unknown> = { source: 'code' };
  if (options.data) {
    table = options.data;
  } else if (config.data) {
    const { source, ...rest } = config.data;
    const adapter = getDataSource(source);
    const spec = parseSection(rest, adapter.specSchema, 'data', file);
    const columns = columnsUsedByRun(
      config.refute === undefined ? params : [params, config.refute],
      config.transforms,
    );
    const missingColumns = columns
      ? undefined
      : namesReferencedByRun(
          config.refute === undefined ? params : [params, config.refute],
          config.transforms,
        );
    const sourceContext = {
      baseDir,
      seed: config.seed,
      ...(columns ? { columns } : {}),
      ...(missingColumns ? { missingColumns } : {}),
    };
    // SQL sources with `pushdown: true` may fit the model inside the engine (models/pushdown/run.ts).
    const modelContext = { ciLevel: config.ci_level, seed: config.seed };
    pushed = await pushdownIfRequested(
      adapter,
      spec,
      model,
      params,
      transforms.length,
      sourceContext,
      modelContext,
      { refuting: config.refute !== undefined },
    );
    table = pushed?.estimate ? createTable({}) : await adapter.load(spec, sourceContext);
    dataSpec = config.data;
  } else {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      'no data: set data: in the config or pass data to evaluateImpact',
      { parameter: 'data' },
    );
  }
  // Rows dropped for missing values (source `missing: drop`, `drop_missing` transforms) go into diagnostics.
  const missingReports: MissingReport[] = [];
  const loadedReport = missingReportOf(table);
  if (loadedReport) missingReports.push(loadedReport);
  for (const { transform, params: transformParams } of transforms) {
    table = transform.apply(table, transformParams);
    const report = missingReportOf(table);
    if (report && !missingReports.includes(report)) missingReports.push(report);
  }
  const missingReport = combineMissingReports(missingReports);

  const modelContextForFit = { ciLevel: config.ci_level, seed: config.seed };
  let estimate = pushed?.estimate ?? model.fit(table, params, modelContextForFit);
  if (pushed) Object.assign(estimate.diagnostics, pushed.diagnostics);
  if (config.refute !== undefined) {
    // Refutation stage: refits with placebo treatments/outcomes, a random covariate and data subsets (src/refute/).
    estimate = refuteEstimate({
      model,
      params: params as Record<string, unknown>,
      table,
      estimate,
      config: config.refute,
      context: modelContextForFit,
    });
  }
  const result = parseMeasureResult({
    initiative_id: config.initiative_id,
    effect_estimate: estimate.effect_estimate,
    ci_lower: estimate.ci_lower,
    ci_upper: estimate.ci_upper,
    ci_level: config.ci_level,
    standard_error: estimate.standard_error,
    p_value: estimate.p_value,
    sample_size: estimate.sample_size,
    model_type: model.modelType,
    method: model.name,
    metric: estimate.metric,
    effect_unit: estimate.effect_unit,
    diagnostics: missingReport
      ? { ...estimate.diagnostics, ...missingDiagnostics(missingReport) }
      : estimate.diagnostics,
  });

  if (!storage) return { result, details: estimate.details };
  const resolvedConfig = { ...config, model: { name: config.model.name, params }, data: dataSpec };
  const configJson = stableStringify(toJsonSafe(resolvedConfig), 2);
  const jobId = `${config.initiative_id}-${hashValue({ config: toJsonSafe(resolvedConfig), data: pushed?.fingerprint ?? dataFingerprint(table) }).slice(0, 12)}`;
  const files: ArtifactFile[] = [
    { name: 'result.json', content: `${stableStringify(result, 2)}\n` },
    { name: 'config.json', content: `${configJson}\n` },
    { name: 'details.json', content: `${stableStringify(toJsonSafe(estimate.details), 2)}\n` },
  ];
  // Diagnostic plots (event study, synthetic-control gap, ITS counterfactual, balance…) beside the details.
  for (const plot of measurementPlots(
    toJsonSafe(estimate.details) as Record<string, unknown>,
    config.ci_level,
  ))
    files.push({ name: `plot-${plot.name}.svg`, content: `${plot.svg}\n` });
  const manifest = {
    job_id: jobId,
    initiative_id: config.initiative_id,
    model: model.name,
    files: files.map((f) => ({
      name: f.name,
      sha256: createHash('sha256').update(f.content).digest('hex'),
      bytes: Buffer.byteLength(f.content),
    })),
  };
  files.push({ name: 'manifest.json', content: `${stableStringify(manifest, 2)}\n` });
  const artifactUri = await storage.write({ jobId, files });
  return { result, artifactUri, details: estimate.details };
}

/** SHA-256 of the analysed table's column names, types and values, so different data gives a different job. */
function dataFingerprint(table: Table): string {
  const hash = createHash('sha256');
  hash.update(`rows:${table.rowCount}\n`);
  for (const name of Object.keys(table.columns).sort()) {
    const values = table.columns[name] as Table['columns'][string];
    hash.update(`column:${name}:${values.constructor.name}\n`);
    if (Array.isArray(values)) hash.update(JSON.stringify(values));
    else {
      const typed = values as Float64Array | Int32Array | Uint8Array;
      hash.update(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
    }
  }
  return hash.digest('hex');
}

/** Typed arrays → plain arrays, Tables → a summary, non-finite numbers → null, so artifacts are valid JSON. */
function toJsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (ArrayBuffer.isView(value))
    return Array.from(value as unknown as ArrayLike<number>, (v) => toJsonSafe(v));
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (
      typeof record.rowCount === 'number' &&
      typeof record.columns === 'object' &&
      record.columns !== null
    ) {
      return { table: { rowCount: record.rowCount, columns: Object.keys(record.columns as object) } };
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, toJsonSafe(v)]));
  }
  return value;
}
