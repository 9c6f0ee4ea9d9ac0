import { AsyncLocalStorage } from 'node:async_hooks';
import { anySignal } from './signals';

/** The abort signal of the review in progress, visible to the HTTP calls it makes (however deep). */
const currentReview = new AsyncLocalStorage<AbortSignal>();

/**
 * Run `work` with `signal` as the current review's signal: every request made through
 * {@link abortableFetch} while it runs is aborted when the signal aborts.
 *
 * @example
 * ```ts
 * await withReviewSignal(AbortSignal.timeout(1000), () => model.invoke(messages));
 * ```
 */
export function withReviewSignal<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return currentReview.run(signal, work);
}

/**
 * Wrap a `fetch` so that each request also aborts with the current review's signal
 * ({@link withReviewSignal}). Provider clients that do not pass LangChain's `signal` call option to their
 * HTTP request (`@langchain/ollama` 1.x waits for the response headers without it) are cancelled this way,
 * so a server that accepts the connection and never answers cannot keep the process alive.
 *
 * @example
 * ```ts
 * new ChatOllama({ model: 'llama3.1:8b', fetch: abortableFetch(fetch) });
 * ```
 */
export function abortableFetch(base: typeof fetch): typeof fetch {
  return (input, init) => {
    const review = currentReview.getStore();
    if (review === undefined) return base(input, init);
    const own = init?.signal ?? undefined;
    const signal = own === undefined || own === null ? review : anySignal([own, review]);
    return base(input, { ...init, signal });
  };
}
