import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  ConfigError,
  CurrencySchema,
  configPath,
  InitiativeIdSchema,
  loadConfig,
  parseConfig,
} from '@impact/contracts';
import { PilotPlanSpecSchema } from '@impact/measure';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** A nested stage configuration written inline (validated by its stage when the run starts). */
const StageConfigObjectSchema = z.record(z.string(), z.unknown());

/** An inline stage configuration or the path of a YAML file holding it (relative to the pipeline file). */
const InlineOrFileSchema = z.union([
  configPath('a YAML file with the stage configuration'),
  StageConfigObjectSchema,
]);

/**
 * How a measured effect becomes money: `return = effect × value_per_unit × units` (the review stage's
 * valuation). With simulated retail data the effect is per product-day, so `units` is typically
 * products at scale × horizon days.
 *
 * @example
 * ```ts
 * PipelineValuationSchema.parse({ value_per_unit: 0.05, units: 2000 * 15, currency: 'USD' });
 * ```
 */
export const PipelineValuationSchema = z.strictObject({
  value_per_unit: z.number().min(0).default(1),
  units: z.number().min(0).default(1),
  currency: z.string().min(1).optional(),
  label: z.string().min(1).optional(),
});

/**
 * The pilot of one initiative: simulated data measured by a measure config, or a measure config with its own `data:`.
 *
 * @example
 * ```ts
 * PilotConfigSchema.parse({ simulation: { products: 400 }, measure: 'measure.yaml' });
 * ```
 */
export const PilotConfigSchema = z.strictObject({
  /** An `@impact/simulate` configuration (inline or a file); its data replace the measure config's `data:`. */
  simulation: InlineOrFileSchema.optional(),
  /** An `@impact/measure` run configuration (inline or a file); `initiative_id` defaults to the initiative's. */
  measure: InlineOrFileSchema,
  /**
   * Size the simulated pilot with `planPilot` from `@impact/measure` (`design: experiment`, or `did` with
   * `post_periods`): the simulation's `products` become the planned units, and the planned MDE is passed to
   * review (`diagnostics.planned_mde`).
   */
  plan: PilotPlanSpecSchema.optional(),
});

/**
 * The scale run of one initiative.
 *
 * @example
 * ```ts
 * ScaleConfigSchema.parse({ sample_size: 2000, treatment: { assignment: 'all' } });
 * ```
 */
export const ScaleConfigSchema = z.strictObject({
  /** Products simulated at scale (fresh draws with a seed derived from the pilot's). */
  sample_size: z.number().int().min(1).optional(),
  /** Treatment settings that differ at scale (merged over the pilot simulation's `treatment`). */
  treatment: StageConfigObjectSchema.optional(),
  /** A complete simulate configuration for the scale run, instead of `sample_size`/`treatment`. */
  simulation: InlineOrFileSchema.optional(),
  /** A measure configuration for the scale run; default: the pilot's. Required when the pilot is not simulated. */
  measure: InlineOrFileSchema.optional(),
});

/**
 * How an initiative is studied again after it was dropped: a new pilot (simulation and measure), used in
 * every later cycle of the same run or of a run reading the history.
 *
 * @example
 * ```ts
 * RestudyConfigSchema.parse({ pilot: { simulation: { products: 800 }, measure: 'experiment.yaml' } });
 * ```
 */
export const RestudyConfigSchema = z.strictObject({
  pilot: PilotConfigSchema,
});

/**
 * Calibration of review from earlier outcomes: `settings` are `@impact/review` calibration settings
 * (`prior_strength`, `nominal_coverage`, …; validated by `parseCalibrationSettings`).
 *
 * @example
 * ```ts
 * CalibrationConfigSchema.parse({ enabled: true, settings: { prior_strength: 3 } });
 * ```
 */
export const CalibrationConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  settings: StageConfigObjectSchema.default({}),
});

/**
 * One initiative of the pipeline.
 *
 * @example
 * ```ts
 * InitiativeConfigSchema.parse({ initiative_id: 'a', cost_to_scale: 10, pilot: { simulation: {}, measure: {} }, scale_sample_size: 1000 });
 * ```
 */
