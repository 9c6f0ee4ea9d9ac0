/**
 * Minimax-regret benchmark: 50, 200 and 1,000 initiatives × 3 scenarios, both engines. Prints median
 * wall-clock times of `allocate()` (everything: 3 knapsacks for V*_s, the regret MILP and tie-breaking).
 * Run with `pnpm bench` (package script) or `BENCH_REPS=3 pnpm bench`.
 */
import type { ReviewResultInput } from '@impact/contracts';
import { allocate, resolveSolver, type SolverAdapter } from '../src/index';

/**
 * `<engine>-full`: the engine without its LP relaxation, so every MILP is solved on the full model (the
 * allocator before reduced-cost fixing), for side-by-side ratios in one run.
 */
function engine(name: string): SolverAdapter {
  const base = resolveSolver(name.replace(/-full$/, ''));
  if (!name.endsWith('-full')) return base;
  return {
    name,
    solve: (model, options) => base.solve(model, options),
    ...(base.probeFeasibility ? { probeFeasibility: true } : {}),
  };
}

/** mulberry32: a small seeded generator, so every run solves the same instances. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Costs 1k–50k, returns scaled to cost with a random ROI spread, budget `share` (30%) of the total cost. */
export function benchmarkInstance(
  n: number,
  seed: number,
  share = 0.3,
): { reviews: ReviewResultInput[]; budget: number } {
  const random = generator(seed);
  const reviews: ReviewResultInput[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const cost = Math.round(1000 + random() * 49_000);
    const med = cost * (random() * 2 - 0.3);
    const spread = cost * (0.1 + random());
    reviews.push({
      id: `initiative-${String(i).padStart(4, '0')}`,
      confidence: Math.round((0.2 + random() * 0.8) * 100) / 100,
      cost,
      R_best: med + spread * random(),
      R_med: med,
      R_worst: med - spread,
      model_type: 'experiment',
      flags: [],
      rationale: '',
      reviewer: { name: 'bench', kind: 'deterministic' },
    });
    total += cost;
  }
  return { reviews, budget: Math.round(total * share) };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function main(): Promise<void> {
  const reps = Number(process.env.BENCH_REPS ?? 5);
  const sizes = (process.env.BENCH_SIZES ?? '50,200,1000').split(',').map(Number);
  const timeLimitMs = Number(process.env.BENCH_TIME_LIMIT_MS ?? 10_000);
  const shares = (process.env.BENCH_BUDGETS ?? '0.07,0.3').split(',').map(Number);
  const rows: string[] = [];
  const engines = (process.env.BENCH_ENGINES ?? 'glpk,highs').split(',');
  for (const name of engines) {
    const solver = engine(name);
    // Load the engine once, outside the timings.
    await allocate(benchmarkInstance(5, 1).reviews, { budget: 1e9, solver });
    for (const n of sizes)
      for (const share of shares) {
        const times: number[] = [];
        let optimal = 0;
        let worstGap = 0;
        let solves = 0;
        let tiesProved = 0;
        // One untimed solve of this size first: the engine's WebAssembly is compiled lazily per code path.
        const warm = benchmarkInstance(n, 999_999 + n, share);
        await allocate(warm.reviews, { budget: warm.budget, solver, timeLimitMs });
        for (let rep = 0; rep < reps; rep++) {
          const { reviews, budget } = benchmarkInstance(n, 1000 * n + rep, share);
          const started = performance.now();
          const result = await allocate(reviews, { budget, solver, timeLimitMs });
          times.push(performance.now() - started);
          if (result.detail.status === 'optimal') optimal++;
          worstGap = Math.max(worstGap, Number(result.detail.optimality_gap ?? Number.NaN));
          solves += Number(result.detail.solves);
          if ((result.detail.tie_break as { complete?: boolean }).complete) tiesProved++;
        }
        rows.push(
          `| ${name.padEnd(10)} | ${String(n).padStart(5)} | ${`${Math.round(share * 100)}%`.padStart(6)} | ${median(times).toFixed(1).padStart(9)} | ${Math.max(
            ...times,
          )
            .toFixed(1)
            .padStart(
              9,
            )} | ${`${optimal}/${reps}`.padStart(7)} | ${worstGap.toExponential(1).padStart(8)} | ${(solves / reps).toFixed(1).padStart(6)} | ${`${tiesProved}/${reps}`.padStart(11)} |`,
        );
        console.log(rows.at(-1));
      }
  }
  console.log(
    `\nminimax regret, 3 scenarios, ${reps} seeded instances per size, time limit ${timeLimitMs} ms\n`,
  );
  console.log(
    '| solver     | n     | budget | median ms | max ms    | optimal | max gap  | solves | ties proved |',
  );
  console.log(
    '| ---------- | ----- | ------ | --------- | --------- | ------- | -------- | ------ | ----------- |',
  );
  for (const row of rows) console.log(row);
}

if (process.argv[1]?.endsWith('bench/index.ts')) await main();
