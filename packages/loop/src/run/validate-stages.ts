import { existsSync } from 'node:fs';
import { AllocateConfigSchema, resolveRule, resolveSolver } from '@impact/allocate';
import { ConfigError, type FieldIssue, ImpactError, parseConfig } from '@impact/contracts';
import { getDataSource, getModel, getTransform, MeasureConfigSchema } from '@impact/measure';
import { SimulationConfigSchema } from '@impact/simulate';
import type { LoadedPipeline } from '../config/pipeline-schema';
import type { LoopPhase, LoopStages } from '../stages/stages';
import type { CycleInput, PoolEntry } from './cycle-state';
import { buildPhaseConfigs } from './phase-config';

/** Issues found so far, deduplicated (a measure file shared by pilot and scale is reported once). */
class Issues {
  readonly list: FieldIssue[] = [];

  add(issue: FieldIssue): void {
    if (!this.list.some((known) => known.message === issue.message)) this.list.push(issue);
  }

  /** Run `check`; record what it throws as issues under `prefix` (a bug, i.e. not a typed error, propagates). */
  check(prefix: string, check: () => void, field?: string): boolean {
    try {
      check();
      return true;
    } catch (error) {
      if (!(error instanceof ImpactError)) throw error;
      for (const issue of issuesOf(error, prefix, field)) this.add(issue);
      return false;
    }
  }
}

