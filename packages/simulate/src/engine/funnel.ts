import { binomialQuantile, poissonQuantile } from '../random/distributions';

/** Number of uniforms one product-day consumes (noise, impressions, visits, carts, orders, units). */
export const UNIFORMS_PER_CELL = 6;

/**
 * One product-day's outcomes, in funnel order: impressions, visits, add_to_cart, orders, units, revenue.
 * Written by {@link drawFunnel}; reused to avoid allocating per row.
 */
export const funnelOutcome = new Float64Array(6);

/**
 * Draw one product-day through the funnel by inversion of the given uniforms:
 * impressions ~ Poisson(λ); visits ~ Binomial(impressions, p_visit); add_to_cart ~ Binomial(visits, p_cart);
 * orders ~ Binomial(add_to_cart, p_order); units = orders + Poisson(orders × extra units per order);
 * revenue = units × price (rounded to cents). Every quantile is non-decreasing in its parameters, so a
 * treatment that raises a rate can only raise the outcomes downstream of it for the same uniforms.
 *
 * @example
 * ```ts
 * drawFunnel(100, 0.1, 0.2, 0.6, 0.3, 19.99, 0.5, 0.5, 0.5, 0.5, 0.5);
 * funnelOutcome[0]; // impressions
 * ```
 */
export function drawFunnel(
  impressionMean: number,
  visitProbability: number,
  cartProbability: number,
  orderProbability: number,
  extraUnitsPerOrder: number,
  unitPrice: number,
  uImpressions: number,
  uVisits: number,
  uCarts: number,
  uOrders: number,
  uUnits: number,
): void {
  const impressions = poissonQuantile(uImpressions, impressionMean);
  const visits = binomialQuantile(uVisits, impressions, visitProbability);
  const carts = binomialQuantile(uCarts, visits, cartProbability);
  const orders = binomialQuantile(uOrders, carts, orderProbability);
  const units = orders > 0 ? orders + poissonQuantile(uUnits, orders * extraUnitsPerOrder) : 0;
  funnelOutcome[0] = impressions;
  funnelOutcome[1] = visits;
  funnelOutcome[2] = carts;
  funnelOutcome[3] = orders;
  funnelOutcome[4] = units;
  funnelOutcome[5] = Math.round(units * unitPrice * 100) / 100;
}
