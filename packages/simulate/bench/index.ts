/**
 * Benchmark of @impact/simulate: 10,000 products × 365 days (3.65 M product-days) generated in memory.
 * Every run is a fresh child process, so its peak RSS is that one generation's own; each scenario runs
 * `--rounds` times (default 5) and the table shows the median wall and CPU time, rows per second (from
 * the median wall time), peak RSS of the process, and the V8 heap in use with the result still alive.
 *
 * These machines are shared and noisy, so compare engines side by side rather than against a number
 * from another day: `--baseline <dir>` runs the same scenarios with the simulator sources in `<dir>`
 * (a `packages/simulate` folder of another checkout, e.g. a `git worktree` of the parent commit),
 * alternating which goes first in every round, and adds the baseline's medians and the ratio.
 * Without `--threads` each engine runs with its own default (since `threads: 'auto'` became the default:
 * worker threads, one per core); `IMPACT_SIMULATE_THREADS` in the environment reaches the child
 * processes too. bench/threads.ts compares thread settings side by side.
 *
 *   pnpm --filter @impact/simulate bench
 *   pnpm --filter @impact/simulate bench --only quality --rounds 9
 *   pnpm --filter @impact/simulate bench --only quality --threads 1   # simulate(config, { threads: 1 })
 *   git worktree add /tmp/simulate-base HEAD~1 && ln -s "$PWD/node_modules" /tmp/simulate-base/ \
 *     && ln -s "$PWD/packages/simulate/node_modules" /tmp/simulate-base/packages/simulate/ \
 *     && pnpm --filter @impact/simulate bench --only quality --baseline /tmp/simulate-base/packages/simulate
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SimulationConfigInput, SimulationResult } from '../src/index';
import { qualitySelectionTreatment } from '../test/fixtures/treatments';
import { median } from './median';

const year: SimulationConfigInput = {
  seed: 42,
  products: 10_000,
  start_date: '2024-01-01',
  end_date: '2024-12-30',
};

const scenarios: Record<string, { config: SimulationConfigInput; write?: boolean }> = {
  'no treatment': { config: year },
  'conversion +10 %, 50 % treated from day 182': {
    config: { ...year, treatment: { metric: 'conversion', fraction: 0.5 } },
  },
  'quality +0.1, selection on popularity': {
    config: {
      ...year,
      treatment: qualitySelectionTreatment,
    },
  },
  'write CSV by day (1,000 × 365)': {
    config: { ...year, products: 1_000, treatment: { metric: 'conversion' } },
    write: true,
  },
};

interface Measurement {
  rows: number;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  heapUsedMb: number;
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function runScenario(name: string, source: string): Promise<Measurement> {
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const simulator = (await import(
    pathToFileURL(join(source, 'src', 'index.ts')).href
  )) as typeof import('../src/index');
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let rows: number;
  let heapUsedMb: number;
  if (scenario.write) {
    const folder = mkdtempSync(join(tmpdir(), 'impact-simulate-bench-'));
    try {
      simulator.writeSimulationByDay(folder, scenario.config);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    rows = (scenario.config.products ?? 0) * 365;
    heapUsedMb = process.memoryUsage().heapUsed / 2 ** 20;
  } else {
    // --threads n passes { threads: n } (an engine without the option ignores it); default: its own.
    const threads = option('--threads');
    const simulateWith = simulator.simulate as (
      config: SimulationConfigInput,
      options?: object,
    ) => SimulationResult;
    const result = simulateWith(
      scenario.config,
      threads === undefined ? undefined : { threads: threads === 'auto' ? 'auto' : Number(threads) },
    );
    rows = result.metrics.rowCount;
    heapUsedMb = process.memoryUsage().heapUsed / 2 ** 20;
  }
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return {
    rows,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb,
  };
}

function measureInChild(name: string, source: string): Measurement {
  const script = fileURLToPath(import.meta.url);
  const output = execFileSync(
    process.execPath,
    [
      ...process.execArgv,
      script,
      '--scenario',
      name,
      '--source',
      source,
      ...(option('--threads') === undefined ? [] : ['--threads', option('--threads') as string]),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(output) as Measurement;
}

const ownSource = fileURLToPath(new URL('..', import.meta.url));
const scenarioArgument = option('--scenario');
if (scenarioArgument !== undefined) {
  const measurement = await runScenario(scenarioArgument, option('--source') ?? ownSource);
  process.stdout.write(JSON.stringify(measurement));
} else {
  const rounds = Number(option('--rounds') ?? 5);
  const only = option('--only');
  const baselineOption = option('--baseline');
  const baseline = baselineOption === undefined ? undefined : resolve(baselineOption);
  const names = Object.keys(scenarios).filter((name) => only === undefined || name.includes(only));
  const table = names.map((name) => {
    const runs: Measurement[] = [];
    const baselineRuns: Measurement[] = [];
    for (let round = 0; round < rounds; round += 1) {
      // Alternate which engine goes first so drifting load does not favour one of them.
      if (baseline !== undefined && round % 2 === 0) baselineRuns.push(measureInChild(name, baseline));
      runs.push(measureInChild(name, ownSource));
      if (baseline !== undefined && round % 2 === 1) baselineRuns.push(measureInChild(name, baseline));
    }
    const wall = median(runs.map((run) => run.wallMs));
    const cpu = median(runs.map((run) => run.cpuMs));
    const row: Record<string, string | number> = {
      scenario: name,
      rows: runs[0]?.rows ?? 0,
      'median wall ms': Math.round(wall),
      'median CPU ms': Math.round(cpu),
      'all wall ms': runs.map((run) => Math.round(run.wallMs)).join(' / '),
      'rows/s': Math.round((runs[0]?.rows ?? 0) / (wall / 1000)).toLocaleString('en-US'),
      'peak RSS MB': Math.round(Math.max(...runs.map((run) => run.peakRssMb))),
      'heap used MB': Math.round(Math.max(...runs.map((run) => run.heapUsedMb))),
    };
    if (baseline !== undefined) {
      const baselineWall = median(baselineRuns.map((run) => run.wallMs));
      const baselineCpu = median(baselineRuns.map((run) => run.cpuMs));
      row['baseline median wall ms'] = Math.round(baselineWall);
      row['baseline median CPU ms'] = Math.round(baselineCpu);
      row['baseline / this (wall)'] = (baselineWall / wall).toFixed(2);
      row['baseline / this (CPU)'] = (baselineCpu / cpu).toFixed(2);
    }
    return row;
  });
  console.log(
    `@impact/simulate benchmark (Node ${process.version}, ${rounds} runs each, median shown${
      baseline === undefined ? '' : `; baseline ${baseline}`
    })`,
  );
  console.table(table);
}
