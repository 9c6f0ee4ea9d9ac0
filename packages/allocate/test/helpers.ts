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

/**
 * A seeded instance like the benchmark's: costs 1k–50k, returns scaled to cost with a random spread. With
 * `varied`, each initiative's best case sits at a random point of its spread and its confidence is random in
 * [0.5, 1); without, the scenarios are symmetric and every confidence is 1.
 */
export function seededInstance(n: number, seed: number, varied = false): ReviewResultInput[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: n }, (_, i) => {
    const cost = Math.round(1000 + random() * 49_000);
    const med = Math.round(cost * (random() * 2 - 0.3));
    const spread = Math.round(cost * (0.1 + random()));
    const best = varied ? med + Math.round(spread * random()) : med + spread;
    return review(
      `k${String(i).padStart(3, '0')}`,
      cost,
      best,
      med,
      med - spread,
      varied ? 0.5 + random() / 2 : 1,
    );
  });
}
