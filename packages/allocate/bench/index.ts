/**
 * Minimax-regret benchmark: 1,000 and 10,000 initiatives × 3 scenarios at budgets of 7 % and 30 % of the
 * total cost, both engines and, where Debian's `python3-pulp` + `coinor-cbc` are installed, PuLP + CBC on
 * the same instances (`scripts/bench-peers.py milp`: three V*_s knapsacks then the regret MILP; it does
 * not prove a tie-break, ours does). Every instance is solved by every participant in turn, the order
 * rotating from one instance to the next, so the shared machine's load falls on all of them alike; the
 * table gives medians over the instances and the CBC / engine ratio of medians (absolute times on shared
 * machines are noise, ratios from one run are not). Times are the whole `allocate()` call (3 knapsacks for
 * V*_s, the regret MILP and the tie-break); the peer's are its own solve time, without Python's start-up.
 * Options: BENCH_REPS (instances per size, default 5), BENCH_SIZES (default `1000,10000`), BENCH_BUDGETS
 * (default `0.07,0.3`), BENCH_ENGINES (default `glpk,highs`; `<engine>-full` is the engine without its LP
 * relaxation, i.e. every MILP on the full model), BENCH_TIME_LIMIT_MS (default 10,000), BENCH_PEER=0 to
 * skip CBC. Run with `pnpm bench` (package script).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AllocationResult, ReviewResultInput } from '@impact/contracts';
import { allocate, resolveSolver, type SolverAdapter } from '../src/index';

const PYTHON = '/usr/bin/python3';
const PEER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../../../scripts/bench-peers.py');

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
      id: `initiative-${String(i).padStart(5, '0')}`,
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

/** Whether the PuLP + CBC peer can run here; the reason when it cannot. */
function peerAvailable(): string | null {
  if (process.env.BENCH_PEER === '0') return 'BENCH_PEER=0';
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const check = spawnSync(PYTHON, [PEER_SCRIPT, 'check', 'milp'], { encoding: 'utf8' });
  return check.status === 0 ? null : (check.stderr || check.stdout).trim().split('\n').at(-1) || 'failed';
}

/** The peer's own solve time and max regret on an instance file. */
function runPeer(path: string): { ms: number; objective: number } {
  const result = spawnSync(PYTHON, [PEER_SCRIPT, 'milp', path], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`PuLP + CBC failed: ${result.stderr.trim().split('\n').at(-1)}`);
  const value = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
    ms: number;
    objective: number;
  };
  return { ms: Number(value.ms), objective: Number(value.objective) };
}

interface Tally {
  times: number[];
  optimal: number;
  worstGap: number;
  solves: number;
  builtin: number;
  tiesProved: number;
}

function record(tally: Tally, result: AllocationResult, ms: number): void {
  tally.times.push(ms);
  if (result.detail.status === 'optimal') tally.optimal++;
  tally.worstGap = Math.max(tally.worstGap, Number(result.detail.optimality_gap ?? Number.NaN));
  tally.solves += Number(result.detail.solves);
  tally.builtin += Number(result.detail.builtin_solves ?? 0);
  if ((result.detail.tie_break as { complete?: boolean }).complete) tally.tiesProved++;
}

