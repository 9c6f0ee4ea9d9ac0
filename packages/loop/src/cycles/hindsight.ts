/** One candidate of the hindsight portfolio: what it costs and what it truly returns. */
export interface HindsightItem {
  id: string;
  cost: number;
  value: number;
}

/** The best portfolio in hindsight. */
export interface HindsightPortfolio {
  /** Chosen ids, in input order. */
  selected: string[];
  /** Σ value of the chosen items. */
  value: number;
  /** Σ cost of the chosen items. */
  cost: number;
}

/**
 * The hindsight-optimal portfolio: an exact 0/1 knapsack (depth-first branch and bound with the
 * fractional relaxation as bound) maximizing Σ value under Σ cost ≤ budget. Items with value ≤ 0 are never
 * worth funding and are left out. Exact for any real costs; meant for the tens
 * of initiatives of one cycle.
 *
 * @example
 * ```ts
 * hindsightOptimum([{ id: 'a', cost: 6, value: 10 }, { id: 'b', cost: 5, value: 7 }, { id: 'c', cost: 5, value: 7 }], 10);
 * // → { selected: ['b', 'c'], value: 14, cost: 10 }
 * ```
 */
export function hindsightOptimum(items: readonly HindsightItem[], budget: number): HindsightPortfolio {
  const order = items
    .map((item, index) => ({ ...item, index }))
    .filter((item) => item.value > 0 && item.cost <= budget + 1e-9)
    .sort((a, b) => ratio(b) - ratio(a) || a.index - b.index);
  let best = { value: 0, cost: 0, chosen: [] as number[] };
  const chosen: number[] = [];
  const bound = (from: number, room: number, value: number): number => {
    let total = value;
    let left = room;
    for (let k = from; k < order.length; k++) {
      const item = order[k] as (typeof order)[number];
      if (item.cost <= left) {
        total += item.value;
        left -= item.cost;
      } else {
        return total + (item.cost > 0 ? (item.value * left) / item.cost : item.value);
      }
    }
    return total;
  };
  const search = (k: number, room: number, value: number, cost: number): void => {
    if (value > best.value + 1e-9) best = { value, cost, chosen: [...chosen] };
    if (k >= order.length || bound(k, room, value) <= best.value + 1e-9) return;
    const item = order[k] as (typeof order)[number];
    if (item.cost <= room + 1e-9) {
      chosen.push(item.index);
      search(k + 1, room - item.cost, value + item.value, cost + item.cost);
      chosen.pop();
    }
    search(k + 1, room, value, cost);
  };
  search(0, budget, 0, 0);
  const picked = new Set(best.chosen);
  return {
    selected: items.filter((_, index) => picked.has(index)).map((item) => item.id),
    value: best.value,
    cost: best.cost,
  };
}

function ratio(item: HindsightItem): number {
  return item.cost > 0 ? item.value / item.cost : Number.POSITIVE_INFINITY;
}
