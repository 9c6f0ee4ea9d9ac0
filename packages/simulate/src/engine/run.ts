import { ImpactError } from '@impact/contracts';
import { buildCalendar, type Calendar } from '../calendar/calendar';
import { epochDayOf } from '../calendar/dates';
import { type Catalog, generateCatalog } from '../catalog/catalog';
import { CATEGORY_PROFILES } from '../catalog/categories';
import { METRICS, type SimulationConfig, type TreatmentTarget } from '../config/schema';
import { type GroundTruth, GroundTruthSchema } from '../ground-truth/schema';
import { normalQuantile } from '../random/distributions';
import { streamKey, Xoshiro128 } from '../random/prng';
import { assignTreatment } from '../treatment/assignment';
import { drawFunnel, funnelOutcome } from './funnel';

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

const TARGET_CODES: Record<TreatmentTarget, number> = {
  impressions: 0,
  visits: 1,
  conversion: 2,
  units: 3,
  revenue: 4,
  quality_score: 5,
};

function clampUnit(value: number): number {
  return value < 0 ? 0 : Math.min(value, 1);
}

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

  private readonly rng = new Xoshiro128();
  private readonly funnelKey: number;
  private readonly productNoiseSigma: number;
  private readonly visitRates: Float64Array;
  private readonly cartBases: Float64Array;
  private readonly orderRates: Float64Array;
  private readonly extraUnits: Float64Array;
  private readonly visitProbabilities: Float64Array;
  private readonly cartProbabilities: Float64Array;
  private readonly effectScales: Float64Array;
  private readonly targetCode: number;
  private readonly multiplicative: boolean;
  private readonly rampDays: number;

  private readonly diffTreated = new Float64Array(METRIC_COUNT);
  private readonly untreatedTreated = new Float64Array(METRIC_COUNT);
  private readonly diffAll = new Float64Array(METRIC_COUNT);
  private readonly untreatedAll = new Float64Array(METRIC_COUNT);
  private readonly productDiffs: Float64Array;
  private readonly daysDone: Uint8Array;
  private daysDoneCount = 0;

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
    this.funnelKey = streamKey(config.seed, 'funnel');
    this.productNoiseSigma = config.seasonality.product_noise;
    const sensitivity = config.catalog.quality_sensitivity;
    this.visitRates = new Float64Array(n);
    this.cartBases = new Float64Array(n);
    this.orderRates = new Float64Array(n);
    this.extraUnits = new Float64Array(n);
    this.visitProbabilities = new Float64Array(n);
    this.cartProbabilities = new Float64Array(n);
    this.effectScales = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      const category = this.catalog.categories[i] as keyof typeof CATEGORY_PROFILES;
      const profile = CATEGORY_PROFILES[category];
      const price = this.catalog.prices[i] as number;
      const quality = this.catalog.qualityScores[i] as number;
      this.visitRates[i] = profile.visitRate;
      this.cartBases[i] =
        profile.cartRate *
        (price / profile.medianPrice) ** config.catalog.price_elasticity *
        (this.catalog.propensityFactors[i] as number);
      this.orderRates[i] = profile.orderRate;
      this.extraUnits[i] = profile.extraUnitsPerOrder;
      this.visitProbabilities[i] = Math.min(
        1,
        profile.visitRate * Math.exp(sensitivity.visits * (quality - 0.5)),
      );
      this.cartProbabilities[i] = Math.min(
        1,
        (this.cartBases[i] as number) * Math.exp(sensitivity.conversion * (quality - 0.5)),
      );
      this.effectScales[i] = treatment
        ? treatment.effect.size * (treatment.heterogeneity.by_category[category] ?? 1)
        : 0;
    }
    this.targetCode = treatment ? TARGET_CODES[treatment.metric] : -1;
    this.multiplicative = treatment ? treatment.effect.type === 'multiplicative' : true;
    this.rampDays = treatment ? treatment.ramp_days : 0;
    this.productDiffs = new Float64Array(n * METRIC_COUNT);
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
    const n = this.catalog.size;
    const rng = this.rng;
    const key = this.funnelKey;
    const epochDay = this.calendar.epochDays[day] as number;
    const dayFactor = this.calendar.trafficFactors[day] as number;
    const sigma = this.productNoiseSigma;
    const noiseShift = (sigma * sigma) / 2;
    const post = day >= this.treatmentStartDay ? 1 : 0;
    const ramp =
      post === 1 && this.rampDays > 0 ? Math.min(1, (day - this.treatmentStartDay + 1) / this.rampDays) : 1;
    const { prices, qualityScores, baselineTraffic } = this.catalog;
    const treatedFlags = this.treated;
    for (let i = 0; i < n; i += 1) {
      const row = offset + i;
      rng.seedCell(key, i, epochDay);
      const uNoise = rng.nextUniform();
      const noise = sigma > 0 ? Math.exp(sigma * normalQuantile(uNoise) - noiseShift) : 1;
      const uImpressions = rng.nextUniform();
      const uVisits = rng.nextUniform();
      const uCarts = rng.nextUniform();
      const uOrders = rng.nextUniform();
      const uUnits = rng.nextUniform();
      const price = prices[i] as number;
      const quality = qualityScores[i] as number;
      const impressionMean = (baselineTraffic[i] as number) * dayFactor * noise;
      const visitProbability = this.visitProbabilities[i] as number;
      const cartProbability = this.cartProbabilities[i] as number;
      const orderProbability = this.orderRates[i] as number;
      const extraUnits = this.extraUnits[i] as number;
      drawFunnel(
        impressionMean,
        visitProbability,
        cartProbability,
        orderProbability,
        extraUnits,
        price,
        uImpressions,
        uVisits,
        uCarts,
        uOrders,
        uUnits,
      );
      const isTreated = treatedFlags[i] as number;
      columns.day[row] = day;
      columns.treated[row] = isTreated;
      columns.post[row] = post;
      columns.enriched[row] = isTreated & post;
      if (post === 0) {
        columns.price[row] = price;
        columns.quality_score[row] = quality;
        writeOutcome(columns, row);
        continue;
      }
      const y0Impressions = funnelOutcome[0] as number;
      const y0Visits = funnelOutcome[1] as number;
      const y0Carts = funnelOutcome[2] as number;
      const y0Orders = funnelOutcome[3] as number;
      const y0Units = funnelOutcome[4] as number;
      const y0Revenue = funnelOutcome[5] as number;
      // The treated world: the same uniforms, the treatment applied to one parameter.
      const intensity = (this.effectScales[i] as number) * ramp;
      const multiplicative = this.multiplicative;
      let treatedImpressionMean = impressionMean;
      let treatedVisitProbability = visitProbability;
      let treatedCartProbability = cartProbability;
      let treatedExtraUnits = extraUnits;
      let treatedPrice = price;
      let treatedQuality = quality;
      switch (this.targetCode) {
        case 0:
          treatedImpressionMean = multiplicative
            ? impressionMean * (1 + intensity)
            : Math.max(0, impressionMean + intensity);
          break;
        case 1:
          treatedVisitProbability = clampUnit(
            multiplicative ? visitProbability * (1 + intensity) : visitProbability + intensity,
          );
          break;
        case 2:
          treatedCartProbability = clampUnit(
            multiplicative ? cartProbability * (1 + intensity) : cartProbability + intensity,
          );
          break;
        case 3:
          treatedExtraUnits = Math.max(
            0,
            multiplicative ? (1 + extraUnits) * (1 + intensity) - 1 : extraUnits + intensity,
          );
          break;
        case 4:
          treatedPrice = Math.max(
            0,
            Math.round((multiplicative ? price * (1 + intensity) : price + intensity) * 100) / 100,
          );
          break;
        default: {
          treatedQuality = clampUnit(multiplicative ? quality * (1 + intensity) : quality + intensity);
          const sensitivity = this.config.catalog.quality_sensitivity;
          const shift = treatedQuality - quality;
          treatedImpressionMean = impressionMean * Math.exp(sensitivity.traffic * shift);
          treatedVisitProbability = Math.min(
            1,
            (this.visitRates[i] as number) * Math.exp(sensitivity.visits * (treatedQuality - 0.5)),
          );
          treatedCartProbability = Math.min(
            1,
            (this.cartBases[i] as number) * Math.exp(sensitivity.conversion * (treatedQuality - 0.5)),
          );
        }
      }
      drawFunnel(
        treatedImpressionMean,
        treatedVisitProbability,
        treatedCartProbability,
        orderProbability,
        treatedExtraUnits,
        treatedPrice,
        uImpressions,
        uVisits,
        uCarts,
        uOrders,
        uUnits,
      );
      const d0 = (funnelOutcome[0] as number) - y0Impressions;
      const d1 = (funnelOutcome[1] as number) - y0Visits;
      const d2 = (funnelOutcome[2] as number) - y0Carts;
      const d3 = (funnelOutcome[3] as number) - y0Orders;
      const d4 = (funnelOutcome[4] as number) - y0Units;
      const d5 = (funnelOutcome[5] as number) - y0Revenue;
      const diffs = this.productDiffs;
      const base = i * METRIC_COUNT;
      diffs[base] = (diffs[base] as number) + d0;
      diffs[base + 1] = (diffs[base + 1] as number) + d1;
      diffs[base + 2] = (diffs[base + 2] as number) + d2;
      diffs[base + 3] = (diffs[base + 3] as number) + d3;
      diffs[base + 4] = (diffs[base + 4] as number) + d4;
      diffs[base + 5] = (diffs[base + 5] as number) + d5;
      const all = this.diffAll;
      const untreated = this.untreatedAll;
      all[0] = (all[0] as number) + d0;
      all[1] = (all[1] as number) + d1;
      all[2] = (all[2] as number) + d2;
      all[3] = (all[3] as number) + d3;
      all[4] = (all[4] as number) + d4;
      all[5] = (all[5] as number) + d5;
      untreated[0] = (untreated[0] as number) + y0Impressions;
      untreated[1] = (untreated[1] as number) + y0Visits;
      untreated[2] = (untreated[2] as number) + y0Carts;
      untreated[3] = (untreated[3] as number) + y0Orders;
      untreated[4] = (untreated[4] as number) + y0Units;
      untreated[5] = (untreated[5] as number) + y0Revenue;
      if (isTreated === 1) {
        const treatedDiff = this.diffTreated;
        const treatedUntreated = this.untreatedTreated;
        treatedDiff[0] = (treatedDiff[0] as number) + d0;
        treatedDiff[1] = (treatedDiff[1] as number) + d1;
        treatedDiff[2] = (treatedDiff[2] as number) + d2;
        treatedDiff[3] = (treatedDiff[3] as number) + d3;
        treatedDiff[4] = (treatedDiff[4] as number) + d4;
        treatedDiff[5] = (treatedDiff[5] as number) + d5;
        treatedUntreated[0] = (treatedUntreated[0] as number) + y0Impressions;
        treatedUntreated[1] = (treatedUntreated[1] as number) + y0Visits;
        treatedUntreated[2] = (treatedUntreated[2] as number) + y0Carts;
        treatedUntreated[3] = (treatedUntreated[3] as number) + y0Orders;
        treatedUntreated[4] = (treatedUntreated[4] as number) + y0Units;
        treatedUntreated[5] = (treatedUntreated[5] as number) + y0Revenue;
        columns.price[row] = treatedPrice;
        columns.quality_score[row] = treatedQuality;
        writeOutcome(columns, row);
      } else {
        columns.price[row] = price;
        columns.quality_score[row] = quality;
        columns.impressions[row] = y0Impressions;
        columns.visits[row] = y0Visits;
        columns.add_to_cart[row] = y0Carts;
        columns.orders[row] = y0Orders;
        columns.units[row] = y0Units;
        columns.revenue[row] = y0Revenue;
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

function writeOutcome(columns: DayColumns, row: number): void {
  columns.impressions[row] = funnelOutcome[0] as number;
  columns.visits[row] = funnelOutcome[1] as number;
  columns.add_to_cart[row] = funnelOutcome[2] as number;
  columns.orders[row] = funnelOutcome[3] as number;
  columns.units[row] = funnelOutcome[4] as number;
  columns.revenue[row] = funnelOutcome[5] as number;
}
