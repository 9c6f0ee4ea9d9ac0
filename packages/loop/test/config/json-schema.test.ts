import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { CONFIG_SCHEMAS, type ConfigSchemaName, configJsonSchema } from '../../src/index';

const SCHEMA_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'schemas');
const EXAMPLES = join(import.meta.dirname, '..', '..', '..', '..', 'examples');

describe('JSON Schemas of the YAML config files', () => {
  it.each(Object.keys(CONFIG_SCHEMAS) as ConfigSchemaName[])(
    'docs/schemas/%s.schema.json is current',
    (name) => {
      const committed = readFileSync(join(SCHEMA_DIR, `${name}.schema.json`), 'utf8');
      expect(committed, 'run `pnpm schemas` to regenerate').toBe(
        `${JSON.stringify(configJsonSchema(name), null, 2)}\n`,
      );
    },
  );

  it('requires budget and initiatives and rejects unknown top-level keys in a pipeline', () => {
    const schema = configJsonSchema('pipeline') as { required: string[]; additionalProperties: boolean };
    expect(schema.required).toEqual(expect.arrayContaining(['budget', 'initiatives']));
    expect(schema.additionalProperties).toBe(false);
  });

  it('accepts the example pipelines and catches a typo inside an inline measure section', () => {
    // zod's own JSON Schema reader as an independent check that the published schema describes real files.
    const validator = z.fromJSONSchema(
      configJsonSchema('pipeline') as Parameters<typeof z.fromJSONSchema>[0],
    );
    for (const file of [
      'retail-five-initiatives/pipeline.yaml',
      'multi-cycle/pipeline.yaml',
      'custom-adapters/pipeline.yaml',
    ])
      expect(validator.safeParse(parse(readFileSync(join(EXAMPLES, file), 'utf8'))).success, file).toBe(true);
    const typo = {
      budget: 1,
      initiatives: [{ initiative_id: 'a', cost_to_scale: 1, pilot: { measure: { modle: {} } } }],
    };
    expect(validator.safeParse(typo).success).toBe(false);
  });

  it.each([
    'retail-five-initiatives/pipeline.yaml',
    'multi-cycle/pipeline.yaml',
    'custom-adapters/pipeline.yaml',
  ])('examples/%s points the YAML language server at the pipeline schema', (file) => {
    const first = readFileSync(join(EXAMPLES, file), 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=../../docs/schemas/pipeline.schema.json');
  });
});
