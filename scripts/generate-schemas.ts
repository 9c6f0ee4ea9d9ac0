/**
 * Writes the JSON Schema of every contract, and of the pipeline and measure YAML files, into docs/schemas/.
 * Run with `pnpm schemas`; tests in @impact/contracts and @impact/loop fail when the committed files are not
 * current.
 */
import { join } from 'node:path';
import { CONTRACT_SCHEMAS, type ContractName, contractJsonSchema, writeFileAtomic } from '@impact/contracts';
import { CONFIG_SCHEMAS, type ConfigSchemaName, configJsonSchema } from '../packages/loop/src/index';

const folder = join(import.meta.dirname, '..', 'docs', 'schemas');
for (const name of Object.keys(CONTRACT_SCHEMAS) as ContractName[]) {
  writeFileAtomic(
    join(folder, `${name}.schema.json`),
    `${JSON.stringify(contractJsonSchema(name), null, 2)}\n`,
  );
  console.log(`wrote docs/schemas/${name}.schema.json`);
}
for (const name of Object.keys(CONFIG_SCHEMAS) as ConfigSchemaName[]) {
  writeFileAtomic(
    join(folder, `${name}.schema.json`),
    `${JSON.stringify(configJsonSchema(name), null, 2)}\n`,
  );
  console.log(`wrote docs/schemas/${name}.schema.json`);
}
