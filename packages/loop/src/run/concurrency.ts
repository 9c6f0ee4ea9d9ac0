/**
 * Run `task` over `items` with at most `limit` tasks in flight; results keep the order of `items`.
 * When `shouldStop()` turns true no new task starts (tasks already running finish).
 *
 * @example
 * ```ts
 * const sizes = await mapWithConcurrency(files, 2, async (file) => (await stat(file)).size);
 * ```
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
  shouldStop: () => boolean = () => false,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length && !shouldStop()) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T, index);
    }
  }
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker());
  await Promise.all(workers);
  return results;
}
