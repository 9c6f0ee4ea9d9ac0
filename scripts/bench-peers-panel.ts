/**
 * The panel tasks of `pnpm bench:peers` (scripts/bench-peers.ts), BENCH_TASKS `did` and `sc`:
 * - did: TWFE DiD with CR1 by unit on 10,000 units × 90 periods with 10 % of the rows dropped at random
 *   (unbalanced), without and with the default event study (4 leads / 4 lags), against numpy alternating
 *   projections + statsmodels cluster SE (scripts/bench_peers_panel.py). Unit ids and periods are integers,
 *   as read from a CSV; both sides encode them (ours: factor codes, numpy: `np.unique`).
 * - sc: synthetic control + in-space placebos, 100 donors × 120 periods, against scipy SLSQP.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTable } from '@impact/contracts';
import {
  DifferenceInDifferencesParamsSchema,
  differenceInDifferencesModel,
} from '../packages/measure/src/models/did';
import {
  SyntheticControlParamsSchema,
  syntheticControlModel,
} from '../packages/measure/src/models/synthetic-control';

/** What the panel tasks need from the driver. */
export interface PeerHarness {
  peer(args: string[]): { ok: true; value: Record<string, unknown> } | { ok: false; message: string };
  sideBySide(runOurs: () => number, runPeer: () => number): Promise<{ ours: number; peer: number }>;
  uniforms(seed: number): () => number;
}

/** One row of the driver's table. */
export interface PanelRow {
  task: string;
  ours: number;
  peerName: string;
  peer: number;
  agreement: string;
}

const context = { ciLevel: 0.95, seed: 1 };

