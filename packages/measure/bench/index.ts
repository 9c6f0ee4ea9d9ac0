/**
 * `pnpm bench` for @impact/measure: imports every `bench/*.bench.ts` file (sorted) and awaits its exported
 * `run(): Promise<void>`, which prints its own table of median timings. Benchmarks measure; they never
 * assert. Pass file-name fragments to run only some: `pnpm bench experiment`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

console.log(`@impact/measure benchmarks on Node ${process.version} (${files.length} files)`);
for (const file of files) {
  console.log(`\n## ${file}`);
  const module = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => Promise<void> | void };
  if (typeof module.run !== 'function') {
    console.log(`(skipped: ${file} does not export run())`);
    continue;
  }
  await module.run();
}
