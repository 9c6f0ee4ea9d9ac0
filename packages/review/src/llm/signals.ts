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
