/**
 * Side-by-side benchmark of `simulate`'s thread settings: the quality scenario of bench/index.ts
 * (10,000 × 365, quality +0.1, selection on popularity, 14-day ramp) in fresh processes, alternating
 * which setting goes first in every round, through the TypeScript sources (tsx, as `pnpm bench`), the
 * built ESM package (dist/index.js) or the built CommonJS package (dist/index.cjs). `--concurrent 2`
 * starts two processes of the same setting at once (the contention case: another job on the machine).
 * Prints the median wall time of the `simulate` call, its CPU time (all threads of the process), the
 * ratio to the first setting, and the load average seen by the runs. Build first for esm / cjs.
 *
 *   pnpm --filter @impact/simulate build
 *   pnpm --filter @impact/simulate exec tsx bench/threads.ts --entry esm --rounds 5 --settings 1,default
 *   pnpm --filter @impact/simulate exec tsx bench/threads.ts --entry source --concurrent 2 --settings 1,auto
 *
 * A setting is a thread count, `auto`, `default` (no `threads` option) or `env:<value>` (no option,
 * `IMPACT_SIMULATE_THREADS=<value>`), optionally prefixed by an entry (`esm/1,cjs/1,esm/default`) to
 * compare entries in the same rounds; the order of the settings rotates from round to round.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { qualitySelectionTreatment } from '../test/fixtures/treatments';
import { median } from './median';

const config = {
  seed: 42,
  products: 10_000,
  start_date: '2024-01-01',
  end_date: '2024-12-30',
  treatment: qualitySelectionTreatment,
};

interface Run {
  wallMs: number;
  cpuMs: number;
  processMs: number;
  load: number;
}

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const entries = {
  source: { file: `${packageDir}src/index.ts`, args: ['--import', 'tsx', '--conditions=@impact/source'] },
  esm: { file: `${packageDir}dist/index.js`, args: [] },
  cjs: { file: `${packageDir}dist/index.cjs`, args: [] },
} as const;

/** The child's code: load the package, time one `simulate` call, print the measurement. */
function childCode(entry: keyof typeof entries, setting: string): string {
  const { file } = entries[entry];
  const load =
    entry === 'cjs'
      ? `require(${JSON.stringify(file)})`
      : `await import(${JSON.stringify(`file://${file}`)})`;
  const threads = /^[0-9]+$/.test(setting) ? Number(setting) : setting === 'auto' ? 'auto' : undefined;
  const options = threads === undefined ? '' : `, { threads: ${JSON.stringify(threads)} }`;
  const body = `const { simulate } = ${load};
    const load = require('node:os').loadavg()[0];
    const cpu = process.cpuUsage(); const start = performance.now();
    const result = simulate(${JSON.stringify(config)}${options});
    const wallMs = performance.now() - start; const used = process.cpuUsage(cpu);
    if (result.metrics.rowCount !== 3650000) throw new Error('unexpected row count');
    process.stdout.write(JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000, load }));`;
  return entry === 'cjs'
    ? `(async () => { ${body} })()`
    : `const require = (await import('node:module')).createRequire(import.meta.url); ${body}`;
}

const scratch = mkdtempSync(join(tmpdir(), 'simulate-threads-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
let childScripts = 0;

function runChild(defaultEntry: keyof typeof entries, prefixed: string): Promise<Run> {
  const [entry, setting] = prefixed.includes('/')
    ? (prefixed.split('/', 2) as [keyof typeof entries, string])
    : [defaultEntry, prefixed];
  if (!(entry in entries)) throw new Error(`${prefixed}: expected the entry source, esm or cjs`);
  const env = { ...process.env };
  delete env.IMPACT_SIMULATE_THREADS;
  if (setting.startsWith('env:')) env.IMPACT_SIMULATE_THREADS = setting.slice(4);
  const args: string[] = [...entries[entry].args];
  // A module file, not `node -e`: under `--input-type=module -e` the worker threads did not run alongside
  // the caller (wall time = CPU time), which no program importing the package sees.
  const script = join(scratch, `child-${childScripts++}.${entry === 'cjs' ? 'cjs' : 'mjs'}`);
  writeFileSync(script, childCode(entry, setting));
  args.push(script);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, cwd: packageDir });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${entry} ${setting} exited with ${code}: ${err}`));
      else
        resolve({ ...(JSON.parse(out) as Omit<Run, 'processMs'>), processMs: performance.now() - started });
    });
  });
}

const entry = option('--entry', 'source') as keyof typeof entries;
if (!(entry in entries)) throw new Error(`--entry: expected source, esm or cjs, found ${entry}`);
const rounds = Number(option('--rounds', '5'));
const concurrent = Number(option('--concurrent', '1'));
const settings = option('--settings', '1,default').split(',');
const runs = new Map<string, Run[]>(settings.map((setting) => [setting, []]));
for (let round = 0; round < rounds; round += 1) {
  // Rotate (two settings: alternate) the order so drifting load does not favour one setting.
  const shift = round % settings.length;
  const order = [...settings.slice(shift), ...settings.slice(0, shift)];
  for (const setting of order) {
    const batch = await Promise.all(Array.from({ length: concurrent }, () => runChild(entry, setting)));
    runs.get(setting)?.push(...batch);
  }
}
const first = median((runs.get(settings[0] as string) ?? []).map((run) => run.wallMs));
console.log(
  `simulate threads, ${entry}, ${rounds} rounds × ${concurrent} process(es) at once, Node ${process.version}, load now ${loadavg()[0]?.toFixed(2)}`,
);
console.table(
  settings.map((setting) => {
    const list = runs.get(setting) ?? [];
    const wall = median(list.map((run) => run.wallMs));
    const loads = list.map((run) => run.load);
    return {
      setting,
      'median wall ms': Math.round(wall),
      'median CPU ms': Math.round(median(list.map((run) => run.cpuMs))),
      'median process ms': Math.round(median(list.map((run) => run.processMs))),
      [`${settings[0]} / this (wall)`]: (first / wall).toFixed(2),
      'all wall ms': list.map((run) => Math.round(run.wallMs)).join(' / '),
      load: `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
    };
  }),
);
