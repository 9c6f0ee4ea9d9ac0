import type { Catalog } from '../catalog/catalog';
import { CATEGORY_PROFILES } from '../catalog/categories';
import type { SimulationConfig, TreatmentTarget } from '../config/schema';
import { BinomialCdfTables, PoissonCdfTables } from '../random/cdf-tables';
import { PREPARED_RATE_STRIDE, prepareBinomialRate } from '../random/distributions';
import { CART_RATE, FunnelStage, RATES_PER_PRODUCT, VISIT_RATE } from './funnel';

/**
 * Funnel parameters of every product that stay fixed over a run of days: the prepared visit and
 * add-to-cart rates ({@link RATES_PER_PRODUCT} per product), the prepared order rates, extra units per order, unit
 * price, quality score, and how the day's expected impressions are changed (× factor, or + shift then
 * floored at 0 when `additiveImpressions`); the slots of the order rate and of the extra units per
 * order in the shared CDF tables (−1: none).
 */
export interface ProductParameters {
  rates: Float64Array;
  orderRates: Float64Array;
  orderSlots: Int32Array;
  unitSlots: Int32Array;
  extraUnits: Float64Array;
  unitPrices: Float64Array;
  qualityScores: Float64Array;
  impressionFactors: Float64Array;
  impressionShifts: Float64Array;
  additiveImpressions: boolean;
}

// Module-local copies of the layout constants the per-product fill reads (see the note in ./funnel).
const RATES_STRIDE = RATES_PER_PRODUCT;
const VISIT_OFFSET = VISIT_RATE;
const CART_OFFSET = CART_RATE;
const ORDER_RATE_STRIDE = PREPARED_RATE_STRIDE;
const prepareRate = prepareBinomialRate;

/** The first funnel stage a treatment on each target can change. */
export const REDRAW_FROM: Record<TreatmentTarget, number> = {
  impressions: FunnelStage.impressions,
  visits: FunnelStage.visits,
  conversion: FunnelStage.addToCart,
  units: FunnelStage.units,
  revenue: FunnelStage.revenue,
  quality_score: FunnelStage.impressions,
};

function clampUnit(value: number): number {
  return value < 0 ? 0 : Math.min(value, 1);
}

function allocateParameters(n: number): ProductParameters {
  return {
    rates: new Float64Array(n * RATES_PER_PRODUCT),
    orderRates: new Float64Array(n * PREPARED_RATE_STRIDE),
    orderSlots: new Int32Array(n),
    unitSlots: new Int32Array(n),
    extraUnits: new Float64Array(n),
    unitPrices: new Float64Array(n),
    qualityScores: new Float64Array(n),
    impressionFactors: new Float64Array(n).fill(1),
    impressionShifts: new Float64Array(n),
    additiveImpressions: false,
  };
}

/**
 * Per-product quantities of a catalog that both potential outcomes start from: visit rate and
 * add-to-cart base before quality, and the untreated visit and add-to-cart probabilities (quality factor
 * exp(β·(quality − 0.5)), capped at 1).
 */
export class ProductBaseline {
  readonly visitRates: Float64Array;
  readonly cartBases: Float64Array;
  readonly visitProbabilities: Float64Array;
  readonly cartProbabilities: Float64Array;
  readonly orderRates: Float64Array;
  readonly extraUnits: Float64Array;
  /** The untreated parameters (Y0), fixed for the whole run. */
  readonly untreated: ProductParameters;
  /** CDFs of the order stage, by order rate (shared by the products of a category). */
  readonly binomialTables = new BinomialCdfTables();
  /** CDFs of the extra-units stage, by extra units per order. */
  readonly poissonTables = new PoissonCdfTables();

  constructor(
    private readonly config: SimulationConfig,
    private readonly catalog: Catalog,
  ) {
    const n = catalog.size;
    const sensitivity = config.catalog.quality_sensitivity;
    this.visitRates = new Float64Array(n);
    this.cartBases = new Float64Array(n);
    this.visitProbabilities = new Float64Array(n);
    this.cartProbabilities = new Float64Array(n);
    this.orderRates = new Float64Array(n);
    this.extraUnits = new Float64Array(n);
    const untreated = allocateParameters(n);
    for (let i = 0; i < n; i += 1) {
      const profile = CATEGORY_PROFILES[catalog.categories[i] as keyof typeof CATEGORY_PROFILES];
      const price = catalog.prices[i] as number;
      const quality = catalog.qualityScores[i] as number;
      this.visitRates[i] = profile.visitRate;
      this.cartBases[i] =
        profile.cartRate *
        (price / profile.medianPrice) ** config.catalog.price_elasticity *
        (catalog.propensityFactors[i] as number);
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
    }
    this.fill(untreated, 0, n, () => undefined);
    this.untreated = untreated;
  }

