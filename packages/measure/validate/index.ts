/**
 * Ground-truth recovery runner (`pnpm validate`): imports every `validate/*.validate.ts` file, runs its
 * `run()`, prints one table of all rows, and exits non-zero when any row fails
 * (|mean bias| > 2·bias SE, or 95% CI coverage outside [0.92, 0.98]).
 * Pass file-name fragments as arguments to run only some files: `pnpm validate experiment`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isShownOnly, rowPasses, type ValidationModule, type ValidationRow } from './types';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith('.validate.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

function format(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)
    ? value.toExponential(3)
    : value.toFixed(digits);
}

function printTable(rows: (ValidationRow & { file: string; seconds: number })[]): void {
  const header = [
    'model',
    'design',
    'reps',
    'true_effect',
    'mean_estimate',
    'mean_bias',
    'bias_se',
    '|bias|/se',
    'coverage',
    'time_s',
    'ok',
  ];
  const body = rows.map((row) => [
    row.model,
    row.design,
    String(row.replications),
    format(row.true_effect),
    format(row.mean_estimate),
    format(row.mean_bias),
    format(row.bias_se),
    format(Math.abs(row.mean_bias) / row.bias_se, 2),
    format(row.coverage, 3),
    format(row.seconds, 1),
    isShownOnly(row) ? 'known' : rowPasses(row) ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, k) =>
    Math.max(title.length, ...body.map((cells) => (cells[k] as string).length)),
  );
  const line = (cells: string[]) => cells.map((cell, k) => cell.padEnd(widths[k] as number)).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const cells of body) process.stdout.write(`${line(cells)}\n`);
}

const rows: (ValidationRow & { file: string; seconds: number })[] = [];
let failedFiles = 0;
for (const file of files) {
  const started = performance.now();
  try {
    const module = (await import(pathToFileURL(join(here, file)).href)) as ValidationModule;
    const result = await module.run();
    const seconds = (performance.now() - started) / 1000 / Math.max(1, result.length);
    for (const row of result) rows.push({ ...row, file, seconds });
    process.stderr.write(
      `${file}: ${result.length} rows in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  } catch (error) {
    failedFiles += 1;
    process.stderr.write(`${file}: FAILED: ${(error as Error).stack ?? String(error)}\n`);
  }
}
printTable(rows);
const failedRows = rows.filter((row) => !rowPasses(row));
process.stdout.write(
  `\n${rows.length} rows from ${files.length} files; ${failedRows.length} rows failed; ${failedFiles} files crashed\n`,
);
if (failedRows.length > 0 || failedFiles > 0 || rows.length === 0) process.exitCode = 1;
