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
import { drawFunnel, type FunnelParameters, FunnelStage, funnelOutcome } from './funnel';

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

const TARGET_CODES = {
  impressions: 0,
  visits: 1,
  conversion: 2,
  units: 3,
  revenue: 4,
  quality_score: 5,
} as const satisfies Record<TreatmentTarget, number>;

/** The first funnel stage a treatment on each target can change. */
const REDRAW_FROM: Record<TreatmentTarget, number> = {
  impressions: FunnelStage.impressions,
  visits: FunnelStage.visits,
  conversion: FunnelStage.addToCart,
  units: FunnelStage.units,
  revenue: FunnelStage.revenue,
  quality_score: FunnelStage.impressions,
};

function emptyParameters(): FunnelParameters {
  return {
    impressionMean: 0,
    visitProbability: 0,
    cartProbability: 0,
    orderProbability: 0,
    extraUnitsPerOrder: 0,
    unitPrice: 0,
  };
}

/** Uniforms one product-day consumes: noise, impressions, visits, add-to-cart, orders, units. */
const UNIFORMS_PER_CELL = 6;

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
  private readonly redrawFrom: number;
  private readonly uniforms = new Float64Array(UNIFORMS_PER_CELL);
  private readonly untreatedParameters = emptyParameters();
  private readonly treatedParameters = emptyParameters();
  private readonly untreatedOutcome = new Float64Array(METRIC_COUNT);
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
    this.redrawFrom = treatment ? REDRAW_FROM[treatment.metric] : FunnelStage.impressions;
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
    const uniforms = this.uniforms;
    const base = this.untreatedParameters;
    const epochDay = this.calendar.epochDays[day] as number;
    const dayFactor = this.calendar.trafficFactors[day] as number;
    const sigma = this.productNoiseSigma;
    const noiseShift = (sigma * sigma) / 2;
    const post = day >= this.treatmentStartDay ? 1 : 0;
    const ramp =
      post === 1 && this.rampDays > 0 ? Math.min(1, (day - this.treatmentStartDay + 1) / this.rampDays) : 1;
    const { prices, qualityScores, baselineTraffic } = this.catalog;
    const treatedFlags = this.treated;
    const visitProbabilities = this.visitProbabilities;
    const cartProbabilities = this.cartProbabilities;
    const orderRates = this.orderRates;
    const extraUnits = this.extraUnits;
    const effectScales = this.effectScales;
    const untreated = this.untreatedOutcome;
    const treatedParameters = this.treatedParameters;
    const redrawFrom = this.redrawFrom;
    const { impressions, visits, add_to_cart: carts, orders, units, revenue } = columns;
    // Columns that do not depend on the draws are written in bulk; treated post-period rows then
    // overwrite price and quality_score with their treated values.
    columns.day.fill(day, offset, offset + n);
    columns.post.fill(post, offset, offset + n);
    columns.treated.set(treatedFlags, offset);
    if (post === 1) columns.enriched.set(treatedFlags, offset);
    else columns.enriched.fill(0, offset, offset + n);
    columns.price.set(prices, offset);
    columns.quality_score.set(qualityScores, offset);
    for (let i = 0; i < n; i += 1) {
      const row = offset + i;
      rng.seedCell(key, i, epochDay);
      for (let k = 0; k < UNIFORMS_PER_CELL; k += 1) uniforms[k] = rng.nextUniform();
      const noise = sigma > 0 ? Math.exp(sigma * normalQuantile(uniforms[0] as number) - noiseShift) : 1;
      base.impressionMean = (baselineTraffic[i] as number) * dayFactor * noise;
      base.visitProbability = visitProbabilities[i] as number;
      base.cartProbability = cartProbabilities[i] as number;
      base.orderProbability = orderRates[i] as number;
      base.extraUnitsPerOrder = extraUnits[i] as number;
      base.unitPrice = prices[i] as number;
      drawFunnel(FunnelStage.impressions, base, uniforms);
      if (post === 1) {
        for (let m = 0; m < METRIC_COUNT; m += 1) untreated[m] = funnelOutcome[m] as number;
        const isTreated = treatedFlags[i] as number;
        const quality = qualityScores[i] as number;
        const treatedQuality = this.applyTreatment(i, (effectScales[i] as number) * ramp, quality);
        drawFunnel(redrawFrom, treatedParameters, uniforms);
        this.accumulate(i, isTreated);
        if (isTreated === 1) {
          columns.price[row] = treatedParameters.unitPrice;
          columns.quality_score[row] = treatedQuality;
        } else {
          for (let m = 0; m < METRIC_COUNT; m += 1) funnelOutcome[m] = untreated[m] as number;
        }
      }
      impressions[row] = funnelOutcome[0] as number;
      visits[row] = funnelOutcome[1] as number;
      carts[row] = funnelOutcome[2] as number;
      orders[row] = funnelOutcome[3] as number;
      units[row] = funnelOutcome[4] as number;
      revenue[row] = funnelOutcome[5] as number;
    }
  }

  /**
   * Fill `treatedParameters` with the product's parameters under a treatment of the given intensity
   * (size × ramp × category multiplier); returns the treated quality score.
   */
  private applyTreatment(i: number, intensity: number, quality: number): number {
    const base = this.untreatedParameters;
    const treated = this.treatedParameters;
    treated.impressionMean = base.impressionMean;
    treated.visitProbability = base.visitProbability;
    treated.cartProbability = base.cartProbability;
    treated.orderProbability = base.orderProbability;
    treated.extraUnitsPerOrder = base.extraUnitsPerOrder;
    treated.unitPrice = base.unitPrice;
    const multiplicative = this.multiplicative;
    switch (this.targetCode) {
      case TARGET_CODES.impressions:
        treated.impressionMean = multiplicative
          ? base.impressionMean * (1 + intensity)
          : Math.max(0, base.impressionMean + intensity);
        return quality;
      case TARGET_CODES.visits:
        treated.visitProbability = clampUnit(
          multiplicative ? base.visitProbability * (1 + intensity) : base.visitProbability + intensity,
        );
        return quality;
      case TARGET_CODES.conversion:
        treated.cartProbability = clampUnit(
          multiplicative ? base.cartProbability * (1 + intensity) : base.cartProbability + intensity,
        );
        return quality;
      case TARGET_CODES.units:
        treated.extraUnitsPerOrder = Math.max(
          0,
          multiplicative
            ? (1 + base.extraUnitsPerOrder) * (1 + intensity) - 1
            : base.extraUnitsPerOrder + intensity,
        );
        return quality;
      case TARGET_CODES.revenue:
        treated.unitPrice = Math.max(
          0,
          Math.round((multiplicative ? base.unitPrice * (1 + intensity) : base.unitPrice + intensity) * 100) /
            100,
        );
        return quality;
      default: {
        const treatedQuality = clampUnit(multiplicative ? quality * (1 + intensity) : quality + intensity);
        const sensitivity = this.config.catalog.quality_sensitivity;
        treated.impressionMean =
          base.impressionMean * Math.exp(sensitivity.traffic * (treatedQuality - quality));
        treated.visitProbability = Math.min(
          1,
          (this.visitRates[i] as number) * Math.exp(sensitivity.visits * (treatedQuality - 0.5)),
        );
        treated.cartProbability = Math.min(
          1,
          (this.cartBases[i] as number) * Math.exp(sensitivity.conversion * (treatedQuality - 0.5)),
        );
        return treatedQuality;
      }
    }
  }

  /** Add Y1 − Y0 of one post-period product-day (Y1 in `funnelOutcome`) to the ground-truth sums. */
  private accumulate(i: number, isTreated: number): void {
    const untreated = this.untreatedOutcome;
    const diffs = this.productDiffs;
    const all = this.diffAll;
    const untreatedAll = this.untreatedAll;
    const productBase = i * METRIC_COUNT;
    for (let m = 0; m < METRIC_COUNT; m += 1) {
      const y0 = untreated[m] as number;
      const diff = (funnelOutcome[m] as number) - y0;
      diffs[productBase + m] = (diffs[productBase + m] as number) + diff;
      all[m] = (all[m] as number) + diff;
      untreatedAll[m] = (untreatedAll[m] as number) + y0;
      if (isTreated === 1) {
        this.diffTreated[m] = (this.diffTreated[m] as number) + diff;
        this.untreatedTreated[m] = (this.untreatedTreated[m] as number) + y0;
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
