import type { BinomialCdfTables, PoissonCdfTables } from '../random/cdf-tables';
import {
  binomialQuantileForRate,
  EXACT_INVERSION_MAX_MEAN,
  normalQuantile,
  PREPARED_RATE_STRIDE,
  poissonCornishFisher,
  poissonCornishFisherFast,
  poissonSearch,
  prepareCornishFisherTerms,
} from '../random/distributions';
import type { ProductParameters } from './product-parameters';

// Module-local references for the per-draw code: where the sources run through a CommonJS transform
// (tsx, Vitest), each use of an imported binding is a getter call on the exporting module (about a
// sixth of a run's time measured under tsx); in the bundled build they are direct references anyway.
const quantileForRate = binomialQuantileForRate;
const normal = normalQuantile;
const cornishFisher = poissonCornishFisher;
const cornishFisherFast = poissonCornishFisherFast;
const cornishFisherTerms = prepareCornishFisherTerms;
const search = poissonSearch;
const EXACT_MAX = EXACT_INVERSION_MAX_MEAN;
const RATE_STRIDE = PREPARED_RATE_STRIDE;

/** Funnel stages, in order; `drawFunnel` can start at any of them. */
export const FunnelStage = {
  impressions: 0,
  visits: 1,
  addToCart: 2,
  orders: 3,
  units: 4,
  revenue: 5,
} as const;

/** Prepared binomial rates per product in a rates array: visit, add-to-cart (the order rate is apart). */
export const RATES_PER_PRODUCT = 2 * PREPARED_RATE_STRIDE;

/** Offsets of the visit and add-to-cart rates within a product's {@link RATES_PER_PRODUCT}. */
export const VISIT_RATE = 0;
export const CART_RATE = PREPARED_RATE_STRIDE;

/** Slot of {@link FunnelDraw.parameters} the caller writes: the draw's expected impressions. */
export const IMPRESSION_MEAN = 0;
const UNITS_MEAN = 1;
const UNITS_NORMAL = 2;
/** Φ⁻¹ of the impressions uniform, then its Cornish–Fisher terms (see `prepareCornishFisherTerms`). */
const IMPRESSION_NORMAL = 3;
const EXTRA_UNITS_PER_ORDER = 7;

/**
 * Draws product-days through the funnel by inversion of six uniforms per cell (common random numbers):
 * impressions ~ Poisson(λ); visits ~ Binomial(impressions, p_visit); add_to_cart ~ Binomial(visits,
 * p_cart); orders ~ Binomial(add_to_cart, p_order); units = orders + Poisson(orders × extra units per
 * order); revenue = units × price (rounded to cents). `uniforms[0]` is the product-day noise (used by
 * the caller), `uniforms[1…5]` feed the five random stages. Every quantile is non-decreasing in its
 * parameters, so a treatment that raises a rate can only raise the outcomes downstream of it for the
 * same uniforms.
 *
 * The probabilities come prepared (see `prepareBinomialRate`) in a rates array, {@link RATES_PER_PRODUCT}
 * values per product, so one product's many draws share the per-probability arithmetic, and orders and
 * extra units, whose parameters few products share, are looked up in cached CDFs; the results are
 * exactly those of `poissonQuantile` and `binomialQuantile`. A cell drawn twice (Y0, then Y1 from
 * a later stage) computes Φ⁻¹ of its impressions uniform and its Cornish–Fisher terms once, and the
 * second draw keeps the first one's orders, units and revenue wherever a stage's input and parameters
 * are the same (same uniform, same quantile).
 *
 * @example
 * ```ts
 * const funnel = new FunnelDraw(new BinomialCdfTables(), new PoissonCdfTables());
 * funnel.startCell(); // after writing the cell's uniforms to funnel.uniforms
 * funnel.parameters[IMPRESSION_MEAN] = 120;
 * funnel.draw(FunnelStage.impressions, baseline.untreated, productIndex);
 * funnel.outcome[0]; // impressions
 * ```
 */
export class FunnelDraw {
  /** The cell's six uniforms; the caller writes them before {@link FunnelDraw.startCell}. */
  readonly uniforms = new Float64Array(6);
  /**
   * The next draw's expected impressions at `[IMPRESSION_MEAN]`, written by the caller, and scratch
   * (numbers travel in arrays, not as arguments, so calls that are not inlined box nothing).
   */
  readonly parameters = new Float64Array(8);
  /**
   * One product-day's outcomes, in funnel order: impressions, visits, add_to_cart, orders, units,
   * revenue. Stages before a draw's `fromStage` keep the previous draw's values.
   */
  readonly outcome = new Float64Array(6);
  /** Whether `parameters[IMPRESSION_NORMAL…]` hold Φ⁻¹(uniforms[1]) of the current cell and its terms. */
  private hasImpressionNormal = false;
  /** The parameters of the current cell's previous draw (whose outcomes `outcome` holds), if any. */
  private previous: ProductParameters | undefined = undefined;

