/**
 * Writes the JSON Schema of every contract into docs/schemas/. Run with `pnpm schemas`; a test in
 * @impact/contracts fails when the committed files are not current.
 */
import { join } from 'node:path';
import { CONTRACT_SCHEMAS, type ContractName, contractJsonSchema, writeFileAtomic } from '@impact/contracts';

const folder = join(import.meta.dirname, '..', 'docs', 'schemas');
for (const name of Object.keys(CONTRACT_SCHEMAS) as ContractName[]) {
  writeFileAtomic(
    join(folder, `${name}.schema.json`),
    `${JSON.stringify(contractJsonSchema(name), null, 2)}\n`,
  );
  console.log(`wrote docs/schemas/${name}.schema.json`);
}
