import { ImpactError } from '@impact/contracts';
import { METRICS } from '../config/metrics';
import type { SimulationConfig } from '../config/schema';
import { type GroundTruth, GroundTruthSchema } from '../ground-truth/schema';
import { addBlockCounts, addRevenueInOrder, type BlockOutputs, type GroundTruthSums } from './blocks';
import { CellEngine, type DayColumns } from './cells';

const METRIC_COUNT = METRICS.length;

export { allocateDayColumns, type DayColumns } from './cells';

/**
 * A simulation in progress: catalog, calendar and assignment are fixed at construction; days are then
 * generated one at a time (in any order) into caller-provided columns, and ground-truth sums accumulate
 * as they go (see {@link CellEngine} for the draws). `simulate` and `simulateByDay` are built on it.
 *
 * @example
 * ```ts
 * const run = new SimulationRun(SimulationConfigSchema.parse({ products: 10 }));
 * const columns = allocateDayColumns(run.catalog.size);
 * for (let day = 0; day < run.calendar.dayCount; day += 1) run.fillDay(day, columns, 0);
 * const truth = run.groundTruth();
 * ```
 */
export class SimulationRun extends CellEngine {
  private readonly daysDone: Uint8Array;
  private daysDoneCount = 0;

  constructor(config: SimulationConfig) {
    super(config);
    this.daysDone = new Uint8Array(this.calendar.dayCount);
  }

  /**
   * Generate day `day` (0-based) for every product into `columns` at rows `offset … offset + n − 1`
   * (products in catalog order). Each day may be generated once.
   */
  fillDay(day: number, columns: DayColumns, offset: number): void {
    if (!(day >= 0 && day < this.calendar.dayCount) || this.daysDone[day] === 1) {
      throw new ImpactError(
        'SIMULATION_DAY_INVALID',
        `day ${day} is outside 0…${this.calendar.dayCount - 1} or was already generated`,
      );
    }
    this.daysDone[day] = 1;
    this.daysDoneCount += 1;
    this.fillCells(day, columns, offset, 0, this.catalog.size);
  }

  /**
   * Take over the outputs of blocks that together cover every product (see
   * {@link CellEngine.fillBlock}) as if every day had been generated here with `fillDay`. The counts
   * (every metric but revenue) are integers far below 2^53, so their block sums add up exactly in any
   * order; revenue is re-summed from the observed and the recorded unobserved values in the order of
   * `fillDay` (day, then product), so the ground truth is the sequential one bit for bit.
   */
  mergeBlocks(columns: DayColumns, outputs: BlockOutputs, blockCount: number): void {
    const sums: GroundTruthSums = [this.diffTreated, this.untreatedTreated, this.diffAll, this.untreatedAll];
    addBlockCounts(sums, outputs, blockCount);
    addRevenueInOrder(
      sums,
      columns.revenue,
      outputs.counterfactualRevenue,
      this.treated,
      this.treatmentStartDay,
    );
    this.productDiffs.set(outputs.productDiffs);
    this.daysDone.fill(1);
    this.daysDoneCount = this.calendar.dayCount;
  }

  /**
   * The ground truth, once every day has been generated. Sums are over product-days; effects are means
   * per product-day, relative effects divide by the mean untreated outcome of the same cells.
   */
  groundTruth(): GroundTruth {
    if (this.daysDoneCount !== this.calendar.dayCount) {
      throw new ImpactError(
        'SIMULATION_INCOMPLETE',
        `ground truth needs all ${this.calendar.dayCount} days; ${this.daysDoneCount} were generated`,
      );
    }
    const n = this.catalog.size;
    const treatment = this.config.treatment;
    const postDays = this.calendar.dayCount - this.treatmentStartDay;
    let treatedCount = 0;
    for (let i = 0; i < n; i += 1) treatedCount += this.treated[i] as number;
    const ratio = (numerator: number, denominator: number): number =>
      denominator === 0 ? 0 : numerator / denominator;
    const metrics = {} as Record<(typeof METRICS)[number], GroundTruth['metrics']['revenue']>;
    METRICS.forEach((metric, m) => {
      const treatedCells = treatedCount * postDays;
      const allCells = n * postDays;
      const diffTreated = this.diffTreated[m] as number;
      const diffAll = this.diffAll[m] as number;
      metrics[metric] = {
        att_absolute: ratio(diffTreated, treatedCells),
        att_relative: ratio(diffTreated, this.untreatedTreated[m] as number),
        ate_absolute: ratio(diffAll, allCells),
        ate_relative: ratio(diffAll, this.untreatedAll[m] as number),
      };
    });
    const perProduct: GroundTruth['per_product'] = new Array(n);
    for (let i = 0; i < n; i += 1) {
      const base = i * METRIC_COUNT;
      const d = this.productDiffs;
      perProduct[i] = {
        product_id: this.catalog.productIds[i] as string,
        category: this.catalog.categories[i] as string,
        treated: this.treated[i] === 1,
        effects: {
          impressions: ratio(d[base] as number, postDays),
          visits: ratio(d[base + 1] as number, postDays),
          add_to_cart: ratio(d[base + 2] as number, postDays),
          orders: ratio(d[base + 3] as number, postDays),
          units: ratio(d[base + 4] as number, postDays),
          revenue: ratio(d[base + 5] as number, postDays),
        },
      };
    }
    return GroundTruthSchema.parse({
      treatment_start: treatment ? (this.calendar.dates[this.treatmentStartDay] as string) : null,
      n_products: n,
      n_days: this.calendar.dayCount,
      n_treated: treatedCount,
      n_post_days: postDays,
      assignment: treatment ? treatment.assignment : 'none',
      treatment_metric: treatment ? treatment.metric : null,
      effect: treatment ? { type: treatment.effect.type, size: treatment.effect.size } : null,
      metrics,
      per_product: perProduct,
    });
  }
}
