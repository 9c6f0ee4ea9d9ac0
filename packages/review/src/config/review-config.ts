import { ConfigError, loadConfig, parseConfig } from '@impact/contracts';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { z } from 'zod';
import { DecisionModelSpecSchema, resolveDecisionModel } from '../decision/registry';
import { createLlmReviewer } from '../llm/llm-reviewer';
import {
  type BedrockLib,
  createBedrockReviewer,
  createOllamaReviewer,
  type OllamaLib,
} from '../llm/providers';
import { createDeterministicReviewer } from '../reviewer/deterministic';
import type { Reviewer } from '../reviewer/reviewer';
import { type ReviewRulesInput, ReviewRulesSchema } from '../rules/rules';
import { MULTIPLE_TESTING_METHODS } from '../stats/multiplicity';

const LlmConfigSchema = z.strictObject({
  /** Which provider package serves the model. */
  backend: z.enum(['ollama', 'bedrock']),
  /** Provider model id, e.g. `llama3.1:8b` or a Bedrock model id. */
  model: z.string().min(1),
  temperature: z.number().min(0).max(2).default(0),
  timeout_ms: z.number().int().min(1).default(60_000),
  max_retries: z.number().int().min(0).max(10).default(2),
  max_tool_calls: z.number().int().min(0).max(50).default(8),
  /** Name recorded in `reviewer.name` (default: the backend). */
  name: z.string().min(1).optional(),
  /** Ollama only: server URL (default `http://127.0.0.1:11434`). */
  base_url: z.url().optional(),
  /** Bedrock only: AWS region. */
  region: z.string().min(1).optional(),
  /** Bedrock only: HTTPS host of a custom endpoint, without scheme. */
  endpoint_host: z.string().min(1).optional(),
});

/**
 * Review configuration (snake_case YAML): which reviewer, the rule table, and the LLM backend.
 *
 * ```yaml
 * reviewer: llm            # deterministic (default) | llm
 * decision_model: predictive   # predictive (default) | design_ci | a registered name | { name, ...params }
 * multiple_testing: holm   # none (default) | holm | bh, across the initiatives reviewed together
 * rules:                   # optional overrides of DEFAULT_REVIEW_RULES
 *   adjustments: { ci_width: { weight: 0.1 } }
 * llm:
 *   backend: ollama        # ollama | bedrock
 *   model: llama3.1:8b
 *   temperature: 0
 *   timeout_ms: 30000
 *   max_retries: 2
 * ```
 *
 * @example
 * ```ts
 * const config = ReviewConfigSchema.parse({ reviewer: 'deterministic' });
 * ```
 */
export const ReviewConfigSchema = z
  .strictObject({
    reviewer: z.enum(['deterministic', 'llm']).default('deterministic'),
    rules: (ReviewRulesSchema as z.ZodType<z.output<typeof ReviewRulesSchema>, ReviewRulesInput>).optional(),
    llm: LlmConfigSchema.optional(),
    /**
     * Multiple-testing correction across the initiatives reviewed together (`reviewAll`): `none` (default),
     * `holm` or `bh` (Benjamini–Hochberg).
     */
    multiple_testing: z.enum(MULTIPLE_TESTING_METHODS).default('none'),
    /** How measurements become return scenarios for the allocator (see `applyDecisionModel`). */
    decision_model: DecisionModelSpecSchema.default('predictive'),
  })
  .superRefine((config, ctx) => {
    try {
      resolveDecisionModel(config.decision_model);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const issue of error.issues) {
        const path = issue.path.split('.');
        // The value at the issue's path inside `decision_model` (its name when it is a plain string).
        let input: unknown = typeof config.decision_model === 'string' ? config.decision_model : config;
        if (typeof config.decision_model !== 'string') {
          for (const key of path) input = (input as Record<string, unknown> | undefined)?.[key];
          if (path.length === 1) input = config.decision_model.name;
        }
        ctx.addIssue({ code: 'custom', path, input, message: `expected ${issue.expected}` });
      }
    }
    if (config.reviewer === 'llm' && config.llm === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['llm'],
        input: undefined,
        message: 'expected an llm section (backend, model) because reviewer is llm',
      });
    }
    if (config.reviewer === 'deterministic' && config.llm !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['reviewer'],
        input: config.reviewer,
        message: 'expected reviewer: llm when an llm section is given (or remove the llm section)',
      });
    }
    const llm = config.llm;
    if (llm?.backend === 'ollama' && (llm.region !== undefined || llm.endpoint_host !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['llm', llm.region !== undefined ? 'region' : 'endpoint_host'],
        input: llm.region ?? llm.endpoint_host,
        message: 'expected no region/endpoint_host with backend ollama (they are Bedrock settings)',
      });
    }
    if (llm?.backend === 'bedrock' && llm.base_url !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['llm', 'base_url'],
        input: llm.base_url,
        message: 'expected no base_url with backend bedrock (it is an Ollama setting)',
      });
    }
  });
