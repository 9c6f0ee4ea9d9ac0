import { ImpactError } from '@impact/contracts';
import { buildCalendar, type Calendar } from '../calendar/calendar';
import { epochDayOf } from '../calendar/dates';
import { type Catalog, generateCatalog } from '../catalog/catalog';
import { METRICS, type SimulationConfig } from '../config/schema';
import { type GroundTruth, GroundTruthSchema } from '../ground-truth/schema';
import { normalQuantile } from '../random/distributions';
import { cellFirstWord, cellLastWord, cellSubindexWord, cellUniforms, streamKey } from '../random/prng';
import { assignTreatment } from '../treatment/assignment';
import { addBlockCounts, addRevenueInOrder, type BlockOutputs, type GroundTruthSums } from './blocks';
import { FunnelDraw, FunnelStage, IMPRESSION_MEAN } from './funnel';
import { ProductBaseline, type ProductParameters, REDRAW_FROM } from './product-parameters';

const METRIC_COUNT = METRICS.length;

/** Numeric columns of the metrics table that {@link SimulationRun.fillDay} writes. */
export interface DayColumns {
  day: Int32Array;
  price: Float64Array;
  quality_score: Float64Array;
  impressions: Float64Array;
  visits: Float64Array;
  add_to_cart: Float64Array;
  orders: Float64Array;
  units: Float64Array;
  revenue: Float64Array;
  treated: Uint8Array;
  post: Uint8Array;
  enriched: Uint8Array;
}

/**
 * Allocate {@link DayColumns} for `rows` rows.
 *
 * @example
 * ```ts
 * const columns = allocateDayColumns(100);
 * ```
 */
export function allocateDayColumns(rows: number): DayColumns {
  return {
    day: new Int32Array(rows),
    price: new Float64Array(rows),
    quality_score: new Float64Array(rows),
    impressions: new Float64Array(rows),
    visits: new Float64Array(rows),
    add_to_cart: new Float64Array(rows),
    orders: new Float64Array(rows),
    units: new Float64Array(rows),
    revenue: new Float64Array(rows),
    treated: new Uint8Array(rows),
    post: new Uint8Array(rows),
    enriched: new Uint8Array(rows),
  };
}

/** Uniforms one product-day consumes: noise, impressions, visits, add-to-cart, orders, units. */
const UNIFORMS_PER_CELL = 6;

/**
 * A simulation in progress: catalog, calendar and assignment are fixed at construction; days are then
 * generated one at a time (in any order) into caller-provided columns, and ground-truth sums accumulate
 * as they go. `simulate` and `simulateByDay` are built on it.
 *
 * Every product-day consumes six uniforms from the `funnel` stream keyed by (product index, epoch day).
 * For a post-period day both potential outcomes are drawn from those same uniforms: Y0 with the
 * product's own parameters, Y1 with the treatment applied. The observed row is Y1 for treated products
 * and Y0 otherwise; Y1 − Y0 feeds the ground truth.
 *
 * @example
 * ```ts
 * const run = new SimulationRun(SimulationConfigSchema.parse({ products: 10 }));
 * const columns = allocateDayColumns(run.catalog.size);
 * for (let day = 0; day < run.calendar.dayCount; day += 1) run.fillDay(day, columns, 0);
 * const truth = run.groundTruth();
 * ```
 */
export class SimulationRun {
  readonly config: SimulationConfig;
  readonly catalog: Catalog;
  readonly calendar: Calendar;
  /** 1 where the product is assigned to treatment. */
  readonly treated: Uint8Array;
  /** Index of the first post-period day; `dayCount` without a treatment. */
  readonly treatmentStartDay: number;

  private readonly funnel: FunnelDraw;
  /** Per product, the words of its funnel cells' generator state that do not depend on the day. */
  private readonly firstWords: Int32Array;
  private readonly lastWords: Int32Array;
  private readonly productNoiseSigma: number;
  private readonly baseline: ProductBaseline;
  private readonly effectScales: Float64Array;
  private readonly intensities: Float64Array;
  /** Treated parameters (Y1) at intensity `effectScales × treatedRamp`; refilled when the ramp changes. */
  private readonly treatedParameters: ProductParameters;
  private treatedRamp = Number.NaN;
  private treatedFrom = 0;
  private treatedTo = 0;
  private readonly redrawFrom: number;
  private readonly untreatedOutcome = new Float64Array(METRIC_COUNT);
  private readonly rampDays: number;

  private readonly diffTreated = new Float64Array(METRIC_COUNT);
  private readonly untreatedTreated = new Float64Array(METRIC_COUNT);
  private readonly diffAll = new Float64Array(METRIC_COUNT);
  private readonly untreatedAll = new Float64Array(METRIC_COUNT);
  private readonly productDiffs: Float64Array;
  private readonly daysDone: Uint8Array;
  private daysDoneCount = 0;
  /** In block mode, where the revenue of the unobserved world goes (post-period days × products). */
  private counterfactualRevenue: Float64Array | undefined;

