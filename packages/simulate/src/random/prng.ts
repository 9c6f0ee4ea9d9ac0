/**
 * Deterministic randomness: xoshiro128** (Blackman & Vigna, 2018) seeded through MurmurHash3's 32-bit
 * finaliser. Every draw in the simulator comes from a *named stream* keyed by integers (a product index,
 * an epoch day), so adding a product or a day never changes the numbers any other product or day sees.
 */

const GOLDEN = 0x9e3779b9;

/** MurmurHash3 `fmix32`: a bijection on 32-bit integers with full avalanche. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a (32-bit) of a string's UTF-16 code units: turns a stream name into a number. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let index = 0; index < name.length; index += 1) {
    h ^= name.charCodeAt(index);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The 32-bit key of a named stream under a seed. Seeds up to 2^53 are folded in completely.
 *
 * @example
 * ```ts
 * const key = streamKey(42, 'funnel');
 * ```
 */
export function streamKey(seed: number, name: string): number {
  const low = seed >>> 0;
  const high = Math.floor(seed / 0x100000000) >>> 0;
  return mix32(mix32(low ^ hashName(name)) + mix32(high + GOLDEN));
}

/**
 * xoshiro128**: a small, fast, well-tested 32-bit generator (period 2^128 − 1). One instance is reseeded
 * for every (stream, index, subindex) cell so that draws are addressable rather than sequential.
 *
 * @example
 * ```ts
 * const rng = new Xoshiro128();
 * rng.seedCell(streamKey(42, 'catalog'), 7, 0);
 * const u = rng.nextUniform(); // in (0, 1)
 * ```
 */
export class Xoshiro128 {
  /** The 128-bit state as four 32-bit words (a typed array keeps them unboxed, which is much faster). */
  private readonly state = Int32Array.of(1, 2, 3, 4);

  /**
   * Reseed for the cell `(key, a, b)`. The first state word is a bijection of `a` and, for a given `a`,
   * the second is a bijection of `b`, so distinct cells of a stream always get distinct states; one
   * output is discarded so that the first uniform already depends on every state word.
   */
  seedCell(key: number, a: number, b: number): void {
    const s0 = cellFirstWord(key, a);
    const s1 = mix32(s0 ^ cellSubindexWord(b));
    const state = this.state;
    state[0] = s0;
    state[1] = s1;
    state[2] = mix32(s1 ^ 0x3c6ef372);
    state[3] = cellLastWord(s0);
    this.nextUint32();
  }

  /** Set the raw 128-bit state (four 32-bit words, not all zero), e.g. to check reference vectors. */
  setState(s0: number, s1: number, s2: number, s3: number): void {
    this.state[0] = s0;
    this.state[1] = s1;
    this.state[2] = s2;
    this.state[3] = s3;
  }

  /** Next 32-bit output as an unsigned integer. */
  nextUint32(): number {
    const state = this.state;
    const s0 = state[0] as number;
    const s1 = state[1] as number;
    const s2 = state[2] as number;
    const s3 = state[3] as number;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    state[1] = s1 ^ n2;
    state[0] = s0 ^ n3;
    state[2] = n2 ^ t;
    state[3] = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** A uniform number strictly inside (0, 1), with 32-bit resolution. */
  nextUniform(): number {
    return this.nextUint32() * 2.3283064365386963e-10 + 1.1641532182693481e-10;
  }
}

/**
 * First state word of the cell `(key, a, …)` of {@link Xoshiro128.seedCell}, as an unsigned integer:
 * it does not depend on the subindex, so a caller seeding many cells of one index computes it once.
 *
 * @example
 * ```ts
 * const first = cellFirstWord(streamKey(42, 'funnel'), productIndex);
 * ```
 */
export function cellFirstWord(key: number, a: number): number {
  return mix32(key ^ mix32(a + 0x6a09e667));
}

/**
 * Last state word of a cell whose first word is `first` (see {@link cellFirstWord}); never zero.
 *
 * @example
 * ```ts
 * const last = cellLastWord(cellFirstWord(key, productIndex));
 * ```
 */
export function cellLastWord(first: number): number {
  return mix32((first + 0xa54ff53a) >>> 0) | 1;
}

/**
 * The hash of the subindex `b` that {@link Xoshiro128.seedCell} mixes into the second state word; the
 * same for every index, so a caller seeding a whole column of cells computes it once.
 *
 * @example
 * ```ts
 * const dayWord = cellSubindexWord(epochDay);
 * ```
 */
export function cellSubindexWord(b: number): number {
  return mix32(b + 0xbb67ae85);
}

/**
 * Write to `out[0…count − 1]` the first `count` uniforms of the cell that {@link Xoshiro128.seedCell}
 * would seed from the given words, bit for bit, with the generator state in local variables rather
 * than an object (the simulator's inner loop draws six per product-day).
 *
 * @example
 * ```ts
 * const first = cellFirstWord(key, product);
 * cellUniforms(first, cellLastWord(first), cellSubindexWord(epochDay), uniforms, 6);
 * ```
 */
export function cellUniforms(
  first: number,
  last: number,
  subindexWord: number,
  out: Float64Array,
  count: number,
): void {
  let s1 = mix32(first ^ subindexWord);
  let s2 = mix32(s1 ^ 0x3c6ef372) | 0;
  let s0 = first | 0;
  let s3 = last | 0;
  s1 |= 0;
  // xoshiro128** steps as in Xoshiro128.nextUint32; the first output is discarded, as in seedCell.
  for (let k = -1; k < count; k += 1) {
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s1 ^= n2;
    s0 ^= n3;
    s2 = n2 ^ t;
    s3 = (n3 << 11) | (n3 >>> 21);
    if (k >= 0) out[k] = result * 2.3283064365386963e-10 + 1.1641532182693481e-10;
  }
}
