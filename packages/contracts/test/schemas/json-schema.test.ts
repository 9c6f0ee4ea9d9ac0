import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_SCHEMAS, type ContractName, contractJsonSchema } from '../../src/index';

const SCHEMA_DIR = join(__dirname, '..', '..', '..', '..', 'docs', 'schemas');

describe('published JSON Schemas', () => {
  it.each(Object.keys(CONTRACT_SCHEMAS) as ContractName[])(
    'docs/schemas/%s.schema.json is current',
    (name) => {
      const committed = readFileSync(join(SCHEMA_DIR, `${name}.schema.json`), 'utf8');
      expect(committed, 'run `pnpm schemas` to regenerate').toBe(
        `${JSON.stringify(contractJsonSchema(name), null, 2)}\n`,
      );
    },
  );

  it('marks required fields and forbids unknown ones', () => {
    const schema = contractJsonSchema('MeasureResult') as {
      required: string[];
      additionalProperties: boolean;
    };
    expect(schema.required).toContain('effect_estimate');
    expect(schema.required).not.toContain('ci_level');
    expect(schema.additionalProperties).toBe(false);
  });
});
