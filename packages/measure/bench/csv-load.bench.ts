/**
 * File-reading benchmark (issue 12): load a 1 M × 7 CSV (~116 MB) and fit OLS HC1 with the `experiment`
 * model, against pandas `read_csv` + statsmodels on the same file, each in a fresh process, alternating
 * the order; then one run on an 18 M-row (~475 MB) CSV. Prints medians, the time ratio and peak RSS as a
 * multiple of the file size. Data is generated in a temporary folder and deleted afterwards. Set
 * `CSV_BENCH_ROUNDS` (default 5) or `CSV_BENCH_SKIP_LARGE=1`. Needs /usr/bin/python3 with pandas and
 * statsmodels for the comparison (skipped, with a note, when missing).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

interface Sample {
  seconds: number;
  max_rss_mb: number;
  startup_rss_mb: number;
  estimate: number;
  standard_error: number;
  n: number;
  /** pandas side only: the treated coefficient from normal equations summed over 500k-row blocks. */
  reference_estimate?: number;
}

function uniforms(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
}

/** Write `rows` rows of y, treated, x1..x5; `digits` decimals per number (the file size knob). */
async function writeCsv(path: string, rows: number, digits: number): Promise<void> {
  const uniform = uniforms(rows);
  const out = createWriteStream(path);
  out.write('y,treated,x1,x2,x3,x4,x5\n');
  const block: string[] = [];
  for (let i = 0; i < rows; i++) {
    const treated = uniform() < 0.5 ? 1 : 0;
    const x = [uniform(), uniform(), uniform(), uniform(), uniform()].map((v) => 10 * v);
    const y = 5 + 1.5 * treated + x.reduce((s, v, k) => s + (k + 1) * 0.1 * v, 0) + 2 * (uniform() - 0.5);
    block.push(`${y.toFixed(digits)},${treated},${x.map((v) => v.toFixed(digits)).join(',')}`);
    if (block.length === 10000 || i === rows - 1) {
      const text = `${block.join('\n')}\n`;
      block.length = 0;
      if (!out.write(text)) await new Promise<void>((done) => out.once('drain', () => done()));
    }
  }
  await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
}

/**
 * The child as one plain-Node ES module (as a user runs the built package), bundled with esbuild into the
 * temporary folder; undefined when esbuild is not installed (the child then runs through tsx, whose loader
 * adds ~40 MiB of RSS).
 */
function bundleChild(dir: string): string | undefined {
  const esbuild = join(here, '../../../node_modules/.bin/esbuild');
  if (!existsSync(esbuild)) return undefined;
  const outfile = join(dir, 'csv-load-child.mjs');
  const built = spawnSync(
    esbuild,
    [
      join(here, 'csv-load-child.ts'),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--conditions=@impact/source',
      `--outfile=${outfile}`,
      '--log-level=error',
      '--external:@duckdb/*',
      '--external:pg',
      '--external:apache-arrow',
      '--external:@impact/simulate',
      "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    ],
    { encoding: 'utf8' },
  );
  return built.status === 0 ? outfile : undefined;
}

function runNode(file: string, bundled: string | undefined): Sample {
  const args = bundled ? [bundled, file] : [...process.execArgv, join(here, 'csv-load-child.ts'), file];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`node child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() as string) as Sample;
}

function runPandas(file: string): Sample | undefined {
  const child = spawnSync('/usr/bin/python3', [join(here, 'csv_load_pandas.py'), file], { encoding: 'utf8' });
  if (child.status !== 0) return undefined;
  return JSON.parse(child.stdout.trim().split('\n').pop() as string) as Sample;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function report(label: string, file: string, node: Sample[], pandas: Sample[]): void {
  const mb = statSync(file).size / 2 ** 20;
  const nodeTime = median(node.map((s) => s.seconds));
  const nodeRss = Math.max(...node.map((s) => s.max_rss_mb));
  const nodeData = Math.max(...node.map((s) => s.max_rss_mb - s.startup_rss_mb));
  console.log(`\n${label}: ${mb.toFixed(0)} MiB, ${node[0]?.n} rows`);
  console.log(
    `  node  load + OLS HC1: median ${nodeTime.toFixed(2)} s over ${node.length}; peak RSS ${nodeRss.toFixed(0)} MiB = ${(nodeRss / mb).toFixed(2)} × file (${nodeData.toFixed(0)} MiB = ${(nodeData / mb).toFixed(2)} × file above the runtime's startup RSS)`,
  );
  if (pandas.length === 0) {
    console.log('  pandas + statsmodels: not available (/usr/bin/python3 with pandas, statsmodels)');
    return;
  }
  const pandasTime = median(pandas.map((s) => s.seconds));
  const pandasRss = Math.max(...pandas.map((s) => s.max_rss_mb));
  const pandasData = Math.max(...pandas.map((s) => s.max_rss_mb - s.startup_rss_mb));
  console.log(
    `  pandas read_csv + statsmodels: median ${pandasTime.toFixed(2)} s over ${pandas.length}; peak RSS ${pandasRss.toFixed(0)} MiB = ${(pandasRss / mb).toFixed(2)} × file (${pandasData.toFixed(0)} MiB = ${(pandasData / mb).toFixed(2)} × file above startup)`,
  );
  const ratios = node.map((s, k) => s.seconds / (pandas[k] ?? (pandas[0] as Sample)).seconds);
  console.log(
    `  time ratio node / pandas: median ${median(ratios).toFixed(2)} (per round: ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
  );
  const a = node[0] as Sample;
  const b = pandas[0] as Sample;
  const rel = (x: number, y: number) => Math.abs(x / y - 1).toExponential(1);
  console.log(
    `  same answer: treated ${a.estimate} vs statsmodels ${b.estimate} (rel. diff ${rel(a.estimate, b.estimate)}), HC1 SE rel. diff ${rel(a.standard_error, b.standard_error)}`,
  );
  if (b.reference_estimate !== undefined)
    console.log(
      `  blockwise normal equations (numpy, 500k-row blocks): ${b.reference_estimate}; node rel. diff ${rel(a.estimate, b.reference_estimate)}, statsmodels rel. diff ${rel(b.estimate, b.reference_estimate)}`,
    );
}

export async function run(): Promise<void> {
  const rounds = Number(process.env.CSV_BENCH_ROUNDS ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'impact-csv-bench-'));
  try {
    const bundled = bundleChild(dir);
    console.log(
      bundled
        ? 'node side: plain Node on an esbuild bundle of bench/csv-load-child.ts'
        : 'node side: through tsx',
    );
    const small = join(dir, 'rows-1m.csv');
    await writeCsv(small, 1_000_000, 14);
    const node: Sample[] = [];
    const pandas: Sample[] = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate which side runs first so drift on a shared machine hits both.
      const order = r % 2 === 0 ? ['node', 'pandas'] : ['pandas', 'node'];
      for (const side of order) {
        if (side === 'node') node.push(runNode(small, bundled));
        else {
          const sample = runPandas(small);
          if (sample) pandas.push(sample);
        }
      }
    }
    report('1 M × 7 CSV', small, node, pandas);
    rmSync(small);
    if (process.env.CSV_BENCH_SKIP_LARGE === '1') return;
    const large = join(dir, 'rows-18m.csv');
    await writeCsv(large, 18_000_000, 2);
    const nodeLarge = runNode(large, bundled);
    const pandasLarge = runPandas(large);
    report('18 M × 7 CSV', large, [nodeLarge], pandasLarge ? [pandasLarge] : []);
  } finally {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}