  /** Begin a new cell (its uniforms are in place): forget what was derived from the previous one. */
  startCell(): void {
    this.hasImpressionNormal = false;
    this.previous = undefined;
  }

  constructor(
    private readonly binomialTables: BinomialCdfTables,
    private readonly poissonTables: PoissonCdfTables,
  ) {}

  /**
   * Draw product `i` of `product` from `fromStage` on, with the expected impressions in
   * `parameters[IMPRESSION_MEAN]`; earlier stages keep the values of the previous draw of the cell (a
   * treatment redraws only what it can change). Orders and units come from the shared CDF tables when
   * the product's order rate and extra units per order have a slot there. After a draw of the same cell,
   * a stage whose input equals that draw's and whose parameters are the same arrays keeps its value.
   */
  draw(fromStage: number, product: ProductParameters, i: number): void {
    const outcome = this.outcome;
    const uniforms = this.uniforms;
    const rates = product.rates;
    const rateOffset = i * RATES_PER_PRODUCT;
    let impressions = outcome[0] as number;
    let visits = outcome[1] as number;
    let carts = outcome[2] as number;
    let orders = outcome[3] as number;
    let units = outcome[4] as number;
    if (fromStage <= FunnelStage.impressions) impressions = this.impressions();
    if (fromStage <= FunnelStage.visits) {
      visits = quantileForRate(uniforms, 2, impressions, rates, rateOffset + VISIT_RATE);
    }
    if (fromStage <= FunnelStage.addToCart) {
      carts = quantileForRate(uniforms, 3, visits, rates, rateOffset + CART_RATE);
    }
    const previous = this.previous;
    const sameOrders =
      previous !== undefined &&
      carts === outcome[2] &&
      product.orderSlots === previous.orderSlots &&
      product.orderRates === previous.orderRates;
    if (fromStage <= FunnelStage.orders && !sameOrders) {
      const slot = product.orderSlots[i] as number;
      orders =
        slot >= 0
          ? this.binomialTables.quantile(uniforms, 4, carts, slot)
          : quantileForRate(uniforms, 4, carts, product.orderRates, i * RATE_STRIDE);
    }
    const sameUnits =
      previous !== undefined &&
      orders === outcome[3] &&
      product.unitSlots === previous.unitSlots &&
      product.extraUnits === previous.extraUnits;
    if (fromStage <= FunnelStage.units && !sameUnits) {
      units = 0;
      if (orders > 0) {
        const slot = product.unitSlots[i] as number;
        let extra = slot >= 0 ? this.poissonTables.quantile(uniforms, 5, orders, slot) : -1;
        if (extra < 0) {
          this.parameters[EXTRA_UNITS_PER_ORDER] = product.extraUnits[i] as number;
          extra = this.extraUnits(orders);
        }
        units = orders + extra;
      }
    }
    if (!(previous !== undefined && units === outcome[4] && product.unitPrices === previous.unitPrices)) {
      // 0 × a price (never negative) is +0, whose rounding is +0: no arithmetic for the many zero days.
      outcome[5] = units === 0 ? 0 : Math.round(units * (product.unitPrices[i] as number) * 100) / 100;
    }
    outcome[0] = impressions;
    outcome[1] = visits;
    outcome[2] = carts;
    outcome[3] = orders;
    outcome[4] = units;
    this.previous = product;
  }

  /** `poissonQuantile(uniforms[1], impression mean)`, reusing the cell's Φ⁻¹(uniforms[1]) once computed. */
  private impressions(): number {
    const parameters = this.parameters;
    const mean = parameters[IMPRESSION_MEAN] as number;
    if (!(mean > 0)) return 0;
    if (mean <= EXACT_MAX) return search(this.uniforms, 1, parameters, IMPRESSION_MEAN);
    if (!this.hasImpressionNormal) {
      parameters[IMPRESSION_NORMAL] = normal(this.uniforms[1] as number);
      cornishFisherTerms(parameters, IMPRESSION_NORMAL);
      this.hasImpressionNormal = true;
    }
    return cornishFisherFast(parameters, IMPRESSION_NORMAL, parameters, IMPRESSION_MEAN);
  }

  /** `poissonQuantile(uniforms[5], orders × parameters[EXTRA_UNITS_PER_ORDER])`. */
  private extraUnits(orders: number): number {
    const parameters = this.parameters;
    const mean = orders * (parameters[EXTRA_UNITS_PER_ORDER] as number);
    if (!(mean > 0)) return 0;
    parameters[UNITS_MEAN] = mean;
    if (mean <= EXACT_MAX) return search(this.uniforms, 5, parameters, UNITS_MEAN);
    parameters[UNITS_NORMAL] = normal(this.uniforms[5] as number);
    return cornishFisher(parameters, UNITS_NORMAL, parameters, UNITS_MEAN);
  }
}
