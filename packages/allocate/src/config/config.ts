import { type AllocationResult, loadConfig, parseConfig, type ReviewResultInput } from '@impact/contracts';
import { z } from 'zod';
import { type AllocateOptions, allocate } from '../engine/allocate';

/**
 * YAML form of {@link AllocateOptions} (snake_case). `rule` and `solver` name registered rules and solvers,
 * so custom ones registered with `registerRule` / `registerSolver` are selectable here.
 *
 * @example
 * ```ts
 * AllocateConfigSchema.parse({ budget: 10, rule: 'minimax_regret', min_confidence: 0.5, solver: 'highs' });
 * ```
 */
export const AllocateConfigSchema = z.strictObject({
  budget: z.number().min(0),
  rule: z.string().min(1).default('minimax_regret'),
  /** `net` (default): value = return − cost, unspent budget kept at face value; `gross`: the original design. */
  objective: z.enum(['net', 'gross']).default('net'),
  /** `auto` (default): penalise interval scenarios (reviews without a prediction) only; `always` | `never`. */
  confidence_penalty: z.enum(['auto', 'always', 'never']).default('auto'),
  min_confidence: z.number().min(0).max(1).optional(),
  mandatory: z.array(z.string().min(1)).optional(),
  excluded: z.array(z.string().min(1)).optional(),
  max_selected: z.number().int().min(0).optional(),
  min_worst_case_return: z.number().optional(),
  fractional: z.boolean().default(false),
  scenario_weights: z
    .strictObject({ best: z.number().min(0), med: z.number().min(0), worst: z.number().min(0) })
    .refine((weights) => Math.abs(weights.best + weights.med + weights.worst - 1) <= 1e-9, {
      message: 'expected scenario weights summing to 1',
    })
    .optional(),
  solver: z.string().min(1).default('highs'),
  time_limit_ms: z.number().positive().optional(),
});
/** Parsed allocate configuration. */
export type AllocateConfig = z.output<typeof AllocateConfigSchema>;
/** Allocate configuration as written. */
export type AllocateConfigInput = z.input<typeof AllocateConfigSchema>;

/**
 * Convert a (parsed) configuration into {@link AllocateOptions}.
 *
 * @example
 * ```ts
 * configToOptions(AllocateConfigSchema.parse({ budget: 10 })); // { budget: 10, rule: 'minimax_regret', ... }
 * ```
 */
export function configToOptions(config: AllocateConfig): AllocateOptions {
  return {
    budget: config.budget,
    rule: config.rule,
    objective: config.objective,
    confidencePenalty: config.confidence_penalty,
    solver: config.solver,
    fractional: config.fractional,
    ...(config.min_confidence === undefined ? {} : { minConfidence: config.min_confidence }),
    ...(config.mandatory === undefined ? {} : { mandatory: config.mandatory }),
    ...(config.excluded === undefined ? {} : { excluded: config.excluded }),
    ...(config.max_selected === undefined ? {} : { maxSelected: config.max_selected }),
    ...(config.min_worst_case_return === undefined
      ? {}
      : { minWorstCaseReturn: config.min_worst_case_return }),
    ...(config.scenario_weights === undefined ? {} : { scenarioWeights: config.scenario_weights }),
    ...(config.time_limit_ms === undefined ? {} : { timeLimitMs: config.time_limit_ms }),
  };
}

/**
 * Allocate with a snake_case configuration (an object, e.g. the `allocate:` section of a pipeline YAML).
 * Validates it (throws `ConfigError` naming the field) and calls {@link allocate}.
 *
 * @example
 * ```ts
 * await allocateFromConfig(reviews, { budget: 10, rule: 'expected_return', scenario_weights: { best: 0.1, med: 0.3, worst: 0.6 } });
 * ```
 */
export async function allocateFromConfig(
  reviews: readonly ReviewResultInput[],
  config: AllocateConfigInput | AllocateConfig,
): Promise<AllocationResult> {
  return allocate(reviews, configToOptions(parseConfig(config, AllocateConfigSchema)));
}

/**
 * Read and validate an allocate YAML file.
 *
 * @example
 * ```ts
 * const config = loadAllocateConfig('allocate.yaml');
 * ```
 */
export function loadAllocateConfig(file: string): AllocateConfig {
  return loadConfig(file, AllocateConfigSchema);
}
