import {
  BinomialRateMode,
  binomialQuantileForRate,
  EXACT_INVERSION_MAX_MEAN,
  PREPARED_RATE_STRIDE,
  poissonSearch,
  prepareBinomialRate,
  RECIPROCALS,
} from './distributions';

// Module-local copies of the rate modes the lookups compare against (see the note in
// ../engine/funnel): no getter call per lookup where the sources run through a CommonJS transform.
const MODE_NONE = BinomialRateMode.none;
const MODE_ALL = BinomialRateMode.all;
const MODE_UPPER = BinomialRateMode.upper;
// The same for what the lookups read on every call (under tsx, PREPARED_RATE_STRIDE alone cost about
// 4 % of the quality benchmark through its getter).
const RATE_STRIDE = PREPARED_RATE_STRIDE;
const quantileForRate = binomialQuantileForRate;
const search = poissonSearch;

/** Largest number of trials (binomial) or multiple of the base mean (Poisson) a table covers. */
export const TABLE_MAX_TRIALS = 16;

/** Most distinct parameters the tables of one run hold; further parameters are sampled directly. */
export const TABLE_MAX_SLOTS = 128;

/** CDF values per Poisson table row (k = 0 … POISSON_ROW − 1); a larger quantile falls back to search. */
const POISSON_ROW = 24;

const BINOMIAL_ROW = TABLE_MAX_TRIALS + 1;
const BINOMIAL_BLOCK = (TABLE_MAX_TRIALS + 1) * BINOMIAL_ROW;
const POISSON_BLOCK = (TABLE_MAX_TRIALS + 1) * POISSON_ROW;

/**
 * Cached CDFs of Binomial(n, p) for n = 1 … {@link TABLE_MAX_TRIALS} and a few probabilities p shared
 * by many products (an order rate is a category's). Each CDF is accumulated with exactly the
 * operations of `binomialQuantile`'s sequential search, so a lookup returns the same quantile bit for
 * bit; only the search's multiplications are saved.
 *
 * @example
 * ```ts
 * const tables = new BinomialCdfTables();
 * const slot = tables.slotFor(0.6);
 * tables.quantile(Float64Array.of(0.3), 0, 4, slot) === binomialQuantile(0.3, 4, 0.6); // true
 * ```
 */
export class BinomialCdfTables {
  private readonly slots = new Map<number, number>();
  private readonly rates = new Float64Array(TABLE_MAX_SLOTS * PREPARED_RATE_STRIDE);
  private readonly cumulative = new Float64Array(TABLE_MAX_SLOTS * BINOMIAL_BLOCK);

  /** The slot of probability `p` (filled on first use), or −1 once every slot is taken. */
  slotFor(p: number): number {
    const known = this.slots.get(p);
    if (known !== undefined) return known;
    const slot = this.slots.size;
    if (slot >= TABLE_MAX_SLOTS) return -1;
    this.slots.set(p, slot);
    const rates = this.rates;
    const rateOffset = slot * PREPARED_RATE_STRIDE;
    prepareBinomialRate(p, rates, rateOffset);
    const mode = rates[rateOffset] as number;
    if (mode !== BinomialRateMode.lower && mode !== BinomialRateMode.upper) return slot;
    const q = 1 - (rates[rateOffset + 1] as number);
    const ratio = rates[rateOffset + 2] as number;
    for (let trials = 1; trials <= TABLE_MAX_TRIALS; trials += 1) {
      // As in binomialQuantileForRate: (1 − p)^n by squaring, then the recurrence of the search.
      let probability = 1;
      let square = q;
      for (let exponent = trials; exponent > 0; exponent >>>= 1) {
        if ((exponent & 1) === 1) probability *= square;
        square *= square;
      }
      let cumulative = probability;
      const row = slot * BINOMIAL_BLOCK + trials * BINOMIAL_ROW;
      this.cumulative[row] = cumulative;
      for (let k = 0; k < trials - 1; k += 1) {
        probability *= (trials - k) * ratio * (RECIPROCALS[k] as number);
        cumulative += probability;
        this.cumulative[row + k + 1] = cumulative;
      }
    }
    return slot;
  }

