import { METRICS } from '../config/metrics';

const METRIC_COUNT = METRICS.length;

/** Index of revenue among the metrics: the one outcome that is not a count. */
const REVENUE = METRIC_COUNT - 1;

/** Values per block in {@link BlockOutputs.sums}: the four ground-truth sums of every metric. */
export const BLOCK_SUMS = 4 * METRIC_COUNT;

/**
 * The four ground-truth sums of a run, one value per metric each: Y1 − Y0 and Y0 over treated
 * post-period product-days, then Y1 − Y0 and Y0 over all of them.
 */
export type GroundTruthSums = [Float64Array, Float64Array, Float64Array, Float64Array];

/**
 * Where `SimulationRun.fillBlock` writes a block of products: its {@link GroundTruthSums}
 * ({@link BLOCK_SUMS} values from `sumsOffset`), each product's Y1 − Y0 sums (`productDiffs`, one per
 * metric and product) and, for every post-period product-day, the revenue of the world not observed
 * (`counterfactualRevenue`, row (day − first post day) × n + product).
 *
 * @example
 * ```ts
 * const outputs: BlockOutputs = { sums, sumsOffset: block * BLOCK_SUMS, productDiffs, counterfactualRevenue };
 * ```
 */
export interface BlockOutputs {
  sums: Float64Array;
  sumsOffset: number;
  productDiffs: Float64Array;
  counterfactualRevenue: Float64Array;
}

/**
 * Set every count metric (all but revenue) of `sums` to the total over `blockCount` blocks. Counts and
 * their differences are integers far below 2^53, so these totals are exact and equal the sequential
 * sums whatever the order. Revenue is set to 0 for {@link addRevenueInOrder}.
 *
 * @example
 * ```ts
 * addBlockCounts(sums, outputs, blockCount);
 * ```
 */
export function addBlockCounts(sums: GroundTruthSums, outputs: BlockOutputs, blockCount: number): void {
  sums.forEach((sum, s) => {
    for (let m = 0; m < REVENUE; m += 1) {
      let total = 0;
      for (let block = 0; block < blockCount; block += 1) {
        total += outputs.sums[block * BLOCK_SUMS + s * METRIC_COUNT + m] as number;
      }
      sum[m] = total;
    }
    sum[REVENUE] = 0;
  });
}

/**
 * Add the revenue of every post-period product-day to `sums` in the order `SimulationRun.fillDay`
 * does (day, then product) and with the same operations, from the observed revenue column (rows day ×
 * n + product) and the recorded revenue of the other world: Y1 is observed for treated products, Y0
 * for the others. Revenue is rounded to cents, not an integer, so only this order reproduces the
 * sequential sums bit for bit.
 *
 * @example
 * ```ts
 * addRevenueInOrder(sums, columns.revenue, outputs.counterfactualRevenue, treated, firstPostDay);
 * ```
 */
export function addRevenueInOrder(
  sums: GroundTruthSums,
  observed: Float64Array,
  counterfactual: Float64Array,
  treated: Uint8Array,
  firstPostDay: number,
): void {
  const n = treated.length;
  const [diffTreated, untreatedTreated, diffAll, untreatedAll] = sums;
  const postDays = n === 0 ? 0 : counterfactual.length / n;
  for (let post = 0; post < postDays; post += 1) {
    const rowOffset = (firstPostDay + post) * n;
    const counterfactualOffset = post * n;
    for (let i = 0; i < n; i += 1) {
      const seen = observed[rowOffset + i] as number;
      const other = counterfactual[counterfactualOffset + i] as number;
      const isTreated = treated[i] === 1;
      const y0 = isTreated ? other : seen;
      const diff = (isTreated ? seen : other) - y0;
      diffAll[REVENUE] = (diffAll[REVENUE] as number) + diff;
      untreatedAll[REVENUE] = (untreatedAll[REVENUE] as number) + y0;
      if (isTreated) {
        diffTreated[REVENUE] = (diffTreated[REVENUE] as number) + diff;
        untreatedTreated[REVENUE] = (untreatedTreated[REVENUE] as number) + y0;
      }
    }
  }
}