export const InitiativeConfigSchema = z
  .strictObject({
    initiative_id: InitiativeIdSchema,
    /** What scaling the initiative costs, in the budget's currency. */
    cost_to_scale: CurrencySchema,
    pilot: PilotConfigSchema,
    scale: ScaleConfigSchema.optional(),
    /** Shorthand for `scale.sample_size`. */
    scale_sample_size: z.number().int().min(1).optional(),
    valuation: PipelineValuationSchema.prefault({}),
    /**
     * The stronger design used when the initiative is piloted again after being dropped in an earlier cycle
     * (e.g. an experiment instead of an observational study, or a larger pilot).
     */
    restudy: RestudyConfigSchema.optional(),
    /** The first cycle in which the initiative competes (default: 1, from the start). */
    joins_in_cycle: z.number().int().min(1).optional(),
    /**
     * The last cycle in which the initiative competes (default: every cycle until it is scaled): an
     * opportunity that passes if it is not funded by then, such as a seasonal campaign.
     */
    leaves_after_cycle: z.number().int().min(1).optional(),
  })
  .superRefine((initiative, ctx) => {
    if (
      initiative.leaves_after_cycle !== undefined &&
      initiative.leaves_after_cycle < (initiative.joins_in_cycle ?? 1)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['leaves_after_cycle'],
        input: initiative.leaves_after_cycle,
        message: `expected leaves_after_cycle ≥ joins_in_cycle (${initiative.joins_in_cycle ?? 1})`,
      });
    }
    const scale = initiative.scale;
    if (
      initiative.restudy !== undefined &&
      (initiative.restudy.pilot.simulation === undefined) !== (initiative.pilot.simulation === undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['restudy', 'pilot', 'simulation'],
        input: initiative.restudy.pilot.simulation,
        message:
          initiative.pilot.simulation === undefined
            ? 'expected no simulation because the first pilot is not simulated'
            : 'expected a simulation because the first pilot is simulated (the scale run is derived from it)',
      });
    }
    if (initiative.scale_sample_size !== undefined && scale?.sample_size !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['scale_sample_size'],
        input: initiative.scale_sample_size,
        message: 'expected either scale_sample_size or scale.sample_size, not both',
      });
    }
    if (
      scale?.simulation !== undefined &&
      (scale.sample_size !== undefined || scale.treatment !== undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['scale', 'simulation'],
        input: scale.simulation,
        message: 'expected either scale.simulation or scale.sample_size/scale.treatment, not both',
      });
    }
    const sampleSize = initiative.scale_sample_size ?? scale?.sample_size;
    if (initiative.pilot.simulation !== undefined) {
      if (sampleSize === undefined && scale?.simulation === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['scale_sample_size'],
          input: undefined,
          message:
            'expected the number of products at scale (scale_sample_size or scale.sample_size) because the pilot is simulated',
        });
      }
    } else {
      if (scale?.measure === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['scale', 'measure'],
          input: undefined,
          message:
            'expected a measure configuration with its own data for the scale run because the pilot is not simulated',
        });
      }
      if (sampleSize !== undefined || scale?.treatment !== undefined || scale?.simulation !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['pilot', 'simulation'],
          input: undefined,
          message: 'expected a pilot simulation because the scale run is simulated',
        });
      }
    }
  });

/**
 * The loop's pipeline configuration (snake_case YAML). Paths resolve against the pipeline file's folder.
 * Every key is documented in `docs/configuration.md`.
 *
 * @example
 * ```ts
 * const pipeline = PipelineConfigSchema.parse({ budget: 60000, initiatives: [] });
 * ```
 */
export const PipelineConfigSchema = z
  .strictObject({
    /** Money available for scaling, in the currency of `cost_to_scale`. */
    budget: CurrencySchema,
    /** Seed from which every simulation and model seed not written explicitly is derived. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(0),
    /** How many initiatives are simulated, measured and reviewed at the same time. */
    concurrency: z.number().int().min(1).max(64).default(4),
    /** Stop the whole run at the first failing initiative (default: report it as failed and go on). */
    fail_fast: z.boolean().default(false),
    initiatives: z.array(InitiativeConfigSchema).min(1),
    /** The review stage: an `@impact/review` configuration (`reviewer`, `rules`, `llm`). */
    review: StageConfigObjectSchema.default({}),
    /** The allocate stage: an `@impact/allocate` configuration without `budget` (`rule`, `min_confidence`, …). */
    allocate: StageConfigObjectSchema.default({}),
    /** Cycles run in one go (default 1), each with the full `budget`. */
    cycles: z.number().int().min(1).max(100).optional(),
    /** A history file (`history.json` of an earlier run) whose cycles come before this run's. */
    history: configPath('a history JSON file').optional(),
    /** Calibrate reviews from the outcomes in the history (re-estimated before every cycle). */
    calibration: CalibrationConfigSchema.optional(),
    /**
     * Modules the `impact` CLI imports before validating the pipeline (paths relative to this file, or package
     * names), so they can register the models, sources, reviewers and rules it names.
     */
    plugins: z.array(z.string().min(1)).optional(),
  })
  .superRefine((pipeline, ctx) => {
    const seen = new Map<string, number>();
    pipeline.initiatives.forEach((initiative, index) => {
      const first = seen.get(initiative.initiative_id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['initiatives', index, 'initiative_id'],
          input: initiative.initiative_id,
          message: `expected a unique initiative_id (initiatives[${first}] has the same)`,
        });
      } else seen.set(initiative.initiative_id, index);
    });
    if ('budget' in pipeline.allocate) {
      ctx.addIssue({
        code: 'custom',
        path: ['allocate', 'budget'],
        input: pipeline.allocate.budget,
        message: 'expected no budget here (set the budget once, at the top level)',
      });
    }
  });