  constructor(config: SimulationConfig) {
    this.config = config;
    this.catalog = generateCatalog(config);
    this.calendar = buildCalendar(config);
    const n = this.catalog.size;
    const treatment = config.treatment;
    this.treated = treatment ? assignTreatment(this.catalog, treatment, config.seed) : new Uint8Array(n);
    const firstEpochDay = epochDayOf(config.start_date);
    this.treatmentStartDay = treatment
      ? treatment.start_date === undefined
        ? Math.floor((this.calendar.dayCount - 1) / 2)
        : epochDayOf(treatment.start_date) - firstEpochDay
      : this.calendar.dayCount;
    const funnelKey = streamKey(config.seed, 'funnel');
    this.firstWords = new Int32Array(n);
    this.lastWords = new Int32Array(n);
    for (let i = 0; i < n; i += 1) {
      const first = cellFirstWord(funnelKey, i);
      this.firstWords[i] = first;
      this.lastWords[i] = cellLastWord(first);
    }
    this.productNoiseSigma = config.seasonality.product_noise;
    this.baseline = new ProductBaseline(config, this.catalog);
    this.funnel = new FunnelDraw(this.baseline.binomialTables, this.baseline.poissonTables);
    this.effectScales = new Float64Array(n);
    if (treatment) {
      for (let i = 0; i < n; i += 1) {
        const category = this.catalog.categories[i] as keyof typeof treatment.heterogeneity.by_category;
        this.effectScales[i] = treatment.effect.size * (treatment.heterogeneity.by_category[category] ?? 1);
      }
    }
    this.intensities = new Float64Array(n);
    this.treatedParameters = this.baseline.allocate(treatment ? treatment.metric : 'conversion');
    this.redrawFrom = treatment ? REDRAW_FROM[treatment.metric] : FunnelStage.impressions;
    this.rampDays = treatment ? treatment.ramp_days : 0;
    this.productDiffs = new Float64Array(n * METRIC_COUNT);
    this.daysDone = new Uint8Array(this.calendar.dayCount);
  }

