import type { ReviewResultInput } from '@impact/contracts';

/** One review with the fields allocation reads; the rest are fixed. */
export function review(
  id: string,
  cost: number,
  best: number,
  med: number,
  worst: number,
  confidence: number,
): ReviewResultInput {
  return {
    id,
    confidence,
    cost,
    R_best: best,
    R_med: med,
    R_worst: worst,
    model_type: 'experiment',
    flags: [],
    rationale: '',
    reviewer: { name: 'test', kind: 'deterministic' },
  };
}

/** The Python predecessor's cross-check sample set (python-ecosystem.md, "Allocation cross-check vectors"). */
export const referenceReviews = (): ReviewResultInput[] => [
  review('A', 4, 15, 10, 2, 0.9),
  review('B', 3, 12, 8, 1, 0.6),
  review('C', 3, 9, 6, 2, 0.8),
  review('D', 2, 7, 5, 3, 0.4),
  review('E', 5, 18, 9, 0, 0.5),
];

export const SOLVERS = ['glpk', 'highs'] as const;