/** Standard normals from uniforms (Box–Muller). */
function normals(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function writeColumns(folder: string, columns: Record<string, Float64Array>): void {
  for (const [name, values] of Object.entries(columns))
    writeFileSync(
      join(folder, `${name}.f64`),
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    );
}

/**
 * 10,000 units × 90 periods, half treated from period 60 (effect 1), 10 % of the rows dropped at random;
 * the same rows for the same `uniforms` (also used by packages/measure/bench/did-baseline.bench.ts).
 */
export function unbalancedPanel(uniforms: PeerHarness['uniforms']) {
  const uniform = uniforms(16);
  const normal = normals(uniforms(17));
  const units = 10_000;
  const periods = 90;
  const effects = Array.from({ length: units }, () => normal() * 3);
  const rows: number[][] = [[], [], [], [], []];
  for (let t = 0; t < periods; t++)
    for (let u = 0; u < units; u++) {
      if (uniform() < 0.1) continue;
      const treated = u % 2;
      const post = t >= 60 ? 1 : 0;
      const y =
        10 + (effects[u] as number) + Math.sin(t / 7) * (1 + (u % 5) / 10) + treated * post + normal();
      for (const [column, value] of [u, t, treated, post, y].entries())
        (rows[column] as number[]).push(value);
    }
  const [unit, time, treated, post, y] = rows.map((values) => Float64Array.from(values)) as Float64Array[];
  return { unit, time, treated, post, y } as Record<'unit' | 'time' | 'treated' | 'post' | 'y', Float64Array>;
}

/** DiD: ours without and with the event study against the numpy peer doing the same. */
export async function benchDid(folder: string, harness: PeerHarness): Promise<PanelRow[]> {
  const check = harness.peer(['check', 'did']);
  if (!check.ok) {
    console.log(
      `did: numpy + statsmodels peer skipped (${check.message}); install python3-numpy python3-statsmodels`,
    );
    return [];
  }
  const columns = unbalancedPanel(harness.uniforms);
  writeColumns(folder, columns);
  const table = createTable(columns);
  const rows: PanelRow[] = [];
  for (const event of [false, true]) {
    const params = DifferenceInDifferencesParamsSchema.parse({
      outcome: 'y',
      unit: 'unit',
      time: 'time',
      ...(event ? {} : { pretrend_leads: 0, event_lags: 1 }),
    });
    const ours = () => differenceInDifferencesModel.fit(table, params, context);
    ours(); // warm-up (JIT)
    let last: Record<string, unknown> = {};
    const times = await harness.sideBySide(
      () => {
        const started = performance.now();
        ours();
        return performance.now() - started;
      },
      () => {
        const result = harness.peer(['did', folder, ...(event ? ['event'] : [])]);
        if (!result.ok) throw new Error(`numpy DiD peer failed: ${result.message}`);
        last = result.value;
        return Number(result.value.ms);
      },
    );
    const estimate = ours();
    let worst = Math.max(
      Math.abs(Number(last.estimate) / estimate.effect_estimate - 1),
      Math.abs(Number(last.se) / estimate.standard_error - 1),
    );
    if (event) {
      const terms = estimate.details.event_study as { estimate: number; standard_error: number }[];
      (last.event_se as number[]).forEach((se, j) => {
        worst = Math.max(worst, Math.abs(se / (terms[j]?.standard_error as number) - 1));
      });
      (last.event_estimates as number[]).forEach((value, j) => {
        // Leads are ~0: compare on the scale of their SE.
        const term = terms[j] as { estimate: number; standard_error: number };
        worst = Math.max(worst, Math.abs(value - term.estimate) / term.standard_error);
      });
    }
    rows.push({
      task: `DiD TWFE CR1(unit), 10k × 90, 10% rows dropped${event ? ', + event study 4/4' : ''}`,
      ours: times.ours,
      peerName: `numpy alt. projections (${last.sweeps} sweeps; np.unique codes ${Number(last.encode_ms).toFixed(0)} ms of it) + statsmodels`,
      peer: times.peer,
      agreement: `${event ? 'δ, SE & event terms' : 'δ & SE'} max rel. diff ${worst.toExponential(1)}`,
    });
  }
  return rows;
}

/** Synthetic control with 100 in-space placebos against scipy SLSQP. */
export async function benchSc(folder: string, harness: PeerHarness): Promise<PanelRow[]> {
  const check = harness.peer(['check', 'sc']);
  if (!check.ok) {
    console.log(`sc: scipy peer skipped (${check.message}); install python3-scipy`);
    return [];
  }
  const units = 101;
  const periods = 120;
  const firstPost = 90;
  const normal = normals(harness.uniforms(21));
  const factors = Array.from({ length: units }, () => [normal(), normal()]);
  const wide = new Float64Array(units * periods);
  for (let u = 0; u < units; u++)
    for (let t = 0; t < periods; t++) {
      const [f1, f2] = factors[u] as [number, number];
      wide[u * periods + t] =
        10 +
        f1 * Math.sin(t / 9) +
        f2 * Math.cos(t / 17) +
        0.01 * t +
        0.3 * normal() +
        (u === 0 && t >= firstPost ? 1 : 0);
    }
  writeFileSync(join(folder, 'sc.f64'), new Uint8Array(wide.buffer));
  writeFileSync(join(folder, 'sc.json'), JSON.stringify({ units, periods, first_post: firstPost }));
  const n = units * periods;
  const table = createTable({
    unit: Float64Array.from({ length: n }, (_, i) => Math.floor(i / periods)),
    time: Float64Array.from({ length: n }, (_, i) => i % periods),
    treated: Float64Array.from({ length: n }, (_, i) => (i < periods ? 1 : 0)),
    post: Float64Array.from({ length: n }, (_, i) => (i % periods >= firstPost ? 1 : 0)),
    y: wide,
  });
  const params = SyntheticControlParamsSchema.parse({ outcome: 'y', unit: 'unit', time: 'time' });
  const ours = () => syntheticControlModel.fit(table, params, context);
  ours();
  let last: Record<string, unknown> = {};
  const times = await harness.sideBySide(
    () => {
      const started = performance.now();
      ours();
      return performance.now() - started;
    },
    () => {
      const result = harness.peer(['sc', folder]);
      if (!result.ok) throw new Error(`scipy SC peer failed: ${result.message}`);
      last = result.value;
      return Number(result.value.ms);
    },
  );
  const estimate = ours();
  return [
    {
      task: 'synthetic control + 100 placebos, 100 donors × 120',
      ours: times.ours,
      peerName: 'scipy SLSQP',
      peer: times.peer,
      agreement: `effect ${estimate.effect_estimate.toFixed(4)} vs ${Number(last.effect).toFixed(4)}, rank p ${Number(estimate.diagnostics.rmspe_ratio_p_value).toFixed(3)} vs ${Number(last.p_value).toFixed(3)}`,
    },
  ];
}