/** A parsed review configuration. */
export type ReviewConfig = z.output<typeof ReviewConfigSchema>;
/** A review configuration as written. */
export type ReviewConfigInput = z.input<typeof ReviewConfigSchema>;

/** Things a YAML file cannot hold, passed in code. */
export interface ReviewerFromConfigOptions {
  /** A ready chat model; replaces the configured backend (the rest of `llm` still applies). */
  model?: BaseChatModel;
  /** Provider modules, to skip the lazy imports. */
  lib?: { ollama?: OllamaLib; aws?: BedrockLib };
  /** Bedrock: a ready `BedrockRuntimeClient`. */
  bedrockClient?: object;
  /** Ollama: a `fetch` implementation. */
  fetch?: typeof fetch;
  /** The file the configuration came from, for error messages. */
  file?: string;
  /**
   * The caller reviews a whole family with `reviewAll` and passes `multiple_testing` on (as `impact review`
   * does). Without it a `multiple_testing` other than `none` is refused, because a reviewer alone reviews one
   * measurement at a time and cannot apply it: silently ignoring it would change decisions.
   */
  batch?: boolean;
}

/**
 * Build the reviewer a configuration describes. Validates the configuration (throws `ConfigError` naming
 * the field). Synchronous: LLM providers are imported on the first review.
 *
 * @example
 * ```ts
 * const reviewer = createReviewerFromConfig({ reviewer: 'llm', llm: { backend: 'ollama', model: 'llama3.1:8b' } });
 * ```
 */
export function createReviewerFromConfig(
  config: ReviewConfigInput | ReviewConfig,
  options: ReviewerFromConfigOptions = {},
): Reviewer {
  const parsed = parseConfig(
    config,
    ReviewConfigSchema,
    options.file === undefined ? {} : { file: options.file },
  );
  if (parsed.multiple_testing !== 'none' && options.batch !== true) {
    const expected = 'none here (it is applied by reviewAll / `impact review`, not per initiative)';
    const message = `multiple_testing: expected ${expected}, got "${parsed.multiple_testing}"`;
    throw new ConfigError('CONFIG_INVALID', message, {
      issues: [{ path: 'multiple_testing', expected, found: `"${parsed.multiple_testing}"`, message }],
      ...(options.file === undefined ? {} : { file: options.file }),
    });
  }
  const rules = parsed.rules;
  if (parsed.reviewer === 'deterministic' || parsed.llm === undefined)
    return createDeterministicReviewer(rules);
  const llm = parsed.llm;
  const settings = {
    ...(rules === undefined ? {} : { rules }),
    ...(llm.name === undefined ? {} : { name: llm.name }),
    timeoutMs: llm.timeout_ms,
    maxRetries: llm.max_retries,
    maxToolCalls: llm.max_tool_calls,
  };
  if (options.model !== undefined) {
    return createLlmReviewer({ model: options.model, ...settings, name: llm.name ?? llm.backend });
  }
  if (llm.backend === 'ollama') {
    return createOllamaReviewer({
      ...settings,
      model: llm.model,
      temperature: llm.temperature,
      ...(llm.base_url === undefined ? {} : { baseUrl: llm.base_url }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.lib?.ollama === undefined ? {} : { lib: options.lib.ollama }),
    });
  }
  return createBedrockReviewer({
    ...settings,
    model: llm.model,
    temperature: llm.temperature,
    ...(llm.region === undefined ? {} : { region: llm.region }),
    ...(llm.endpoint_host === undefined ? {} : { endpointHost: llm.endpoint_host }),
    ...(options.bedrockClient === undefined ? {} : { client: options.bedrockClient }),
    ...(options.lib?.aws === undefined ? {} : { lib: options.lib.aws }),
  });
}

/**
 * Read a review configuration from YAML.
 *
 * @example
 * ```ts
 * const reviewer = createReviewerFromConfig(loadReviewConfig('review.yaml'));
 * ```
 */
export function loadReviewConfig(file: string): ReviewConfig {
  return loadConfig(file, ReviewConfigSchema);
}