  /**
   * The treated parameters at this ramp (0 < ramp ≤ 1) for products `from … to − 1`, recomputed only
   * when the ramp or the range changes.
   */
  private treatedAt(ramp: number, from: number, to: number): ProductParameters {
    const treatment = this.config.treatment;
    if (treatment && (ramp !== this.treatedRamp || from !== this.treatedFrom || to !== this.treatedTo)) {
      const intensities = this.intensities;
      for (let i = from; i < to; i += 1) {
        intensities[i] = (this.effectScales[i] as number) * ramp;
      }
      this.baseline.fillTreated(
        this.treatedParameters,
        treatment.metric,
        treatment.effect.type === 'multiplicative',
        intensities,
        from,
        to,
      );
      this.treatedRamp = ramp;
      this.treatedFrom = from;
      this.treatedTo = to;
    }
    return this.treatedParameters;
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
   * Generate day `day` for products `from … to − 1` into `columns` at rows `offset + from … offset + to − 1`,
   * adding to the ground-truth sums; in block mode (see {@link SimulationRun.fillBlock}) the revenue of
   * the world not observed is also recorded, for the merge to sum revenue in the sequential order.
   */
  private fillCells(day: number, columns: DayColumns, offset: number, from: number, to: number): void {
    const funnel = this.funnel;
    const uniforms = funnel.uniforms;
    const outcome = funnel.outcome;
    const parameters = funnel.parameters;
    const dayWord = cellSubindexWord(this.calendar.epochDays[day] as number);
    const dayFactor = this.calendar.trafficFactors[day] as number;
    const sigma = this.productNoiseSigma;
    const noiseShift = (sigma * sigma) / 2;
    const post = day >= this.treatmentStartDay ? 1 : 0;
    const ramp =
      post === 1 && this.rampDays > 0 ? Math.min(1, (day - this.treatmentStartDay + 1) / this.rampDays) : 1;
    const { prices, qualityScores, baselineTraffic } = this.catalog;
    const firstWords = this.firstWords;
    const lastWords = this.lastWords;
    const treatedFlags = this.treated;
    const base = this.baseline.untreated;
    const treated = post === 1 ? this.treatedAt(ramp, from, to) : base;
    const {
      unitPrices: treatedPrices,
      qualityScores: treatedQualities,
      impressionFactors,
      impressionShifts,
      additiveImpressions,
    } = treated;
    const untreated = this.untreatedOutcome;
    const redrawFrom = this.redrawFrom;
    const { impressions, visits, add_to_cart: carts, orders, units, revenue } = columns;
    // Columns that do not depend on the draws are written in bulk; treated post-period rows then
    // overwrite price and quality_score with their treated values.
    const whole = from === 0 && to === treatedFlags.length;
    const flags = whole ? treatedFlags : treatedFlags.subarray(from, to);
    columns.day.fill(day, offset + from, offset + to);
    columns.post.fill(post, offset + from, offset + to);
    columns.treated.set(flags, offset + from);
    if (post === 1) columns.enriched.set(flags, offset + from);
    else columns.enriched.fill(0, offset + from, offset + to);
    columns.price.set(whole ? prices : prices.subarray(from, to), offset + from);
    columns.quality_score.set(whole ? qualityScores : qualityScores.subarray(from, to), offset + from);
    const counterfactual = this.counterfactualRevenue;
    const counterfactualOffset = (day - this.treatmentStartDay) * treatedFlags.length;
    for (let i = from; i < to; i += 1) {
      const row = offset + i;
      cellUniforms(firstWords[i] as number, lastWords[i] as number, dayWord, uniforms, UNIFORMS_PER_CELL);
      funnel.startCell();
      const noise = sigma > 0 ? Math.exp(sigma * normalQuantile(uniforms[0] as number) - noiseShift) : 1;
      const impressionMean = (baselineTraffic[i] as number) * dayFactor * noise;
      parameters[IMPRESSION_MEAN] = impressionMean;
      funnel.draw(FunnelStage.impressions, base, i);
      if (post === 1) {
        for (let m = 0; m < METRIC_COUNT; m += 1) untreated[m] = outcome[m] as number;
        const isTreated = treatedFlags[i] as number;
        const treatedMean = additiveImpressions
          ? Math.max(0, impressionMean + (impressionShifts[i] as number))
          : impressionMean * (impressionFactors[i] as number);
        parameters[IMPRESSION_MEAN] = treatedMean;
        funnel.draw(redrawFrom, treated, i);
        this.accumulate(i, isTreated);
        if (counterfactual !== undefined) {
          counterfactual[counterfactualOffset + i] =
            isTreated === 1 ? (untreated[5] as number) : (outcome[5] as number);
        }
        if (isTreated === 1) {
          columns.price[row] = treatedPrices[i] as number;
          columns.quality_score[row] = treatedQualities[i] as number;
        } else {
          for (let m = 0; m < METRIC_COUNT; m += 1) outcome[m] = untreated[m] as number;
        }
      }
      impressions[row] = outcome[0] as number;
      visits[row] = outcome[1] as number;
      carts[row] = outcome[2] as number;
      orders[row] = outcome[3] as number;
      units[row] = outcome[4] as number;
      revenue[row] = outcome[5] as number;
    }
  }

  /**
   * Block mode, for runs split over threads: generate every day of products `from … to − 1` into
   * `columns` (row day × n + i), then write the block's outputs (see {@link BlockOutputs}). A block's
   * outcomes are those of `fillDay`, bit for bit, since every cell has its own stream. `onDay` is called
   * after each day (progress).
   */
  fillBlock(from: number, to: number, columns: DayColumns, outputs: BlockOutputs, onDay?: () => void): void {
    const n = this.catalog.size;
    const sums = [this.diffTreated, this.untreatedTreated, this.diffAll, this.untreatedAll];
    for (const sum of sums) sum.fill(0);
    this.productDiffs.fill(0, from * METRIC_COUNT, to * METRIC_COUNT);
    this.counterfactualRevenue = outputs.counterfactualRevenue;
    try {
      for (let day = 0; day < this.calendar.dayCount; day += 1) {
        this.fillCells(day, columns, day * n, from, to);
        onDay?.();
      }
    } finally {
      this.counterfactualRevenue = undefined;
    }
    sums.forEach((sum, s) => {
      outputs.sums.set(sum, outputs.sumsOffset + s * METRIC_COUNT);
    });
    outputs.productDiffs.set(
      this.productDiffs.subarray(from * METRIC_COUNT, to * METRIC_COUNT),
      from * METRIC_COUNT,
    );
  }

  /**
   * Take over the outputs of blocks that together cover every product (see
   * {@link SimulationRun.fillBlock}) as if every day had been generated here with `fillDay`. The counts
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

  /** Add Y1 − Y0 of one post-period product-day (Y1 in the funnel's outcome) to the ground-truth sums. */
  private accumulate(i: number, isTreated: number): void {
    const funnelOutcome = this.funnel.outcome;
    const untreated = this.untreatedOutcome;
    const diffs = this.productDiffs;
    const all = this.diffAll;
    const untreatedAll = this.untreatedAll;
    const diffTreated = this.diffTreated;
    const untreatedTreated = this.untreatedTreated;
    const productBase = i * METRIC_COUNT;
    for (let m = 0; m < METRIC_COUNT; m += 1) {
      const y0 = untreated[m] as number;
      const diff = (funnelOutcome[m] as number) - y0;
      diffs[productBase + m] = (diffs[productBase + m] as number) + diff;
      all[m] = (all[m] as number) + diff;
      untreatedAll[m] = (untreatedAll[m] as number) + y0;
      if (isTreated === 1) {
        diffTreated[m] = (diffTreated[m] as number) + diff;
        untreatedTreated[m] = (untreatedTreated[m] as number) + y0;
      }
    }
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
