import { type MeasureResult, ModelTypeSchema } from '@impact/contracts';
import { z } from 'zod';
import type { ReviewRules } from '../rules/rules';
import { powerAnalysis } from '../stats/power';
import { toPromptJson } from './data-block';
import { METHODOLOGY_KNOWLEDGE } from './methodology';
import { LlmReviewSchema } from './output';

/** A tool in the OpenAI function format, which every LangChain chat model's `bindTools` accepts. */
export interface ToolDefinition {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/**
 * Name of the tool through which the model submits its final answer.
 *
 * @example
 * ```ts
 * const submit = reply.tool_calls?.find((call) => call.name === SUBMIT_TOOL_NAME);
 * ```
 */
export const SUBMIT_TOOL_NAME = 'submit_review';

const ReadMeasurementArgs = z.strictObject({});
const AssumptionsArgs = z.strictObject({ model_type: ModelTypeSchema });
const PowerArgs = z.strictObject({
  effect: z.number().optional().describe('effect to detect; defaults to the measured effect'),
  standard_error: z.number().min(0).optional().describe('defaults to the measurement standard error'),
  sample_size: z.number().int().min(1).optional().describe('defaults to the measurement sample size'),
  alpha: z.number().gt(0).lt(1).optional().describe('two-sided level; defaults to 1 − ci_level'),
  power: z.number().gt(0).lt(1).optional().describe('target power; defaults to the rules (0.8)'),
});

function parameters(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/**
 * The agent's tools, as definitions to bind to a chat model.
 *
 * @example
 * ```ts
 * const bound = model.bindTools(reviewToolDefinitions());
 * ```
 */
export function reviewToolDefinitions(): ToolDefinition[] {
  const definition = (name: string, description: string, schema: z.ZodType): ToolDefinition => ({
    type: 'function',
    function: { name, description, parameters: parameters(schema) },
  });
  return [
    definition(
      'read_measurement',
      'Read the measurement under review (effect, interval, p-value, sample size, methodology) and its diagnostics, as JSON data.',
      ReadMeasurementArgs,
    ),
    definition(
      'methodology_assumptions',
      'Look up the identifying assumptions, relevant diagnostics and common pitfalls of a methodology class, and its confidence band.',
      AssumptionsArgs,
    ),
    definition(
      'power_calculator',
      'Two-sided z-test power analysis: minimum detectable effect, n required for 80% power, achieved power. Arguments default to the measurement.',
      PowerArgs,
    ),
    definition(
      SUBMIT_TOOL_NAME,
      'Submit the final review: confidence (inside the methodology band), flags and rationale.',
      LlmReviewSchema,
    ),
  ];
}

/** What the tools can see. */
export interface ToolContext {
  measurement: MeasureResult;
  rules: ReviewRules;
}

/**
 * Run one (non-submit) tool call and return its result as JSON text. Bad arguments or unknown tools
 * yield an `{ "error": … }` result the model can correct, never an exception.
 *
 * @example
 * ```ts
 * runReviewTool('power_calculator', {}, { measurement, rules });
 * ```
 */
export function runReviewTool(name: string, args: unknown, context: ToolContext): string {
  const { measurement, rules } = context;
  switch (name) {
    case 'read_measurement': {
      const parsed = ReadMeasurementArgs.safeParse(args ?? {});
      if (!parsed.success) return toolError(name, parsed.error);
      return toPromptJson({ measurement });
    }
    case 'methodology_assumptions': {
      const parsed = AssumptionsArgs.safeParse(args);
      if (!parsed.success) return toolError(name, parsed.error);
      const modelType = parsed.data.model_type;
      return toPromptJson({
        model_type: modelType,
        band: rules.bands[modelType],
        ...METHODOLOGY_KNOWLEDGE[modelType],
      });
    }
    case 'power_calculator': {
      const parsed = PowerArgs.safeParse(args ?? {});
      if (!parsed.success) return toolError(name, parsed.error);
      const alpha = parsed.data.alpha ?? 1 - measurement.ci_level;
      const power = parsed.data.power ?? rules.power;
      const analysis = powerAnalysis({
        effect: parsed.data.effect ?? measurement.effect_estimate,
        standardError: parsed.data.standard_error ?? measurement.standard_error,
        sampleSize: parsed.data.sample_size ?? measurement.sample_size,
        alpha,
        power,
      });
      return toPromptJson({
        alpha,
        power,
        minimum_detectable_effect: analysis.minimumDetectableEffect,
        required_sample_size: Number.isFinite(analysis.requiredSampleSize)
          ? analysis.requiredSampleSize
          : null,
        adequacy_ratio: Number.isFinite(analysis.adequacy) ? analysis.adequacy : null,
        achieved_power: analysis.achievedPower,
      });
    }
    default:
      return toPromptJson({ error: `unknown tool ${JSON.stringify(name)}` });
  }
}

function toolError(name: string, error: z.ZodError): string {
  const problems = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return toPromptJson({ error: `invalid arguments for ${name}: ${problems.join('; ')}` });
}
