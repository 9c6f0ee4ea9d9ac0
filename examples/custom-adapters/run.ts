/**
 * A pipeline whose data source, model and allocation rule are all custom adapters, registered by name and
 * selected in pipeline.yaml. Writes the JSON exports to data/, runs the loop and prints the outcome table.
 *
 *   npx tsx --conditions=@impact/source examples/custom-adapters/run.ts
 */
import { fileURLToPath } from 'node:url';
import { droppedTableMarkdown, outcomeTableMarkdown, runLoop } from '../../packages/loop/src/index';
import { registerCustomAdapters } from './adapters';
import { makeData } from './make-data';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

makeData(here('data'));
registerCustomAdapters();
const report = await runLoop({ configPath: here('pipeline.yaml'), outDir: here('results') });
console.log(outcomeTableMarkdown(report));
console.log(`\nDropped:\n${droppedTableMarkdown(report)}`);
console.log(`\nReports in ${here('results')}`);
