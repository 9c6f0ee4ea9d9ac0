import {
  binomialQuantileForRate,
  EXACT_INVERSION_MAX_MEAN,
  normalQuantile,
  PREPARED_RATE_STRIDE,
  poissonCornishFisher,
  poissonQuantile,
  poissonSearch,
} from '../random/distributions';

/** Funnel stages, in order; `drawFunnel` can start at any of them. */
export const FunnelStage = {
  impressions: 0,
  visits: 1,
  addToCart: 2,
  orders: 3,
  units: 4,
  revenue: 5,
} as const;

/** Prepared binomial rates per product in a rates array: visit, add-to-cart, order. */
export const RATES_PER_PRODUCT = 3 * PREPARED_RATE_STRIDE;

/** Offsets of the visit, add-to-cart and order rates within a product's {@link RATES_PER_PRODUCT}. */
export const VISIT_RATE = 0;
export const CART_RATE = PREPARED_RATE_STRIDE;
export const ORDER_RATE = 2 * PREPARED_RATE_STRIDE;

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
 * values per product, so one product's many draws share the per-probability arithmetic; the results
 * are exactly those of `poissonQuantile` and `binomialQuantile`. A cell drawn twice (Y0, then Y1 from
 * a later stage) computes Φ⁻¹ of its impressions uniform once.
 *
 * @example
 * ```ts
 * const funnel = new FunnelDraw();
 * funnel.startCell(); // after writing the cell's uniforms to funnel.uniforms
 * funnel.draw(FunnelStage.impressions, 120, rates, 0, 0.2, 19.99);
 * funnel.outcome[0]; // impressions
 * ```
 */
export class FunnelDraw {
  /** The cell's six uniforms; the caller writes them before {@link FunnelDraw.startCell}. */
  readonly uniforms = new Float64Array(6);
  /**
   * One product-day's outcomes, in funnel order: impressions, visits, add_to_cart, orders, units,
   * revenue. Stages before a draw's `fromStage` keep the previous draw's values.
   */
  readonly outcome = new Float64Array(6);
  /** Φ⁻¹(uniforms[1]) of the current cell, once `hasImpressionNormal`. */
  private impressionNormal = 0;
  private hasImpressionNormal = false;

  /** Begin a new cell (its uniforms are in place): forget what was derived from the previous one. */
  startCell(): void {
    this.hasImpressionNormal = false;
  }

  /**
   * Draw the stages from `fromStage` on; earlier stages keep the values of the previous draw of the
   * cell (a treatment redraws only what it can change). The product's prepared visit, add-to-cart and
   * order rates are at `rates[rateOffset…]`.
   */
  draw(
    fromStage: number,
    impressionMean: number,
    rates: Float64Array,
    rateOffset: number,
    extraUnitsPerOrder: number,
    unitPrice: number,
  ): void {
    const outcome = this.outcome;
    const uniforms = this.uniforms;
    let impressions = outcome[0] as number;
    let visits = outcome[1] as number;
    let carts = outcome[2] as number;
    let orders = outcome[3] as number;
    let units = outcome[4] as number;
    if (fromStage <= FunnelStage.impressions) {
      impressions = this.impressions(impressionMean);
    }
    if (fromStage <= FunnelStage.visits) {
      visits = binomialQuantileForRate(uniforms[2] as number, impressions, rates, rateOffset + VISIT_RATE);
    }
    if (fromStage <= FunnelStage.addToCart) {
      carts = binomialQuantileForRate(uniforms[3] as number, visits, rates, rateOffset + CART_RATE);
    }
    if (fromStage <= FunnelStage.orders) {
      orders = binomialQuantileForRate(uniforms[4] as number, carts, rates, rateOffset + ORDER_RATE);
    }
    if (fromStage <= FunnelStage.units) {
      units = orders > 0 ? orders + poissonQuantile(uniforms[5] as number, orders * extraUnitsPerOrder) : 0;
    }
    outcome[0] = impressions;
    outcome[1] = visits;
    outcome[2] = carts;
    outcome[3] = orders;
    outcome[4] = units;
    outcome[5] = Math.round(units * unitPrice * 100) / 100;
  }

  /** `poissonQuantile(uniforms[1], mean)`, reusing the cell's Φ⁻¹(uniforms[1]) once computed. */
  private impressions(mean: number): number {
    if (!(mean > 0)) return 0;
    const u = this.uniforms[1] as number;
    if (mean <= EXACT_INVERSION_MAX_MEAN) return poissonSearch(u, mean);
    if (!this.hasImpressionNormal) {
      this.impressionNormal = normalQuantile(u);
      this.hasImpressionNormal = true;
    }
    return poissonCornishFisher(this.impressionNormal, mean);
  }
}
