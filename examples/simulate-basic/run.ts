/**
 * Simulate from config.yaml, write the data set to out/, and print the recorded truth next to a naive
 * comparison of treated and untreated products (biased here, because popular products were chosen more
 * often: exactly what the observational estimators in @impact/measure are for).
 */
import { fileURLToPath } from 'node:url';
import { loadSimulationConfig, simulate, writeSimulation } from '../../packages/simulate/src/index';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const result = simulate(loadSimulationConfig(here('config.yaml')));
const files = writeSimulation(here('out'), result);

const { revenue, post, enriched, treated } = result.metrics.columns as {
  revenue: Float64Array;
  post: Uint8Array;
  enriched: Uint8Array;
  treated: Uint8Array;
};
const sums = { treated: 0, treatedCells: 0, control: 0, controlCells: 0 };
for (let row = 0; row < result.metrics.rowCount; row += 1) {
  if (post[row] !== 1) continue;
  if (enriched[row] === 1) {
    sums.treated += revenue[row] as number;
    sums.treatedCells += 1;
  } else if (treated[row] === 0) {
    sums.control += revenue[row] as number;
    sums.controlCells += 1;
  }
}
const truth = result.groundTruth;
console.log(`${result.metrics.rowCount} product-days written to ${files.metrics}`);
console.log(`treated products: ${truth.n_treated} of ${truth.n_products}, from ${truth.treatment_start}`);
console.log(`true ATT on revenue:  ${truth.metrics.revenue.att_absolute.toFixed(2)} per product-day`);
console.log(`true ATE on revenue:  ${truth.metrics.revenue.ate_absolute.toFixed(2)} per product-day`);
console.log(
  `naive post-period difference: ${(sums.treated / sums.treatedCells - sums.control / sums.controlCells).toFixed(2)} (biased by selection)`,
);
