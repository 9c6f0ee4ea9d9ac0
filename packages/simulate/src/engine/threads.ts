import { ConfigError } from '@impact/contracts';
import { defaultThreads } from './parallel';

/**
 * Environment variable that sets `simulate`'s thread count when the caller passes no `threads`
 * (like `OMP_NUM_THREADS`): a positive integer (1–64) or `auto`. `IMPACT_SIMULATE_THREADS=1` pins a
 * job to one thread without code changes; empty or unset means the default, `auto`.
 *
 * @example
 * ```ts
 * process.env[THREADS_ENV] = '1'; // every later simulate() without `threads` stays on one thread
 * ```
 */
export const THREADS_ENV = 'IMPACT_SIMULATE_THREADS';

/** Most threads `simulate` accepts, from the option or from {@link THREADS_ENV}. */
export const MAX_THREADS = 64;

/** A thread count as `simulate` accepts it. */
export type ThreadsSetting = number | 'auto';

/** The value of {@link THREADS_ENV} in `env`, validated; `undefined` when it is unset or empty. */
function threadsFromEnv(env: Readonly<Record<string, string | undefined>>): ThreadsSetting | undefined {
  const raw = env[THREADS_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim();
  if (value === 'auto') return 'auto';
  if (/^[0-9]+$/.test(value)) {
    const count = Number(value);
    if (count >= 1 && count <= MAX_THREADS) return count;
  }
  const expected = `a whole number from 1 to ${MAX_THREADS}, or auto`;
  const message = `environment variable ${THREADS_ENV}: expected ${expected}, found ${JSON.stringify(raw)}`;
  throw new ConfigError('CONFIG_INVALID', message, {
    issues: [{ path: THREADS_ENV, expected, found: JSON.stringify(raw), message }],
  });
}

/**
 * The number of threads `simulate` uses for `rows` product-days: the caller's `threads` when given,
 * else {@link THREADS_ENV} from `env`, else `auto`; `auto` is one thread below 400,000 product-days and
 * one per available core (at most 8) from there. Throws `ConfigError` naming the variable when the
 * environment holds anything else (the variable is not read at all when `threads` is given).
 *
 * @example
 * ```ts
 * resolveThreads(undefined, 3_650_000, { IMPACT_SIMULATE_THREADS: '1' }); // 1
 * resolveThreads('auto', 10_000, {}); // 1: too small to start workers
 * ```
 */
export function resolveThreads(
  threads: ThreadsSetting | undefined,
  rows: number,
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  const setting = threads ?? threadsFromEnv(env) ?? 'auto';
  return setting === 'auto' ? defaultThreads(rows) : setting;
}