/** A parsed pipeline configuration (paths resolved). */
export type PipelineConfig = z.output<typeof PipelineConfigSchema>;
/** A pipeline configuration as written. */
export type PipelineConfigInput = z.input<typeof PipelineConfigSchema>;
/** One parsed initiative. */
export type InitiativeConfig = z.output<typeof InitiativeConfigSchema>;
/** A parsed calibration section. */
export type CalibrationConfig = z.output<typeof CalibrationConfigSchema>;
/** A parsed valuation. */
export type PipelineValuation = z.output<typeof PipelineValuationSchema>;

/** A pipeline configuration with where it came from. */
export interface LoadedPipeline {
  config: PipelineConfig;
  /** Folder that relative paths resolved against. */
  baseDir: string;
  /** The YAML file, when the configuration came from one. */
  file?: string;
  /**
   * The configuration as validated but before path resolution, so its hash does not depend on where the
   * checkout lives.
   */
  portable: PipelineConfig;
}

/**
 * Read and validate a pipeline YAML file. Throws `ConfigError` naming the field, e.g.
 * `pipeline.yaml: initiatives[3].cost_to_scale: expected a number, got "ten"`.
 *
 * @example
 * ```ts
 * const { config } = loadPipelineConfig('examples/retail-five-initiatives/pipeline.yaml');
 * ```
 */
export function loadPipelineConfig(file: string): LoadedPipeline {
  const config = loadConfig(file, PipelineConfigSchema);
  // loadConfig succeeded, so the file exists and parses; re-read it for the location-independent form.
  const portable = parseConfig(parseYaml(readFileSync(file, 'utf8')) ?? {}, PipelineConfigSchema, { file });
  return { config, baseDir: dirname(resolve(file)), file, portable };
}

/**
 * Validate a pipeline configuration built in code. Relative paths resolve against `baseDir` (default: the
 * working directory). Throws `ConfigError` naming the field.
 *
 * @example
 * ```ts
 * const { config } = parsePipelineConfig({ budget: 1000, initiatives: [...] });
 * ```
 */
export function parsePipelineConfig(value: unknown, baseDir: string = process.cwd()): LoadedPipeline {
  const config = parseConfig(value, PipelineConfigSchema, { baseDir });
  const portable = parseConfig(value, PipelineConfigSchema);
  return { config, baseDir, portable };
}

/**
 * Re-throw a `ConfigError` raised while validating a nested section with its paths under `prefix`, e.g.
 * `rules.x` → `review.rules.x`. Other errors pass through unchanged.
 *
 * @example
 * ```ts
 * try { parseConfig(section, Schema) } catch (error) { throw prefixConfigError(error, 'review', file) }
 * ```
 */
export function prefixConfigError(error: unknown, prefix: string, file?: string): unknown {
  if (!(error instanceof ConfigError) || error.code !== 'CONFIG_INVALID') return error;
  const issues = error.issues.map((issue) => {
    const path = issue.path === '(root)' ? prefix : `${prefix}.${issue.path}`;
    return { ...issue, path, message: `${path}: expected ${issue.expected}, got ${issue.found}` };
  });
  const where = file === undefined ? '' : `${file}: `;
  return new ConfigError('CONFIG_INVALID', `${where}${issues[0]?.message ?? error.message}`, {
    issues,
    cause: error,
    ...(file === undefined ? {} : { file }),
  });
}