  /**
   * Write into `parameters` the treated parameters (Y1) of every product under a treatment whose
   * intensity for product i is `intensities[i]` (size × ramp × category multiplier), or only of
   * products `from … to − 1`.
   */
  fillTreated(
    parameters: ProductParameters,
    target: TreatmentTarget,
    multiplicative: boolean,
    intensities: Float64Array,
    from = 0,
    to = this.catalog.size,
  ): void {
    const sensitivity = this.config.catalog.quality_sensitivity;
    parameters.additiveImpressions = target === 'impressions' && !multiplicative;
    this.fill(parameters, from, to, (i, values) => {
      const intensity = intensities[i] as number;
      switch (target) {
        case 'impressions':
          if (multiplicative) values.impressionFactor = 1 + intensity;
          else values.impressionShift = intensity;
          return;
        case 'visits':
          values.visitProbability = clampUnit(
            multiplicative ? values.visitProbability * (1 + intensity) : values.visitProbability + intensity,
          );
          return;
        case 'conversion':
          values.cartProbability = clampUnit(
            multiplicative ? values.cartProbability * (1 + intensity) : values.cartProbability + intensity,
          );
          return;
        case 'units':
          values.extraUnits = Math.max(
            0,
            multiplicative ? (1 + values.extraUnits) * (1 + intensity) - 1 : values.extraUnits + intensity,
          );
          return;
        case 'revenue':
          values.unitPrice = Math.max(
            0,
            Math.round(
              (multiplicative ? values.unitPrice * (1 + intensity) : values.unitPrice + intensity) * 100,
            ) / 100,
          );
          return;
        default: {
          const quality = values.qualityScore;
          const treatedQuality = clampUnit(multiplicative ? quality * (1 + intensity) : quality + intensity);
          values.qualityScore = treatedQuality;
          values.impressionFactor = Math.exp(sensitivity.traffic * (treatedQuality - quality));
          values.visitProbability = Math.min(
            1,
            (this.visitRates[i] as number) * Math.exp(sensitivity.visits * (treatedQuality - 0.5)),
          );
          values.cartProbability = Math.min(
            1,
            (this.cartBases[i] as number) * Math.exp(sensitivity.conversion * (treatedQuality - 0.5)),
          );
        }
      }
    });
  }

  /** Fill `parameters` from the untreated values of products `from … to − 1` as changed by `change`. */
  private fill(
    parameters: ProductParameters,
    from: number,
    to: number,
    change: (i: number, values: ProductValues) => void,
  ): void {
    const values: ProductValues = {
      visitProbability: 0,
      cartProbability: 0,
      orderProbability: 0,
      extraUnits: 0,
      unitPrice: 0,
      qualityScore: 0,
      impressionFactor: 1,
      impressionShift: 0,
    };
    for (let i = from; i < to; i += 1) {
      values.visitProbability = this.visitProbabilities[i] as number;
      values.cartProbability = this.cartProbabilities[i] as number;
      values.orderProbability = this.orderRates[i] as number;
      values.extraUnits = this.extraUnits[i] as number;
      values.unitPrice = this.catalog.prices[i] as number;
      values.qualityScore = this.catalog.qualityScores[i] as number;
      values.impressionFactor = 1;
      values.impressionShift = 0;
      change(i, values);
      // Arrays shared with the untreated parameters (see allocate) already hold these values.
      const base = this.untreated as ProductParameters | undefined;
      if (parameters.rates !== base?.rates) {
        const offset = i * RATES_STRIDE;
        prepareRate(values.visitProbability, parameters.rates, offset + VISIT_OFFSET);
        prepareRate(values.cartProbability, parameters.rates, offset + CART_OFFSET);
      }
      if (parameters.orderRates !== base?.orderRates) {
        prepareRate(values.orderProbability, parameters.orderRates, i * ORDER_RATE_STRIDE);
        parameters.orderSlots[i] = this.binomialTables.slotFor(values.orderProbability);
      }
      if (parameters.extraUnits !== base?.extraUnits) {
        parameters.unitSlots[i] = this.poissonTables.slotFor(values.extraUnits);
        parameters.extraUnits[i] = values.extraUnits;
      }
      if (parameters.unitPrices !== base?.unitPrices) parameters.unitPrices[i] = values.unitPrice;
      if (parameters.qualityScores !== base?.qualityScores) parameters.qualityScores[i] = values.qualityScore;
      if (parameters.impressionFactors !== base?.impressionFactors) {
        parameters.impressionFactors[i] = values.impressionFactor;
      }
      if (parameters.impressionShifts !== base?.impressionShifts) {
        parameters.impressionShifts[i] = values.impressionShift;
      }
    }
  }

  /**
   * Storage for the treated parameters of a treatment on `target` (see {@link ProductBaseline.fillTreated}):
   * what that target cannot change is the untreated arrays themselves, so the treated draw reads no
   * second copy of them (and filling leaves them alone).
   */
  allocate(target: TreatmentTarget): ProductParameters {
    const own = allocateParameters(this.catalog.size);
    const base = this.untreated;
    const changesRates = target === 'visits' || target === 'conversion' || target === 'quality_score';
    return {
      rates: changesRates ? own.rates : base.rates,
      orderRates: base.orderRates,
      orderSlots: base.orderSlots,
      unitSlots: target === 'units' ? own.unitSlots : base.unitSlots,
      extraUnits: target === 'units' ? own.extraUnits : base.extraUnits,
      unitPrices: target === 'revenue' ? own.unitPrices : base.unitPrices,
      qualityScores: target === 'quality_score' ? own.qualityScores : base.qualityScores,
      impressionFactors:
        target === 'impressions' || target === 'quality_score'
          ? own.impressionFactors
          : base.impressionFactors,
      impressionShifts: target === 'impressions' ? own.impressionShifts : base.impressionShifts,
      additiveImpressions: false,
    };
  }
}

/** One product's funnel parameters while a treatment changes them. */
interface ProductValues {
  visitProbability: number;
  cartProbability: number;
  orderProbability: number;
  extraUnits: number;
  unitPrice: number;
  qualityScore: number;
  impressionFactor: number;
  impressionShift: number;
}
