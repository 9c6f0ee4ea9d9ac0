import { CiLevelSchema, InitiativeIdSchema } from '@impact/contracts';
import { z } from 'zod';
import { RefuteConfigSchema } from '../refute/schema';

/**
 * `data:` of a measure config: `source` names a registered data source; the remaining keys belong to
 * that source and are validated (strictly) by its own schema when the run starts.
 */
export const DataSpecSchema = z.looseObject({ source: z.string().min(1) });

/** One `transforms:` entry: `name` plus the transform's own (strictly validated) keys. */
export const TransformSpecSchema = z.looseObject({ name: z.string().min(1) });

/**
 * Schema of a measure run configuration (one YAML file per run). Unknown keys are rejected.
 *
 * @example
 * ```yaml
 * initiative_id: enrichment-pilot
 * data: { source: file, path: data/pilot.csv }
 * model: { name: experiment, params: { formula: "revenue ~ enriched + price" } }
 * ci_level: 0.95
 * storage: { name: filesystem, url: ./results }
 * ```
 */
export const MeasureConfigSchema = z.strictObject({
  initiative_id: InitiativeIdSchema,
  data: DataSpecSchema.optional(),
  transforms: z.array(TransformSpecSchema).default([]),
  model: z.strictObject({
    name: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
  }),
  ci_level: CiLevelSchema.default(0.95),
  /** Seed for models that draw random numbers (bootstrap, placebo order). */
  seed: z.number().int().min(0).default(0),
  storage: z.looseObject({ name: z.string().min(1) }).optional(),
  /**
   * Modules the `impact` CLI imports before validating this file (paths relative to it, or package names), so
   * they can register the models, sources and transforms it names. Code calls `loadPlugins` itself.
   */
  plugins: z.array(z.string().min(1)).optional(),
  /** Refutations run after the fit (placebos, random common cause, data subsets, E-values); see docs/measure-refutation.md. */
  refute: RefuteConfigSchema.optional(),
});
/** A parsed measure config. */
export type MeasureConfig = z.output<typeof MeasureConfigSchema>;
/** A measure config as written (defaults optional). */
export type MeasureConfigInput = z.input<typeof MeasureConfigSchema>;