function join(prefix: string, path: string | undefined): string {
  if (path === undefined || path === '' || path === '(root)') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** A typed error as field issues under `prefix`; a nested file's name stays in the message. */
function issuesOf(error: ImpactError, prefix: string, fieldOverride?: string): FieldIssue[] {
  if (error instanceof ConfigError && error.issues.length > 0) {
    const where = error.file === undefined ? '' : ` (in ${error.file})`;
    return error.issues.map((issue) => {
      // Phase configs already name their issues from the pipeline's root.
      if (issue.path.startsWith('initiatives[')) return { ...issue, message: `${issue.message}${where}` };
      const path = join(prefix, issue.path);
      return { ...issue, path, message: `${path}: expected ${issue.expected}, got ${issue.found}${where}` };
    });
  }
  const named = error as ImpactError & { parameter?: unknown; field?: unknown };
  const own =
    typeof named.parameter === 'string'
      ? named.parameter
      : typeof named.field === 'string'
        ? named.field
        : undefined;
  const field = fieldOverride ?? own;
  const path = join(prefix, field);
  const message = error.message.startsWith(`${field}:`)
    ? error.message.slice(`${field}:`.length).trim()
    : error.message;
  return [{ path, expected: message, found: '', message: `${path}: ${message} (${error.code})` }];
}

/** The measure config of a phase, checked with `@impact/measure`'s schema and every adapter's own one. */
function checkMeasure(
  issues: Issues,
  prefix: string,
  raw: Record<string, unknown>,
  simulated: boolean,
  file: string | undefined,
): void {
  const from = file === undefined ? {} : { file };
  let config: ReturnType<typeof MeasureConfigSchema.parse> | undefined;
  if (!issues.check(prefix, () => (config = parseConfig(raw, MeasureConfigSchema, from)))) return;
  if (config === undefined) return;
  const parsed = config;
  let model: ReturnType<typeof getModel> | undefined;
  if (issues.check(prefix, () => (model = getModel(parsed.model.name))) && model !== undefined) {
    const { paramsSchema } = model;
    issues.check(`${prefix}.model.params`, () => parseConfig(parsed.model.params, paramsSchema, from));
  }
  parsed.transforms.forEach((spec, k) => {
    const { name, ...rest } = spec;
    let transform: ReturnType<typeof getTransform> | undefined;
    const at = `${prefix}.transforms[${k}]`;
    if (!issues.check(at, () => (transform = getTransform(name)), 'name') || transform === undefined) return;
    const { paramsSchema } = transform;
    issues.check(at, () => parseConfig(rest, paramsSchema, from));
  });
  if (simulated || parsed.data === undefined) return;
  const { source, ...rest } = parsed.data;
  let adapter: ReturnType<typeof getDataSource> | undefined;
  if (!issues.check(prefix, () => (adapter = getDataSource(source))) || adapter === undefined) return;
  const { specSchema } = adapter;
  issues.check(`${prefix}.data`, () => {
    parseConfig(rest, specSchema, from);
    const path = rest.path;
    if (typeof path === 'string' && !existsSync(path)) {
      throw new ConfigError('CONFIG_INVALID', `path: expected an existing data file, got "${path}"`, {
        issues: [
          { path: 'path', expected: 'an existing data file', found: JSON.stringify(path), message: '' },
        ],
        ...from,
      });
    }
  });
}

/** Of the allocate section: the schema, the rule and solver names, and every id in `mandatory`/`excluded`. */
function checkAllocate(issues: Issues, pipeline: LoadedPipeline): void {
  const { config } = pipeline;
  let parsed: ReturnType<typeof AllocateConfigSchema.parse> | undefined;
  const ok = issues.check('allocate', () => {
    parsed = parseConfig({ ...config.allocate, budget: config.budget }, AllocateConfigSchema);
  });
  if (!ok || parsed === undefined) return;
  const allocate = parsed;
  issues.check('allocate', () => resolveRule(allocate.rule));
  issues.check('allocate', () => resolveSolver(allocate.solver));
  const ids = config.initiatives.map((initiative) => initiative.initiative_id);
  for (const key of ['mandatory', 'excluded'] as const) {
    (allocate[key] ?? []).forEach((id, k) => {
      if (ids.includes(id)) return;
      const path = `allocate.${key}[${k}]`;
      const expected = `one of the initiatives' ids (${ids.map((known) => `"${known}"`).join(', ')})`;
      issues.add({
        path,
        expected,
        found: JSON.stringify(id),
        message: `${path}: expected ${expected}, got ${JSON.stringify(id)}`,
      });
    });
  }
}

/** Every pool entry a run can meet: each initiative's pilot design, and its restudy design when it has one. */
function designs(pipeline: LoadedPipeline): PoolEntry[] {
  return pipeline.config.initiatives.flatMap((initiative, index) => [
    { initiative, index, restudied: false },
    ...(initiative.restudy === undefined
      ? []
      : [{ initiative: { ...initiative, pilot: initiative.restudy.pilot }, index, restudied: true }]),
  ]);
}

/**
 * Validate the whole pipeline before any pilot runs: every referenced stage file is read, every nested
 * simulation config is parsed with `@impact/simulate`'s schema, every measure config with
 * `@impact/measure`'s (model name and `params` with the model's own schema, transforms, the data source's
 * spec and the data file's existence, `ci_level`), and `allocate:` with `@impact/allocate`'s (rule and solver
 * names, `mandatory`/`excluded` ids). Stages replaced in `options.stages` are not checked with the built-in
 * adapters' schemas. Throws one `ConfigError` listing every problem (`issues`), the message naming the first
 * with its file, path and expectation.
 *
 * @example
 * ```ts
 * validatePipelineStages(loadPipelineConfig('pipeline.yaml'), {});
 * ```
 */
export function validatePipelineStages(pipeline: LoadedPipeline, replaced: Partial<LoopStages>): void {
  const issues = new Issues();
  const input = { pipeline, cycle: 1, seed: pipeline.config.seed } as CycleInput;
  for (const entry of designs(pipeline)) {
    const field = `initiatives[${entry.index}]`;
    for (const phase of ['pilot', 'scale'] as LoopPhase[]) {
      const at = phase === 'pilot' ? `${field}${entry.restudied ? '.restudy' : ''}.pilot` : `${field}.scale`;
      let configs: ReturnType<typeof buildPhaseConfigs> | undefined;
      if (!issues.check(at, () => (configs = buildPhaseConfigs(input, entry, phase)))) continue;
      if (configs === undefined) continue;
      const { simulationConfig, measureRaw } = configs;
      if (simulationConfig !== undefined && replaced.simulate === undefined) {
        const source =
          phase === 'pilot' ? entry.initiative.pilot.simulation : entry.initiative.scale?.simulation;
        const from = typeof source === 'string' ? { file: source } : {};
        issues.check(`${at}.simulation`, () => parseConfig(simulationConfig, SimulationConfigSchema, from));
      }
      const measureAt =
        phase === 'scale' && entry.initiative.scale?.measure === undefined ? `${field}.pilot` : at;
      if (replaced.measure === undefined) {
        const source =
          phase === 'pilot'
            ? entry.initiative.pilot.measure
            : (entry.initiative.scale?.measure ?? entry.initiative.pilot.measure);
        const file = typeof source === 'string' ? source : undefined;
        checkMeasure(issues, `${measureAt}.measure`, measureRaw, simulationConfig !== undefined, file);
      }
    }
  }
  if (replaced.allocate === undefined) checkAllocate(issues, pipeline);
  const [first] = issues.list;
  if (first === undefined) return;
  const { file } = pipeline;
  const more =
    issues.list.length > 1
      ? ` (and ${issues.list.length - 1} more problem${issues.list.length > 2 ? 's' : ''})`
      : '';
  throw new ConfigError('CONFIG_INVALID', `${file === undefined ? '' : `${file}: `}${first.message}${more}`, {
    issues: issues.list,
    ...(file === undefined ? {} : { file }),
  });
}
