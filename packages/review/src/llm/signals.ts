/**
 * A signal that aborts when any of `signals` does (`AbortSignal.any` where available: Node ≥ 20.3).
 *
 * @example
 * ```ts
 * const signal = anySignal([AbortSignal.timeout(1000), userSignal]);
 * ```
 */
export function anySignal(signals: readonly AbortSignal[]): AbortSignal {
  const native = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any;
  if (typeof native === 'function') return native.call(AbortSignal, [...signals]);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/**
 * A timeout signal that keeps the process alive until it fires or is cleared (unlike
 * `AbortSignal.timeout`, whose timer is unreferenced: with a model that never settles and nothing else
 * pending, Node would exit silently with code 13 before the timeout could fall back).
 *
 * @example
 * ```ts
 * const timeout = heldTimeout(30_000);
 * try { await work(timeout.signal) } finally { timeout.clear() }
 * ```
 */
export function heldTimeout(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
  }, ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
