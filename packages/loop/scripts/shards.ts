/**
 * Run a study's worlds over several child processes (these machines have 2 cores): the parent re-runs this
 * script with `--shard i/n`; each child prints one JSON line per world; the parent collects them in seed
 * order. Shared by the decision and calibration study scripts.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** Run `script` with `args` in `jobs` shards and collect every JSON line they print. */
export async function collectShards<T extends { seed: number }>(
  script: string,
  args: readonly string[],
  jobs: number,
  total: number,
): Promise<T[]> {
  const outcomes: T[] = [];
  await Promise.all(
    Array.from(
      { length: jobs },
      (_, index) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            [...process.execArgv, script, ...args, '--shard', `${index}/${jobs}`],
            {
              stdio: ['ignore', 'pipe', 'inherit'],
            },
          );
          let buffered = '';
          child.stdout.on('data', (chunk: Buffer) => {
            buffered += chunk.toString('utf8');
            let newline = buffered.indexOf('\n');
            while (newline >= 0) {
              const line = buffered.slice(0, newline);
              buffered = buffered.slice(newline + 1);
              if (line.startsWith('{')) {
                outcomes.push(JSON.parse(line) as T);
                process.stderr.write(`\r${outcomes.length}/${total} worlds`);
              }
              newline = buffered.indexOf('\n');
            }
          });
          child.on('error', reject);
          child.on('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`shard ${index} exited with ${code}`)),
          );
        }),
    ),
  );
  process.stderr.write('\n');
  return outcomes.sort((a, b) => a.seed - b.seed);
}

/** The seeds of shard `i/n` (every n-th seed from the i-th). */
export function shardSeeds(seeds: readonly number[], shard: string): number[] {
  const [index, count] = shard.split('/').map(Number) as [number, number];
  return seeds.filter((_, k) => k % count === index);
}

/**
 * Replace the text between `<!-- name:start -->` and `<!-- name:end -->` in a docs file with `body`, so the
 * numbers in the docs come from the script that measured them.
 */
export function writeDocsSection(file: string, name: string, body: string): void {
  const text = readFileSync(file, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file}: expected the markers ${start} … ${end}`);
  writeFileSync(file, `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`);
}
