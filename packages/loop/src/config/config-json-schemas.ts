import { MeasureConfigSchema } from '@impact/measure';
import { z } from 'zod';
import { PipelineConfigSchema } from './pipeline-schema';

/** The YAML files that have a published JSON Schema (`docs/schemas/<name>.schema.json`). */
export const CONFIG_SCHEMAS = {
  pipeline: {
    schema: PipelineConfigSchema,
    description:
      'An Impact Loop pipeline (`impact run pipeline.yaml`): budget, initiatives with their pilot and scale measurements, review and allocate stages. Stage sections and adapter params are checked by their own adapters when the run starts.',
  },
  measure: {
    schema: MeasureConfigSchema,
    description:
      'One @impact/measure measurement (`impact measure measure.yaml`): data source, transforms, model and its params, ci_level, storage. Model params are checked by the model.',
  },
} as const;

/** A config file with a published JSON Schema. */
export type ConfigSchemaName = keyof typeof CONFIG_SCHEMAS;

/**
 * The JSON Schema (draft 2020-12) of a YAML config file as written (defaults optional), generated from its
 * zod schema, for editor completion and validation: point the YAML at it with
 * `# yaml-language-server: $schema=<path>/pipeline.schema.json`. Parts zod cannot express in JSON Schema
 * (refinements across fields) are checked only when the file is loaded.
 *
 * @example
 * ```ts
 * const schema = configJsonSchema('pipeline');
 * ```
 */
export function configJsonSchema(name: ConfigSchemaName): Record<string, unknown> {
  const { schema, description } = CONFIG_SCHEMAS[name];
  return {
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    $id: `https://impact-loop.dev/schemas/${name}.schema.json`,
    title: `${name}.yaml`,
    description,
  };
}
