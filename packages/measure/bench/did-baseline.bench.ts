/**
 * The unbalanced DiD of `pnpm bench:peers` (10,000 units × 90 periods, 10 % of the rows dropped at random,
 * integer unit ids and periods, CR1 by unit), TWFE alone and with the default event study, timed against
 * another checkout side by side in one process: `BENCH_BASELINE=<checkout>/packages/measure`. Each round
 * runs both, alternating which goes first; it prints medians of wall and CPU time (CPU time is steadier on a
 * loaded machine), baseline / this, and whether the two estimates are identical (else their largest
 * relative difference). Without BENCH_BASELINE it times this checkout only. No assertions.
 *
 *   git worktree add /tmp/measure-base <commit> && (cd /tmp/measure-base && pnpm install --offline) \
 *     && BENCH_BASELINE=/tmp/measure-base/packages/measure pnpm --filter @impact/measure bench did-baseline
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTable } from '@impact/contracts';
import { unbalancedPanel } from '../../../scripts/bench-peers-panel';
import { DifferenceInDifferencesParamsSchema, differenceInDifferencesModel } from '../src/models/did';
import type { ModelEstimate } from '../src/models/model';

type Fit = typeof differenceInDifferencesModel.fit;

function uniforms(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
}

/** The panel of scripts/bench-peers-panel.ts (same generator and seeds, so the same rows). */
function panelTable() {
  return createTable(unbalancedPanel(uniforms) as Record<string, Float64Array>);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** Largest relative difference over the effect, its SE and the event-study terms (0 when identical). */
function difference(a: ModelEstimate, b: ModelEstimate): string {
  if (JSON.stringify(a) === JSON.stringify(b)) return 'identical';
  const pairs: [number, number][] = [
    [a.effect_estimate, b.effect_estimate],
    [a.standard_error, b.standard_error],
  ];
  const terms = (e: ModelEstimate) => e.details.event_study as { estimate: number; standard_error: number }[];
  terms(a).forEach((term, j) => {
    pairs.push([term.estimate, terms(b)[j]?.estimate as number]);
    pairs.push([term.standard_error, terms(b)[j]?.standard_error as number]);
  });
  const worst = Math.max(...pairs.map(([x, y]) => Math.abs(x / y - 1)));
  return `max rel. diff ${worst.toExponential(1)}`;
}

/** Entry point used by `bench/index.ts`. */
export async function run(): Promise<void> {
  const baselineDir = process.env.BENCH_BASELINE;
  const baseline =
    baselineDir === undefined
      ? undefined
      : (
          (await import(pathToFileURL(join(resolve(baselineDir), 'src/models/did.ts')).href)) as {
            differenceInDifferencesModel: { fit: Fit };
          }
        ).differenceInDifferencesModel.fit;
  const table = panelTable();
  const context = { ciLevel: 0.95, seed: 1 };
  const runs = Number(process.env.BENCH_REPS ?? 9);
  const rows: Record<string, string | number>[] = [];
  for (const [name, extra] of [
    ['TWFE only', { pretrend_leads: 0, event_lags: 1 }],
    ['defaults (TWFE + event study 4/4)', {}],
  ] as const) {
    const params = DifferenceInDifferencesParamsSchema.parse({
      outcome: 'y',
      unit: 'unit',
      time: 'time',
      ...extra,
    });
    const sides: [string, Fit][] = [['this', differenceInDifferencesModel.fit]];
    if (baseline) sides.push(['baseline', baseline]);
    const wall: Record<string, number[]> = { this: [], baseline: [] };
    const cpu: Record<string, number[]> = { this: [], baseline: [] };
    const last: Record<string, ModelEstimate> = {};
    for (const [side, fit] of sides) last[side] = fit(table, params, context); // warm-up
    for (let r = 0; r < runs; r++)
      for (const [side, fit] of r % 2 === 0 ? sides : [...sides].reverse()) {
        const started = performance.now();
        const cpuStart = process.cpuUsage();
        last[side] = fit(table, params, context);
        const used = process.cpuUsage(cpuStart);
        (wall[side] as number[]).push(performance.now() - started);
        (cpu[side] as number[]).push((used.user + used.system) / 1000);
      }
    const row: Record<string, string | number> = {
      case: name,
      this_ms: Number(median(wall.this as number[]).toFixed(1)),
      this_cpu_ms: Number(median(cpu.this as number[]).toFixed(1)),
    };
    if (baseline) {
      row.baseline_ms = Number(median(wall.baseline as number[]).toFixed(1));
      row.baseline_cpu_ms = Number(median(cpu.baseline as number[]).toFixed(1));
      row['baseline / this'] = Number(
        (median(wall.baseline as number[]) / median(wall.this as number[])).toFixed(2),
      );
      row['cpu ratio'] = Number((median(cpu.baseline as number[]) / median(cpu.this as number[])).toFixed(2));
      row.estimates = difference(last.this as ModelEstimate, last.baseline as ModelEstimate);
    }
    rows.push(row);
  }
  console.log('10,000 units × 90 periods, 10% of rows dropped, CR1 by unit; medians of alternating runs');
  if (!baseline)
    console.log('(set BENCH_BASELINE=<checkout>/packages/measure to compare with another checkout)');
  console.table(rows);
}
