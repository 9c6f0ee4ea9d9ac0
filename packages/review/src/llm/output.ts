import { FlagSchema } from '@impact/contracts';
import { z } from 'zod';

/**
 * The structured answer the LLM reviewer must produce: a confidence, flags and a rationale.
 * `confidence` only has to be a finite number here: a value outside the methodology band (or outside
 * [0, 1]) is clamped afterwards and flagged, not treated as malformed.
 *
 * @example
 * ```ts
 * LlmReviewSchema.parse({ confidence: 0.7, flags: [], rationale: 'Parallel pre-trends; wide CI.' });
 * ```
 */
export const LlmReviewSchema = z.strictObject({
  confidence: z.number().describe('confidence in the measurement, inside the methodology band'),
  flags: z
    .array(
      FlagSchema.extend({
        message: z.string().min(1).max(500),
      }),
    )
    .max(12)
    .default([])
    .describe('concerns as { code: UPPER_SNAKE_CASE, message, severity: info | warning | critical }'),
  rationale: z.string().min(1).max(4000).describe('two to six sentences explaining the score'),
});
/** A validated LLM answer. */
export type LlmReview = z.output<typeof LlmReviewSchema>;

/** Outcome of reading one candidate answer. */
export type AnswerParse = { ok: true; review: LlmReview } | { ok: false; problem: string };

/**
 * Validate a candidate answer: tool-call arguments (an object) or message text holding one JSON object
 * (optionally in a ```json fence or surrounded by prose).
 *
 * @example
 * ```ts
 * parseLlmAnswer('```json\n{"confidence":0.7,"flags":[],"rationale":"ok"}\n```');
 * ```
 */
export function parseLlmAnswer(candidate: unknown): AnswerParse {
  let value = candidate;
  if (typeof candidate === 'string') {
    const extracted = extractJsonObject(candidate);
    if (extracted === undefined) {
      return { ok: false, problem: 'the reply contains no JSON object' };
    }
    try {
      value = JSON.parse(extracted);
    } catch (error) {
      return { ok: false, problem: `the reply is not valid JSON (${(error as Error).message})` };
    }
  }
  const parsed = LlmReviewSchema.safeParse(value);
  if (parsed.success) return { ok: true, review: parsed.data };
  const problem = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`)
    .join('; ');
  return { ok: false, problem };
}

function extractJsonObject(text: string): string | undefined {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const body = (fenced?.[1] ?? text).trim();
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  return body.slice(start, end + 1);
}