async function main(): Promise<void> {
  const reps = Number(process.env.BENCH_REPS ?? 5);
  const sizes = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
  const timeLimitMs = Number(process.env.BENCH_TIME_LIMIT_MS ?? 10_000);
  const shares = (process.env.BENCH_BUDGETS ?? '0.07,0.3').split(',').map(Number);
  const engines = (process.env.BENCH_ENGINES ?? 'glpk,highs').split(',');
  const peerMissing = peerAvailable();
  if (peerMissing !== null)
    console.log(`PuLP + CBC peer skipped (${peerMissing}); install python3-pulp coinor-cbc`);
  const folder = mkdtempSync(join(tmpdir(), 'allocate-bench-'));
  const rows: string[] = [];
  // The peer solves the raw R_best/R_med/R_worst: gross values, no confidence penalty, on both sides.
  const options = { objective: 'gross', confidencePenalty: 'never', timeLimitMs } as const;
  try {
    for (const name of engines) {
      // Load each engine once, outside the timings.
      await allocate(benchmarkInstance(5, 1).reviews, { budget: 1e9, solver: engine(name) });
    }
    for (const n of sizes)
      for (const share of shares) {
        const tallies = new Map<string, Tally>(
          engines.map((name) => [
            name,
            { times: [], optimal: 0, worstGap: 0, solves: 0, builtin: 0, tiesProved: 0 },
          ]),
        );
        const peerTimes: number[] = [];
        let worstDisagreement = 0;
        // One untimed solve of this size per engine first: WebAssembly is compiled lazily per code path.
        const warm = benchmarkInstance(n, 999_999 + n, share);
        for (const name of engines)
          await allocate(warm.reviews, { budget: warm.budget, solver: engine(name), ...options });
        for (let rep = 0; rep < reps; rep++) {
          const { reviews, budget } = benchmarkInstance(n, 1000 * n + rep, share);
          const path = join(folder, `milp-${n}-${share}-${rep}.json`);
          writeFileSync(
            path,
            JSON.stringify({
              costs: reviews.map((r) => r.cost),
              best: reviews.map((r) => r.R_best),
              med: reviews.map((r) => r.R_med),
              worst: reviews.map((r) => r.R_worst),
              budget,
            }),
          );
          const participants = [...engines, ...(peerMissing === null ? ['cbc'] : [])];
          const order = participants.map((_, k) => participants[(k + rep) % participants.length] as string);
          const objectives = new Map<string, number>();
          for (const name of order) {
            if (name === 'cbc') {
              const peer = runPeer(path);
              peerTimes.push(peer.ms);
              objectives.set(name, peer.objective);
              continue;
            }
            const started = performance.now();
            const result = await allocate(reviews, { budget, solver: engine(name), ...options });
            record(tallies.get(name) as Tally, result, performance.now() - started);
            if (result.detail.status === 'optimal') objectives.set(name, result.objective_value);
          }
          const peerObjective = objectives.get('cbc');
          if (peerObjective !== undefined)
            for (const [name, value] of objectives)
              if (name !== 'cbc')
                worstDisagreement = Math.max(
                  worstDisagreement,
                  Math.abs(value - peerObjective) / Math.max(1, Math.abs(peerObjective)),
                );
        }
        const peerMedian = peerTimes.length > 0 ? median(peerTimes) : Number.NaN;
        for (const name of engines) {
          const tally = tallies.get(name) as Tally;
          const ours = median(tally.times);
          rows.push(
            `| ${name.padEnd(10)} | ${String(n).padStart(6)} | ${`${Math.round(share * 100)}%`.padStart(6)} | ${ours.toFixed(1).padStart(9)} | ${Math.max(
              ...tally.times,
            )
              .toFixed(1)
              .padStart(
                9,
              )} | ${`${tally.optimal}/${reps}`.padStart(7)} | ${tally.worstGap.toExponential(1).padStart(8)} | ${(tally.solves / reps).toFixed(1).padStart(6)} | ${(tally.builtin / reps).toFixed(1).padStart(7)} | ${`${tally.tiesProved}/${reps}`.padStart(11)} | ${(peerTimes.length > 0 ? peerMedian.toFixed(1) : '—').padStart(8)} | ${(peerTimes.length > 0 ? `${(peerMedian / ours).toFixed(2)}×` : '—').padStart(7)} | ${(peerTimes.length > 0 ? worstDisagreement.toExponential(1) : '—').padStart(9)} |`,
          );
          console.log(rows.at(-1));
        }
      }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  console.log(
    `\nminimax regret (gross values, no confidence penalty), 3 scenarios, ${reps} seeded instances per size, rotating order, time limit ${timeLimitMs} ms (Node ${process.version})\n`,
  );
  console.log(
    '| solver     | n      | budget | median ms | max ms    | optimal | max gap  | solves | builtin | ties proved | CBC ms   | CBC/us  | vs CBC    |',
  );
  console.log(
    '| ---------- | ------ | ------ | --------- | --------- | ------- | -------- | ------ | ------- | ----------- | -------- | ------- | --------- |',
  );
  for (const row of rows) console.log(row);
  console.log(
    '\n"solves": engine calls per allocation; "builtin": cores answered by the built-in branch and bound.',
  );
  console.log(
    '\n"vs CBC": largest relative difference between a proved max regret of ours and the peer\'s on the same instance.',
  );
}

if (process.argv[1]?.endsWith('bench/index.ts')) await main();
