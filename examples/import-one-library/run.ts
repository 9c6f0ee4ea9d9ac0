/**
 * Use one Impact Loop library on its own: `@impact/allocate` needs nothing but `ReviewResult`s (here written
 * by hand, as they would come from any review process) and a budget. It never imports the simulator, the
 * measurement models or the reviewer. Prints the portfolio each decision rule chooses.
 *
 *   npx tsx --conditions=@impact/source examples/import-one-library/run.ts
 */

// In your project: import { allocate } from '@impact/allocate';
import { allocate } from '../../packages/allocate/src/index';
import type { ReviewResultInput } from '../../packages/contracts/src/index';

const reviewer = { name: 'portfolio-committee', kind: 'deterministic' as const };
const reviews: ReviewResultInput[] = [
  // A solid experiment: modest but reliable.
  {
    id: 'faster-search',
    confidence: 0.92,
    cost: 40,
    R_best: 90,
    R_med: 70,
    R_worst: 45,
    model_type: 'experiment',
    reviewer,
  },
  // A long shot: a great median, but it may lose money.
  {
    id: 'new-checkout',
    confidence: 0.55,
    cost: 50,
    R_best: 220,
    R_med: 110,
    R_worst: -30,
    model_type: 'quasi-experiment',
    reviewer,
  },
  // Cheap and safe, small upside.
  {
    id: 'better-photos',
    confidence: 0.88,
    cost: 20,
    R_best: 35,
    R_med: 28,
    R_worst: 20,
    model_type: 'experiment',
    reviewer,
  },
  // Weak observational evidence.
  {
    id: 'loyalty-banner',
    confidence: 0.3,
    cost: 30,
    R_best: 80,
    R_med: 30,
    R_worst: -10,
    model_type: 'observational',
    reviewer,
  },
];

const budget = 90;
console.log(
  `Budget ${budget}; four reviewed initiatives costing ${reviews.reduce((sum, r) => sum + r.cost, 0)} in total.\n`,
);
for (const rule of ['minimax_regret', 'maximin', 'expected_return'] as const) {
  const result = await allocate(reviews, { budget, rule, solver: 'highs' });
  const returns = result.detail.portfolio_returns as Record<string, number>;
  console.log(
    `${rule.padEnd(15)} funds ${result.selected_initiatives.join(' + ').padEnd(42)} cost ${result.total_cost}, ` +
      `portfolio return best/med/worst ${[returns.best, returns.med, returns.worst].map((v) => v?.toFixed(1)).join(' / ')}`,
  );
}
const cautious = await allocate(reviews, { budget, minConfidence: 0.5, solver: 'highs' });
console.log(
  `\nminimax_regret with min_confidence 0.5 funds ${cautious.selected_initiatives.join(' + ')}; ` +
    `not eligible: ${(cautious.detail.excluded_by_confidence as string[]).join(', ')}`,
);
