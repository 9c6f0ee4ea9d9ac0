import type { Flag, ReviewResult } from '@impact/contracts';
import { parseReviewResult } from '@impact/contracts';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ReviewError } from '../errors';
import { reviewParsed } from '../reviewer/deterministic';
import { parseReviewInput, type Reviewer, type ReviewOptions } from '../reviewer/reviewer';
import { parseReviewRules, type ReviewRulesInput } from '../rules/rules';
import { clampToBand } from '../scoring/confidence';
import { MalformedAnswerError, runReviewAgent } from './agent';
import { REVIEW_SYSTEM_PROMPT, reviewUserPrompt } from './prompt';
import { withReviewSignal } from './review-signal';
import { anySignal, heldTimeout } from './signals';

/** Options shared by every LLM reviewer. */
export interface LlmReviewerSettings {
  /** Name recorded in `reviewer.name` (default `llm`). */
  name?: string;
  /** Model id recorded in `reviewer.model`; read from the model (`model`, `modelName`, `modelId`) when omitted. */
  modelId?: string;
  /** Rules for the band, the baseline and the fallback (the deterministic reviewer's rules). */
  rules?: ReviewRulesInput;
  /** Time allowed for one whole review, in milliseconds (default 60,000). */
  timeoutMs?: number;
  /** Re-asks after a malformed answer before falling back (default 2). */
  maxRetries?: number;
  /** Tool calls the agent may make per review (default 8). */
  maxToolCalls?: number;
}

/** Options of {@link createLlmReviewer}. */
export interface LlmReviewerOptions extends LlmReviewerSettings {
  /** Any LangChain chat model; tools are bound when it supports tool calling. */
  model: BaseChatModel;
}

/**
 * Build an LLM reviewer around a model loader (used by the provider factories, which import their
 * provider lazily on the first review).
 */
export function createAgentReviewer(
  loadModel: () => Promise<BaseChatModel>,
  settings: LlmReviewerSettings & { defaultName: string },
): Reviewer {
  const rules = parseReviewRules(settings.rules ?? {});
  const name = settings.name ?? settings.defaultName;
  const timeoutMs = settings.timeoutMs ?? 60_000;
  const limits = { maxRetries: settings.maxRetries ?? 2, maxToolCalls: settings.maxToolCalls ?? 8 };
  return {
    name,
    async review(input, options: ReviewOptions = {}): Promise<ReviewResult> {
      const userSignal = options.signal;
      if (userSignal?.aborted) {
        throw new ReviewError('REVIEW_ABORTED', 'review aborted before it started', {
          cause: userSignal.reason,
        });
      }
      const parsed = parseReviewInput(input);
      const baseline = reviewParsed(parsed, rules);
      const model = await loadModel();
      const modelId = settings.modelId ?? readModelId(model);
      const band = rules.bands[parsed.measurement.model_type];
      const held = heldTimeout(timeoutMs);
      const timeout = held.signal;
      const signal = userSignal === undefined ? timeout : anySignal([timeout, userSignal]);
      let failure: string;
      try {
        const outcome = await withReviewSignal(signal, () =>
          runReviewAgent(
            model,
            [
              { role: 'system', content: REVIEW_SYSTEM_PROMPT },
              { role: 'user', content: reviewUserPrompt(parsed, band, baseline.confidence, baseline.flags) },
            ],
            { measurement: parsed.measurement, rules },
            limits,
            signal,
          ),
        );
        held.clear();
        const proposed = outcome.review.confidence;
        const confidence = clampToBand(proposed, band);
        const flags: Flag[] = [...baseline.flags];
        if (confidence !== proposed) {
          flags.push({
            code: 'LLM_SCORE_CLAMPED',
            message: `the LLM proposed ${proposed}, outside the ${parsed.measurement.model_type} band [${band.min}, ${band.max}]; clamped to ${confidence}`,
            severity: 'warning',
          });
        }
        // Flags from the model are namespaced (LLM_MODEL_<code>): it cannot raise LLM_FALLBACK, a rule's flag, or
        // any other code the reviewer or the rules own. One the rules raised already is not repeated.
        const seen = new Set(flags.map((flag) => flag.code));
        for (const flag of outcome.review.flags) {
          const code = modelFlagCode(flag.code);
          if (seen.has(code) || seen.has(flag.code)) continue;
          seen.add(code);
          flags.push({ ...flag, code });
        }
        return parseReviewResult({
          ...baseline,
          confidence,
          flags,
          rationale: `${outcome.review.rationale} [rule-based baseline ${baseline.confidence.toFixed(4)}; ${outcome.attempts} answer(s), ${outcome.toolCalls} tool call(s)]`,
          reviewer: { name, kind: 'llm', ...(modelId === undefined ? {} : { model: modelId }) },
        });
      } catch (error) {
        held.clear();
        if (userSignal?.aborted) {
          throw new ReviewError('REVIEW_ABORTED', `review of ${parsed.measurement.initiative_id} aborted`, {
            cause: userSignal.reason,
          });
        }
        if (timeout.aborted) failure = `no answer within ${timeoutMs} ms`;
        else if (error instanceof MalformedAnswerError) failure = error.message;
        else failure = `the model call failed: ${(error as Error)?.message ?? String(error)}`;
      }
      return parseReviewResult({
        ...baseline,
        flags: [
          ...baseline.flags,
          {
            code: 'LLM_FALLBACK',
            message: `LLM reviewer ${name}${modelId === undefined ? '' : ` (${modelId})`} gave no usable review (${failure}); the deterministic review was used`,
            severity: 'warning',
          },
        ],
      });
    },
  };
}

