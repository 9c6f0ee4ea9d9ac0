import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessage, BaseMessageLike } from '@langchain/core/messages';
import { type LlmReview, parseLlmAnswer } from './output';
import { reviewToolDefinitions, runReviewTool, SUBMIT_TOOL_NAME, type ToolContext } from './tools';

/** Limits of one agent run. */
export interface AgentLimits {
  /** Re-asks after a malformed answer before giving up. */
  maxRetries: number;
  /** Tool calls (other than the final submit) the model may make. */
  maxToolCalls: number;
}

/**
 * Raised when the model kept answering malformed output past `maxRetries` (the LLM reviewer turns it into
 * an `LLM_FALLBACK` flag).
 *
 * @example
 * ```ts
 * try { await runReviewAgent(…) } catch (e) { if (e instanceof MalformedAnswerError) console.log(e.attempts, e.problem) }
 * ```
 */
export class MalformedAnswerError extends Error {
  constructor(
    readonly attempts: number,
    readonly problem: string,
  ) {
    super(`malformed answer after ${attempts} attempt(s): ${problem}`);
    this.name = 'MalformedAnswerError';
  }
}

/** A successful agent run. */
export interface AgentOutcome {
  review: LlmReview;
  /** Answers read (1 = first answer valid). */
  attempts: number;
  /** Tool calls executed. */
  toolCalls: number;
}

type Invokable = Pick<BaseChatModel, 'invoke'>;

/**
 * Resolve with `promise` or reject with the signal's reason as soon as it aborts, whichever is first
 * (not every provider honours `signal` while waiting for response headers).
 */
export function raceWithSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Run the review agent: bind the tools when the model supports tool calling, loop over tool calls, read
 * the final answer (a `submit_review` call or a JSON reply), re-ask with the validation problem after a
 * malformed answer (at most `maxRetries` times), and stop when `signal` aborts.
 *
 * @example
 * ```ts
 * const outcome = await runReviewAgent(model, messages, { measurement, rules }, { maxRetries: 2, maxToolCalls: 8 }, signal);
 * ```
 */
export async function runReviewAgent(
  model: BaseChatModel,
  initialMessages: BaseMessageLike[],
  context: ToolContext,
  limits: AgentLimits,
  signal: AbortSignal,
): Promise<AgentOutcome> {
  const runnable: Invokable =
    typeof model.bindTools === 'function' ? (model.bindTools(reviewToolDefinitions()) as Invokable) : model;
  const messages: BaseMessageLike[] = [...initialMessages];
  let attempts = 0;
  let toolCalls = 0;
  for (;;) {
    signal.throwIfAborted();
    const reply = (await raceWithSignal(runnable.invoke(messages, { signal }), signal)) as AIMessage;
    messages.push(reply);
    const calls = reply.tool_calls ?? [];
    const submit = calls.find((call) => call.name === SUBMIT_TOOL_NAME);
    if (calls.length > 0 && submit === undefined && toolCalls + calls.length <= limits.maxToolCalls) {
      for (const call of calls) {
        toolCalls += 1;
        messages.push({
          role: 'tool',
          name: call.name,
          tool_call_id: call.id ?? call.name,
          content: runReviewTool(call.name, call.args, context),
        });
      }
      continue;
    }
    attempts += 1;
    let problem: string;
    if (submit !== undefined) {
      const parsed = parseLlmAnswer(submit.args);
      if (parsed.ok) return { review: parsed.review, attempts, toolCalls };
      problem = parsed.problem;
    } else if (calls.length > 0) {
      problem = `the tool-call budget (${limits.maxToolCalls}) is spent; submit the review now`;
    } else {
      const parsed = parseLlmAnswer(messageText(reply));
      if (parsed.ok) return { review: parsed.review, attempts, toolCalls };
      problem = parsed.problem;
    }
    if (attempts > limits.maxRetries) throw new MalformedAnswerError(attempts, problem);
    const correction = `Your answer was not accepted: ${problem}. Submit the review again as valid JSON {"confidence", "flags", "rationale"}.`;
    if (calls.length > 0) {
      // Providers require a result for every tool call of the previous turn.
      for (const call of calls) {
        messages.push({
          role: 'tool',
          name: call.name,
          tool_call_id: call.id ?? call.name,
          content: correction,
        });
      }
    } else {
      messages.push({ role: 'user', content: correction });
    }
  }
}

function messageText(message: AIMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  return content
    .map((block) => (typeof block === 'string' ? block : block.type === 'text' ? String(block.text) : ''))
    .join('');
}
