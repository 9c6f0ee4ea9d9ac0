/**
 * Benchmark of @impact/simulate: 10,000 products × 365 days (3.65 M product-days) generated in memory.
 * Every run is a fresh child process, so its peak RSS is that one generation's own; each scenario runs
 * three times and the table shows the median wall and CPU time, rows per second (from the median wall
 * time), peak RSS of the process, and the V8 heap in use with the result still alive.
 *
 *   pnpm --filter @impact/simulate bench
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SimulationConfigInput, simulate, writeSimulationByDay } from '../src/index';

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
      treatment: {
        assignment: 'selection',
        fraction: 0.3,
        selection: { popularity: 1 },
        metric: 'quality_score',
        effect: { type: 'additive', size: 0.1 },
        ramp_days: 14,
      },
    },
  },
  'write CSV by day (1,000 × 365)': {
    config: { ...year, products: 1_000, treatment: { metric: 'conversion' } },
    write: true,
  },
};

const REPEATS = 3;

interface Measurement {
  rows: number;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  heapUsedMb: number;
}

function runScenario(name: string): Measurement {
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let rows: number;
  let heapUsedMb: number;
  if (scenario.write) {
    const folder = mkdtempSync(join(tmpdir(), 'impact-simulate-bench-'));
    try {
      writeSimulationByDay(folder, scenario.config);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    rows = (scenario.config.products ?? 0) * 365;
    heapUsedMb = process.memoryUsage().heapUsed / 2 ** 20;
  } else {
    const result = simulate(scenario.config);
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const scenarioArgument = process.argv.indexOf('--scenario');
if (scenarioArgument >= 0) {
  process.stdout.write(JSON.stringify(runScenario(process.argv[scenarioArgument + 1] as string)));
} else {
  const script = fileURLToPath(import.meta.url);
  const table = Object.keys(scenarios).map((name) => {
    const runs: Measurement[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      const output = execFileSync(process.execPath, [...process.execArgv, script, '--scenario', name], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      runs.push(JSON.parse(output) as Measurement);
    }
    const wall = median(runs.map((run) => run.wallMs));
    return {
      scenario: name,
      rows: runs[0]?.rows ?? 0,
      'median wall ms': Math.round(wall),
      'median CPU ms': Math.round(median(runs.map((run) => run.cpuMs))),
      'all wall ms': runs.map((run) => Math.round(run.wallMs)).join(' / '),
      'rows/s': Math.round((runs[0]?.rows ?? 0) / (wall / 1000)).toLocaleString('en-US'),
      'peak RSS MB': Math.round(Math.max(...runs.map((run) => run.peakRssMb))),
      'heap used MB': Math.round(Math.max(...runs.map((run) => run.heapUsedMb))),
    };
  });
  console.log(`@impact/simulate benchmark (Node ${process.version}, ${REPEATS} runs each, median shown)`);
  console.table(table);
}