/**
 * An LLM reviewer on any LangChain chat model: an agent with tools (read the measurement and diagnostics,
 * methodology assumptions, power/MDE calculator) that answers `{confidence, flags, rationale}` validated
 * by zod. Guardrails: the score is clamped into the methodology band (flag `LLM_SCORE_CLAMPED`),
 * measurement fields reach the model only as a JSON data block or tool results, the review times out
 * after `timeoutMs`, malformed answers are re-asked `maxRetries` times, and any failure falls back to the
 * deterministic review with flag `LLM_FALLBACK`. The timeout (or `options.signal`) cancels the model call and
 * its HTTP request, and its timer keeps the process alive until it fires, so a model that never answers
 * cannot hang the process or end it silently. Flags the model proposes are recorded as `LLM_MODEL_<code>`,
 * so it cannot raise `LLM_FALLBACK` or a rule's flag. Returns are always computed by the rules, never by the LLM.
 *
 * @example
 * ```ts
 * import { ChatOllama } from '@langchain/ollama';
 * const reviewer = createLlmReviewer({ model: new ChatOllama({ model: 'llama3.1:8b', temperature: 0 }), timeoutMs: 30_000 });
 * ```
 */
export function createLlmReviewer(options: LlmReviewerOptions): Reviewer {
  const { model, ...settings } = options;
  return createAgentReviewer(async () => model, { ...settings, defaultName: 'llm' });
}

/** Prefix of every flag code an LLM proposes, so that it cannot spoof the reviewer's or the rules' flags. */
export const MODEL_FLAG_PREFIX = 'LLM_MODEL_';

/**
 * The code under which a flag proposed by the model is recorded: `LLM_MODEL_<code>` (`SHORT_PILOT` →
 * `LLM_MODEL_SHORT_PILOT`; a spoofed `LLM_FALLBACK` → `LLM_MODEL_LLM_FALLBACK`).
 *
 * @example
 * ```ts
 * modelFlagCode('LLM_FALLBACK'); // 'LLM_MODEL_LLM_FALLBACK'
 * ```
 */
export function modelFlagCode(code: string): string {
  return `${MODEL_FLAG_PREFIX}${code}`;
}

function readModelId(model: BaseChatModel): string | undefined {
  const candidate = model as unknown as { model?: unknown; modelName?: unknown; modelId?: unknown };
  for (const value of [candidate.model, candidate.modelName, candidate.modelId]) {
    if (typeof value === 'string' && value.length > 0) return value;
  }
  const type = model._llmType();
  return typeof type === 'string' && type.length > 0 ? type : undefined;
}
