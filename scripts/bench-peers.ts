/**
 * `pnpm bench:peers`: our estimators and allocator against what an analyst would run instead, on the same
 * generated data in the same run, alternating which side goes first, reporting medians and the
 * peer / ours ratio (absolute times on shared machines are noise; ratios from one run are not).
 *
 * Peers (Debian packages, run with /usr/bin/python3 through scripts/bench-peers.py):
 * - OLS with HC1 errors, 1 M × 6, as drawn and with 1e6 added to one regressor: statsmodels
 *   (`python3-statsmodels`, `python3-numpy`).
 * - Minimax-regret MILP, 50 and 1,000 initiatives at budgets of 7 % and 30 %: PuLP + CBC
 *   (`python3-pulp`, `coinor-cbc`), three V*_s knapsacks then the regret MILP. Ours also proves the
 *   tie-break, which the peer does not do.
 * - DiD TWFE + CR1 by unit, 10k × 90 with 10 % of rows dropped, without and with the event study: numpy
 *   alternating projections + statsmodels cluster SE; synthetic control + 100 placebos, 100 donors × 120:
 *   scipy SLSQP (`python3-numpy`, `python3-scipy`, `python3-statsmodels`; scripts/bench-peers-panel.ts).
 * A peer that is not installed is skipped with a message. Data is written to a temporary folder and
 * deleted afterwards. Options: BENCH_REPS (default 5), BENCH_TASKS (default `ols,milp`; also `did`, `sc`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReviewResultInput } from '@impact/contracts';
import { allocate } from '../packages/allocate/src/index';
import { fitOls } from '../packages/measure/src/stats/ols';
import { benchDid, benchSc } from './bench-peers-panel';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const PEER_SCRIPT = join(here, 'bench-peers.py');
const reps = Number(process.env.BENCH_REPS ?? 5);
const tasks = (process.env.BENCH_TASKS ?? 'ols,milp').split(',');

/** xorshift32 uniforms: every run generates the same data. */
function uniforms(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Run the peer script; its one JSON line, or an error message. */
function peer(args: string[]): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  if (!existsSync(PYTHON)) return { ok: false, message: `${PYTHON} not found` };
  const result = spawnSync(PYTHON, [PEER_SCRIPT, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) {
    const last = (result.stderr || result.stdout || '').trim().split('\n').at(-1) ?? 'failed';
    return { ok: false, message: last };
  }
  const line = result.stdout.trim().split('\n').at(-1) ?? '{}';
  return { ok: true, value: JSON.parse(line) as Record<string, unknown> };
}

interface Row {
  task: string;
  ours: number;
  peerName: string;
  peer: number;
  agreement: string;
}

/** Alternate ours / peer (ours first on even reps), collecting medians of the times each side reports. */
async function sideBySide(
  runOurs: () => Promise<number> | number,
  runPeer: () => number,
): Promise<{ ours: number; peer: number }> {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    if (rep % 2 === 0) {
      ours.push(await runOurs());
      theirs.push(runPeer());
    } else {
      theirs.push(runPeer());
      ours.push(await runOurs());
    }
  }
  return { ours: median(ours), peer: median(theirs) };
}

async function benchOls(folder: string): Promise<Row[]> {
  const check = peer(['check', 'ols']);
  if (!check.ok) {
    console.log(`ols: statsmodels peer skipped (${check.message}); install python3-statsmodels`);
    return [];
  }
  const n = 1_000_000;
  const p = 6;
  const uniform = uniforms(11);
  const columns = [new Float64Array(n).fill(1), ...Array.from({ length: p - 1 }, () => new Float64Array(n))];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let value = 10;
    for (let j = 1; j < p; j++) {
      const x = j === 1 ? (uniform() < 0.5 ? 1 : 0) : uniform() * 10;
      (columns[j] as Float64Array)[i] = x;
      value += j * 0.1 * x;
    }
    y[i] = value + (uniform() - 0.5) * 4 * (1 + (columns[2] as Float64Array)[i]! / 5);
  }
  const rows: Row[] = [];
  // The same data, then with 1e6 added to x2 (sd 2.9): raw cross products would lose 12 digits there.
  for (const offset of [0, 1e6]) {
    const shifted = columns.map((column, j) =>
      j === 2 && offset !== 0 ? column.map((x) => x + offset) : column,
    );
    const rowMajor = new Float64Array(n * p);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < p; j++) rowMajor[i * p + j] = (shifted[j] as Float64Array)[i]!;
    writeFileSync(join(folder, 'X.f64'), new Uint8Array(rowMajor.buffer));
    writeFileSync(join(folder, 'y.f64'), new Uint8Array(y.buffer));
    writeFileSync(join(folder, 'shape.json'), JSON.stringify({ n, p }));
    const design = { n, p, columns: shifted, names: ['(Intercept)', 'treated', 'x2', 'x3', 'x4', 'x5'] };
    const ours = () => fitOls({ design, y, covariance: { type: 'HC1' } });
    ours(); // warm-up (the peer's imports are not timed either)
    let last: Record<string, unknown> = {};
    const times = await sideBySide(
      () => {
        const started = performance.now();
        ours();
        return performance.now() - started;
      },
      () => {
        const result = peer(['ols', folder]);
        if (!result.ok) throw new Error(`statsmodels peer failed: ${result.message}`);
        last = result.value;
        return Number(result.value.ms);
      },
    );
    const fit = ours();
    let worst = 0;
    (last.coefficients as number[]).forEach((value, j) => {
      worst = Math.max(worst, Math.abs(value / (fit.coefficients[j] as number) - 1));
    });
    (last.standard_errors as number[]).forEach((value, j) => {
      worst = Math.max(worst, Math.abs(value / (fit.standardErrors[j] as number) - 1));
    });
    rows.push({
      task: offset === 0 ? 'OLS HC1, 1 M × 6' : 'OLS HC1, 1 M × 6, x2 + 1e6',
      ours: times.ours,
      peerName: 'statsmodels',
      peer: times.peer,
      agreement: `coef & SE max rel. diff ${worst.toExponential(1)}`,
    });
  }
  return rows;
}

