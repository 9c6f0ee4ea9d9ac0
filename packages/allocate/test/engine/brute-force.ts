import type { ReviewResultInput } from '@impact/contracts';

/** Options the brute force understands (mirrors AllocateOptions, written independently of src/). */
export interface BruteOptions {
  budget: number;
  rule: 'minimax_regret' | 'expected_return' | 'maximin';
  minConfidence?: number;
  mandatory?: string[];
  excluded?: string[];
  maxSelected?: number;
  minWorstCaseReturn?: number;
  weights?: [number, number, number];
  /** `net` subtracts each initiative's cost from its value in every scenario (default gross). */
  objective?: 'net' | 'gross';
}

export interface BruteResult {
  /** null when no subset is feasible. */
  objective: number | null;
  /** The winning subset under the documented tie-break, ids ascending. */
  selected: string[] | null;
  /** Per-scenario optima best/med/worst. */
  vStar: [number, number, number] | null;
}

const tied = (a: number, b: number): boolean =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

function lexLess(a: string[], b: string[]): boolean {
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    const x = a[k] as string;
    const y = b[k] as string;
    if (x !== y) return x < y;
  }
  return a.length < b.length;
}

/**
 * Enumerate all 2^n subsets: feasibility under every constraint, V*_s over the feasible subsets, the
 * rule's objective, and the winner by objective → lowest cost → lexicographically smallest id list.
 */
export function bruteForce(reviews: ReviewResultInput[], options: BruteOptions): BruteResult {
  const eligible = reviews
    .filter((r) => r.confidence >= (options.minConfidence ?? 0) && !(options.excluded ?? []).includes(r.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const n = eligible.length;
  // R_eff = c·R + (1 − c)·R_worst, per scenario best, med, worst.
  // Under net, V = R_eff − cost (the empty portfolio is worth 0).
  const netOf = options.objective === 'net' ? 1 : 0;
  const eff = eligible.map((r) =>
    [r.R_best, r.R_med, r.R_worst].map(
      (v) => r.confidence * v + (1 - r.confidence) * r.R_worst - netOf * (r.cost as number),
    ),
  );
  const feasible: { mask: number; cost: number; returns: number[]; ids: string[] }[] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    let cost = 0;
    let count = 0;
    const returns = [0, 0, 0];
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) {
        const item = eligible[i] as ReviewResultInput;
        cost += item.cost as number;
        count++;
        ids.push(item.id);
        for (let s = 0; s < 3; s++) returns[s] = (returns[s] as number) + (eff[i]?.[s] as number);
      }
    }
    if (cost > options.budget * (1 + 1e-12)) continue;
    if (options.maxSelected !== undefined && count > options.maxSelected) continue;
    if ((options.mandatory ?? []).some((id) => !ids.includes(id))) continue;
    if (options.minWorstCaseReturn !== undefined && Math.min(...returns) < options.minWorstCaseReturn - 1e-9)
      continue;
    feasible.push({ mask, cost, returns, ids });
  }
  if (feasible.length === 0) return { objective: null, selected: null, vStar: null };
  const vStar = [0, 1, 2].map((s) => Math.max(...feasible.map((f) => f.returns[s] as number))) as [
    number,
    number,
    number,
  ];
  const weights = options.weights ?? [1 / 3, 1 / 3, 1 / 3];
  const score = (returns: number[]): number => {
    if (options.rule === 'minimax_regret')
      return Math.max(...returns.map((r, s) => (vStar[s] as number) - r));
    if (options.rule === 'maximin') return Math.min(...returns);
    return returns.reduce((sum, r, s) => sum + (weights[s] as number) * r, 0);
  };
  const better = (a: number, b: number): boolean => (options.rule === 'minimax_regret' ? a < b : a > b);
  let winner = feasible[0] as (typeof feasible)[number];
  let winnerScore = score(winner.returns);
  for (const candidate of feasible.slice(1)) {
    const value = score(candidate.returns);
    if (!tied(value, winnerScore)) {
      if (better(value, winnerScore)) {
        winner = candidate;
        winnerScore = value;
      }
      continue;
    }
    if (!tied(candidate.cost, winner.cost)) {
      if (candidate.cost < winner.cost) {
        winner = candidate;
        winnerScore = value;
      }
      continue;
    }
    if (lexLess(candidate.ids, winner.ids)) {
      winner = candidate;
      winnerScore = value;
    }
  }
  // The optimum itself (ties only decide the portfolio).
  const optimum = feasible.reduce((best, f) => {
    const value = score(f.returns);
    return better(value, best) ? value : best;
  }, winnerScore);
  return { objective: optimum, selected: winner.ids, vStar };
}
