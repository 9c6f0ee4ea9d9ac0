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
  const generated = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  if (name === 'pipeline') {
    // An inline `measure:` section is a measure config (every key optional: the loop fills initiative_id
    // and a scale section may override only some keys); describe it so editors complete it too.
    const inlineMeasure = z.toJSONSchema(MeasureConfigSchema.partial(), {
      io: 'input',
      unrepresentable: 'any',
    });
    delete (inlineMeasure as { $schema?: unknown }).$schema;
    linkInlineMeasure(generated);
    generated.$defs = { ...((generated.$defs as object | undefined) ?? {}), inlineMeasure };
  }
  return {
    ...generated,
    $id: `https://impact-loop.dev/schemas/${name}.schema.json`,
    title: `${name}.yaml`,
    description,
  };
}

/** Point the object branch of every `measure:` property (file path or inline config) at `#/$defs/inlineMeasure`. */
function linkInlineMeasure(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) linkInlineMeasure(item);
    return;
  }
  const record = node as Record<string, unknown>;
  const measure = (record.properties as Record<string, { anyOf?: Record<string, unknown>[] }> | undefined)
    ?.measure;
  if (measure?.anyOf !== undefined)
    measure.anyOf = measure.anyOf.map((branch) =>
      branch.type === 'object' ? { $ref: '#/$defs/inlineMeasure' } : branch,
    );
  for (const value of Object.values(record)) linkInlineMeasure(value);
}
