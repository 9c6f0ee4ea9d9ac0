import { binomialQuantile, poissonQuantile } from '../random/distributions';

/**
 * One product-day's outcomes, in funnel order: impressions, visits, add_to_cart, orders, units, revenue.
 * Written by {@link drawFunnel}; reused to avoid allocating per row.
 */
export const funnelOutcome = new Float64Array(6);

/** Funnel stages, in order; `drawFunnel` can start at any of them. */
export const FunnelStage = {
  impressions: 0,
  visits: 1,
  addToCart: 2,
  orders: 3,
  units: 4,
  revenue: 5,
} as const;

/** Parameters of one product-day's funnel. */
export interface FunnelParameters {
  impressionMean: number;
  visitProbability: number;
  cartProbability: number;
  orderProbability: number;
  extraUnitsPerOrder: number;
  unitPrice: number;
}

/**
 * Draw one product-day through the funnel by inversion of the given uniforms (`uniforms[1…5]`):
 * impressions ~ Poisson(λ); visits ~ Binomial(impressions, p_visit); add_to_cart ~ Binomial(visits, p_cart);
 * orders ~ Binomial(add_to_cart, p_order); units = orders + Poisson(orders × extra units per order);
 * revenue = units × price (rounded to cents). Stages before `fromStage` are kept from the previous
 * draw in {@link funnelOutcome}: a treatment redraws only what it can change. Every quantile is
 * non-decreasing in its parameters, so a treatment that raises a rate can only raise the outcomes
 * downstream of it for the same uniforms.
 *
 * @example
 * ```ts
 * drawFunnel(FunnelStage.impressions, parameters, uniforms);
 * funnelOutcome[0]; // impressions
 * ```
 */
export function drawFunnel(fromStage: number, parameters: FunnelParameters, uniforms: Float64Array): void {
  let impressions = funnelOutcome[0] as number;
  let visits = funnelOutcome[1] as number;
  let carts = funnelOutcome[2] as number;
  let orders = funnelOutcome[3] as number;
  let units = funnelOutcome[4] as number;
  if (fromStage <= FunnelStage.impressions) {
    impressions = poissonQuantile(uniforms[1] as number, parameters.impressionMean);
  }
  if (fromStage <= FunnelStage.visits) {
    visits = binomialQuantile(uniforms[2] as number, impressions, parameters.visitProbability);
  }
  if (fromStage <= FunnelStage.addToCart) {
    carts = binomialQuantile(uniforms[3] as number, visits, parameters.cartProbability);
  }
  if (fromStage <= FunnelStage.orders) {
    orders = binomialQuantile(uniforms[4] as number, carts, parameters.orderProbability);
  }
  if (fromStage <= FunnelStage.units) {
    units =
      orders > 0
        ? orders + poissonQuantile(uniforms[5] as number, orders * parameters.extraUnitsPerOrder)
        : 0;
  }
  funnelOutcome[0] = impressions;
  funnelOutcome[1] = visits;
  funnelOutcome[2] = carts;
  funnelOutcome[3] = orders;
  funnelOutcome[4] = units;
  funnelOutcome[5] = Math.round(units * parameters.unitPrice * 100) / 100;
}