/** The allocation benchmark's instance family: costs 1k–50k, returns scaled to cost. */
function milpInstance(n: number, seed: number, share: number) {
  const uniform = uniforms(seed);
  const reviews: ReviewResultInput[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const cost = Math.round(1000 + uniform() * 49_000);
    const med = Math.round(cost * (uniform() * 2 - 0.3));
    const spread = Math.round(cost * (0.1 + uniform()));
    reviews.push({
      id: `initiative-${String(i).padStart(5, '0')}`,
      confidence: 1,
      cost,
      R_best: med + Math.round(spread * uniform()),
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

async function benchMilp(folder: string): Promise<Row[]> {
  const check = peer(['check', 'milp']);
  if (!check.ok) {
    console.log(`milp: PuLP + CBC peer skipped (${check.message}); install python3-pulp coinor-cbc`);
    return [];
  }
  const rows: Row[] = [];
  for (const solver of ['highs', 'glpk'] as const) {
    await allocate(milpInstance(5, 1, 0.5).reviews, { budget: 1e9, solver }).catch(() => undefined);
  }
  for (const n of [50, 1000])
    for (const share of [0.07, 0.3]) {
      const { reviews, budget } = milpInstance(n, 1000 + n, share);
      const path = join(folder, `milp-${n}-${share}.json`);
      // Ids sort like the array, so the peer sees the same order.
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
      for (const solver of ['highs', 'glpk'] as const) {
        let objective = Number.NaN;
        let peerObjective = Number.NaN;
        const options = { budget, solver, objective: 'gross', confidencePenalty: 'never' } as const;
        try {
          await allocate(reviews, options);
        } catch (error) {
          console.log(`milp: ${solver} skipped (${(error as Error).message})`);
          continue;
        }
        const times = await sideBySide(
          async () => {
            const started = performance.now();
            const result = await allocate(reviews, options);
            objective = result.objective_value;
            return performance.now() - started;
          },
          () => {
            const result = peer(['milp', path]);
            if (!result.ok) throw new Error(`PuLP peer failed: ${result.message}`);
            peerObjective = Number(result.value.objective);
            return Number(result.value.ms);
          },
        );
        rows.push({
          task: `minimax regret, ${n} initiatives, budget ${Math.round(share * 100)}% (${solver})`,
          ours: times.ours,
          peerName: 'PuLP + CBC',
          peer: times.peer,
          agreement: `max regret ${objective.toFixed(2)} vs ${peerObjective.toFixed(2)}`,
        });
      }
    }
  return rows;
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'impact-bench-peers-'));
  const rows: Row[] = [];
  try {
    if (tasks.includes('ols')) rows.push(...(await benchOls(folder)));
    if (tasks.includes('milp')) rows.push(...(await benchMilp(folder)));
    const harness = { peer, sideBySide, uniforms };
    if (tasks.includes('did')) rows.push(...(await benchDid(folder, harness)));
    if (tasks.includes('sc')) rows.push(...(await benchSc(folder, harness)));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  console.log(`\npeer benchmarks, ${reps} alternating runs per side, medians (Node ${process.version})\n`);
  console.log('| task | ours ms | peer | peer ms | peer / ours | same answer |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    console.log(
      `| ${row.task} | ${row.ours.toFixed(1)} | ${row.peerName} | ${row.peer.toFixed(1)} | ${(row.peer / row.ours).toFixed(2)}× | ${row.agreement} |`,
    );
  }
}

await main();
