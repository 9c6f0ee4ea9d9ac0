import { AllocationError } from '../errors';
import { expectedReturnRule } from './expected-return';
import { maximinRule } from './maximin';
import { minimaxRegretRule } from './minimax-regret';
import { type AllocationRule, defineRule } from './rule';

// biome-ignore lint/suspicious/noExplicitAny: rules in the registry keep their own private state type.
type AnyRule = AllocationRule<any>;
const ruleRegistry = new Map<string, AnyRule>(
  [minimaxRegretRule, expectedReturnRule, maximinRule].map((rule) => [rule.name, rule]),
);

/**
 * Make a rule selectable by name, from code (`rule: 'my_rule'`) and from YAML (`rule: my_rule`).
 * Refuses a name already registered (the built-ins are registered at load).
 *
 * @example
 * ```ts
 * registerRule(defineRule({ name: 'best_case', objective, evaluate }));
 * await allocateFromConfig(reviews, { budget: 10, rule: 'best_case' });
 * ```
 */
export function registerRule<State>(rule: AllocationRule<State>): AllocationRule<State> {
  const checked = defineRule(rule);
  if (ruleRegistry.has(checked.name)) {
    throw new AllocationError(
      'ALLOCATION_DUPLICATE_RULE',
      `rule: a rule named "${checked.name}" is already registered`,
      {
        field: 'rule',
      },
    );
  }
  ruleRegistry.set(checked.name, checked);
  return checked;
}

/**
 * The rule registered under a name, or the instance given. Throws `ALLOCATION_UNKNOWN_RULE` listing the
 * registered names.
 *
 * @example
 * ```ts
 * resolveRule('maximin').name; // 'maximin'
 * ```
 */
export function resolveRule(rule: string | AllocationRule<unknown>): AnyRule {
  if (typeof rule !== 'string') return defineRule(rule);
  const found = ruleRegistry.get(rule);
  if (found) return found;
  throw new AllocationError(
    'ALLOCATION_UNKNOWN_RULE',
    `rule: expected one of ${listRules()
      .map((name) => `"${name}"`)
      .join(', ')}, got "${rule}"`,
    { field: 'rule' },
  );
}

/**
 * Names of every registered rule, sorted.
 *
 * @example
 * ```ts
 * listRules(); // ['expected_return', 'maximin', 'minimax_regret', ...]
 * ```
 */
export function listRules(): string[] {
  return [...ruleRegistry.keys()].sort();
}
