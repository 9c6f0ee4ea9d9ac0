import { ConfigError, parseConfig } from '@impact/contracts';
import { z } from 'zod';
import { designCiDecisionModel } from './design-ci';
import { type DecisionModel, decisionModelError, defineDecisionModel } from './model';
import { predictiveDecisionModel } from './predictive';

// biome-ignore lint/suspicious/noExplicitAny: models in the registry keep their own parameter types.
type AnyDecisionModel = DecisionModel<any>;
const registry = new Map<string, AnyDecisionModel>(
  [predictiveDecisionModel, designCiDecisionModel].map((model) => [model.name, model]),
);

/**
 * Make a decision model selectable by name (YAML `review: { decision_model: <name> }`). Refuses a name
 * already registered (`predictive` and `design_ci` are built in).
 *
 * @example
 * ```ts
 * registerDecisionModel(pointOnly);
 * ```
 */
export function registerDecisionModel<Params>(model: DecisionModel<Params>): DecisionModel<Params> {
  const checked = defineDecisionModel(model);
  if (registry.has(checked.name)) {
    throw decisionModelError(`a name not yet registered (${listDecisionModels().join(', ')})`, checked.name);
  }
  registry.set(checked.name, checked);
  return checked;
}

/**
 * Names of every registered decision model, sorted.
 *
 * @example
 * ```ts
 * listDecisionModels(); // ['design_ci', 'predictive']
 * ```
 */
export function listDecisionModels(): string[] {
  return [...registry.keys()].sort();
}

/**
 * How a decision model is chosen: a registered name, `{ name, ...params }`, or an instance (with
 * optional `params`).
 */
export type DecisionModelSpec =
  | string
  | ({ name: string } & Record<string, unknown>)
  | { model: AnyDecisionModel; params?: Record<string, unknown> };

/**
 * The schema of the `decision_model:` key: a name or `{ name, ...params }` (parameters are checked
 * against the named model when it is resolved).
 *
 * @example
 * ```ts
 * DecisionModelSpecSchema.parse({ name: 'predictive', interval: 0.9 });
 * ```
 */
export const DecisionModelSpecSchema = z.union([
  z.string().min(1),
  z.looseObject({ name: z.string().min(1) }),
]);

/** A resolved decision model with its parsed parameters. */
export interface ResolvedDecisionModel {
  model: AnyDecisionModel;
  params: unknown;
}

/**
 * Resolve a {@link DecisionModelSpec}: look the name up and parse the parameters with the model's schema.
 * Throws `ConfigError` naming `decision_model` (unknown name, listing the registered ones) or
 * `decision_model.<param>` (bad parameter).
 *
 * @example
 * ```ts
 * const { model, params } = resolveDecisionModel({ name: 'predictive', interval: 0.9 });
 * ```
 */
export function resolveDecisionModel(spec: DecisionModelSpec = 'predictive'): ResolvedDecisionModel {
  if (typeof spec === 'object' && spec !== null && 'model' in spec && typeof spec.model === 'object') {
    const model = defineDecisionModel(spec.model as AnyDecisionModel);
    return { model, params: parseParams(model, (spec.params ?? {}) as Record<string, unknown>) };
  }
  const name = typeof spec === 'string' ? spec : (spec as { name: unknown }).name;
  const model = typeof name === 'string' ? registry.get(name) : undefined;
  if (model === undefined) {
    throw decisionModelError(
      `one of ${listDecisionModels()
        .map((known) => `"${known}"`)
        .join(', ')}`,
      name,
    );
  }
  const { name: _name, ...params } = typeof spec === 'string' ? { name } : (spec as Record<string, unknown>);
  return { model, params: parseParams(model, params) };
}

function parseParams(model: AnyDecisionModel, params: Record<string, unknown>): unknown {
  try {
    return parseConfig(params, model.parameters);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const issues = error.issues.map((issue) => {
      const path = issue.path === '(root)' ? 'decision_model' : `decision_model.${issue.path}`;
      return { ...issue, path, message: `${path}: expected ${issue.expected}, got ${issue.found}` };
    });
    throw new ConfigError('CONFIG_INVALID', issues[0]?.message ?? error.message, { issues, cause: error });
  }
}
