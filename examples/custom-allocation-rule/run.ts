/**
 * A custom decision rule: Hurwicz's criterion with optimism α = 0.3, i.e. maximise
 * α·(best-case return) + (1 − α)·(worst-case return) of the portfolio, over confidence-penalised returns.
 * It is registered by name and selected from allocate.yaml, then compared with the built-in rules.
 */
import { fileURLToPath } from 'node:url';
import {
  allocate,
  allocateFromConfig,
  defineRule,
  dot,
  loadAllocateConfig,
  registerRule,
} from '../../packages/allocate/src/index';
import type { ReviewResultInput } from '../../packages/contracts/src/index';

const ALPHA = 0.3;

registerRule(
  defineRule({
    name: 'hurwicz_0_3',
    objective(problem) {
      const [best = new Float64Array(), , worst = new Float64Array()] = problem.effectiveReturns;
      return {
        sense: 'max',
        itemCoefficients: best.map((value, i) => ALPHA * value + (1 - ALPHA) * (worst[i] ?? 0)),
      };
    },
    evaluate(problem, _state, selection) {
      const [best = new Float64Array(), , worst = new Float64Array()] = problem.effectiveReturns;
      return ALPHA * dot(best, selection) + (1 - ALPHA) * dot(worst, selection);
    },
  }),
);

const review = (
  id: string,
  cost: number,
  best: number,
  med: number,
  worst: number,
  confidence: number,
): ReviewResultInput => ({
  id,
  confidence,
  cost,
  R_best: best,
  R_med: med,
  R_worst: worst,
  model_type: 'experiment',
  flags: [],
  rationale: '',
  reviewer: { name: 'example', kind: 'deterministic' },
});
const reviews = [
  review('A', 4, 15, 10, 2, 0.9),
  review('B', 3, 12, 8, 1, 0.6),
  review('C', 3, 9, 6, 2, 0.8),
  review('D', 2, 7, 5, 3, 0.4),
  review('E', 5, 18, 9, 0, 0.5),
];

const config = loadAllocateConfig(fileURLToPath(new URL('allocate.yaml', import.meta.url)));
const custom = await allocateFromConfig(reviews, config);
console.log(
  `${custom.rule}: ${custom.selected_initiatives.join(', ')} (objective ${custom.objective_value.toFixed(4)})`,
);
for (const rule of ['minimax_regret', 'expected_return', 'maximin']) {
  const result = await allocate(reviews, { budget: config.budget, rule, solver: 'highs' });
  console.log(
    `${result.rule}: ${result.selected_initiatives.join(', ')} (objective ${result.objective_value.toFixed(4)})`,
  );
}