  /**
   * `binomialQuantile(uniforms[uIndex], trials, p)` for the probability of `slot`, any trials (above
   * {@link TABLE_MAX_TRIALS} it samples directly).
   */
  quantile(uniforms: Float64Array, uIndex: number, trials: number, slot: number): number {
    const rateOffset = slot * RATE_STRIDE;
    if (trials > TABLE_MAX_TRIALS) {
      return quantileForRate(uniforms, uIndex, trials, this.rates, rateOffset);
    }
    if (trials <= 0) return 0;
    const mode = this.rates[rateOffset] as number;
    if (mode === MODE_NONE) return 0;
    if (mode === MODE_ALL) return trials;
    const upper = mode === MODE_UPPER;
    const u = upper ? 1 - (uniforms[uIndex] as number) : (uniforms[uIndex] as number);
    const cumulative = this.cumulative;
    const row = slot * BINOMIAL_BLOCK + trials * BINOMIAL_ROW;
    let k = 0;
    while (k < trials && u > (cumulative[row + k] as number)) k += 1;
    return upper ? trials - k : k;
  }
}

/**
 * Cached CDFs of Poisson(m × λ) for m = 1 … {@link TABLE_MAX_TRIALS} and a few base means λ shared by
 * many products (extra units per order are a category's): the units stage draws
 * Poisson(orders × extra units per order). Accumulated with exactly the operations of
 * `poissonQuantile`'s search, so lookups return the same quantile bit for bit; a quantile beyond the
 * table, or a mean outside the exact-search range, is sampled directly.
 *
 * @example
 * ```ts
 * const tables = new PoissonCdfTables();
 * const slot = tables.slotFor(0.4);
 * tables.quantile(Float64Array.of(0.9), 0, 3, slot); // poissonQuantile(0.9, 3 × 0.4)
 * ```
 */
export class PoissonCdfTables {
  private readonly slots = new Map<number, number>();
  private readonly baseMeans = new Float64Array(TABLE_MAX_SLOTS);
  private readonly cumulative = new Float64Array(TABLE_MAX_SLOTS * POISSON_BLOCK);
  /** 1 where the row (slot, multiple) is tabled: 0 < mean ≤ {@link EXACT_INVERSION_MAX_MEAN}. */
  private readonly tabled = new Uint8Array(TABLE_MAX_SLOTS * (TABLE_MAX_TRIALS + 1));
  private readonly mean = new Float64Array(1);

  /** The slot of base mean `baseMean` (filled on first use), or −1 once every slot is taken. */
  slotFor(baseMean: number): number {
    const known = this.slots.get(baseMean);
    if (known !== undefined) return known;
    const slot = this.slots.size;
    if (slot >= TABLE_MAX_SLOTS) return -1;
    this.slots.set(baseMean, slot);
    this.baseMeans[slot] = baseMean;
    for (let multiple = 1; multiple <= TABLE_MAX_TRIALS; multiple += 1) {
      const mean = multiple * baseMean;
      if (!(mean > 0 && mean <= EXACT_INVERSION_MAX_MEAN)) continue;
      this.tabled[slot * (TABLE_MAX_TRIALS + 1) + multiple] = 1;
      // As in poissonSearch.
      let probability = Math.exp(-mean);
      let cumulative = probability;
      const row = slot * POISSON_BLOCK + multiple * POISSON_ROW;
      this.cumulative[row] = cumulative;
      for (let k = 0; k < POISSON_ROW - 1; k += 1) {
        probability *= mean * (RECIPROCALS[k] as number);
        cumulative += probability;
        this.cumulative[row + k + 1] = cumulative;
      }
    }
    return slot;
  }

  /**
   * The smallest k with P(X ≤ k) ≥ `uniforms[uIndex]` for X ~ Poisson(multiple × base mean of `slot`)
   * when that row is tabled and k < its length; −1 otherwise (the caller then samples directly).
   */
  quantile(uniforms: Float64Array, uIndex: number, multiple: number, slot: number): number {
    if (!(multiple <= TABLE_MAX_TRIALS) || this.tabled[slot * (TABLE_MAX_TRIALS + 1) + multiple] !== 1) {
      return -1;
    }
    const u = uniforms[uIndex] as number;
    const cumulative = this.cumulative;
    const row = slot * POISSON_BLOCK + multiple * POISSON_ROW;
    let k = 0;
    while (k < POISSON_ROW && u > (cumulative[row + k] as number)) k += 1;
    if (k < POISSON_ROW) return k;
    this.mean[0] = multiple * (this.baseMeans[slot] as number);
    return search(uniforms, uIndex, this.mean, 0);
  }
}
