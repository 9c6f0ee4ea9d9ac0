/**
 * Screenshot check of the HTML outcome report in headless Chromium (Debian's `chromium` package).
 *
 *   pnpm --filter @impact/loop screenshot [path/to/outcome.html] [--out screenshot.png]
 *
 * Without a path it runs the five-initiative demo into a temporary folder first. It then (1) loads the
 * page with `--dump-dom` and checks that both charts are in the rendered DOM and that nothing was fetched
 * from the network (the page is self-contained), and (2) writes a PNG screenshot and checks it is a real
 * image of the expected size. When /usr/bin/chromium is missing it says so and exits 0 (skipped).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runLoop } from '../src/index';

const CHROMIUM = '/usr/bin/chromium';
const WIDTH = 1200;
const HEIGHT = 2000;

const { values, positionals } = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: true });

if (!existsSync(CHROMIUM)) {
  console.log(
    `SKIPPED: ${CHROMIUM} not found. Install Debian's chromium package (apt-get install chromium) and rerun.`,
  );
  process.exit(0);
}

let page = positionals[0];
if (page === undefined) {
  const outDir = mkdtempSync(join(tmpdir(), 'impact-screenshot-'));
  const pipeline = join(
    import.meta.dirname,
    '..',
    '..',
    '..',
    'examples',
    'retail-five-initiatives',
    'pipeline.yaml',
  );
  await runLoop({ configPath: pipeline, outDir });
  page = join(outDir, 'outcome.html');
}
const url = pathToFileURL(resolve(page)).href;
const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--hide-scrollbars',
  `--window-size=${WIDTH},${HEIGHT}`,
];

const failures: string[] = [];
const dom = spawnSync(CHROMIUM, [...flags, '--dump-dom', url], { encoding: 'utf8', timeout: 60_000 });
if (dom.status !== 0) failures.push(`chromium --dump-dom exited with ${dom.status}: ${dom.stderr}`);
for (const id of ['returns-chart', 'budget-chart']) {
  if (!dom.stdout.includes(`id="${id}"`)) failures.push(`the rendered page has no #${id}`);
}
if (/https?:\/\//.test(readFileSync(page, 'utf8'))) failures.push('the page references an external URL');

const png = values.out ?? join(mkdtempSync(join(tmpdir(), 'impact-png-')), 'outcome.png');
const shot = spawnSync(CHROMIUM, [...flags, `--screenshot=${resolve(png)}`, url], {
  encoding: 'utf8',
  timeout: 60_000,
});
if (shot.status !== 0 || !existsSync(png)) failures.push(`chromium --screenshot failed: ${shot.stderr}`);
else {
  const bytes = readFileSync(png);
  const signature = bytes.subarray(0, 8).toString('hex');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (signature !== '89504e470d0a1a0a') failures.push('the screenshot is not a PNG');
  else if (width !== WIDTH || height !== HEIGHT)
    failures.push(`the screenshot is ${width}×${height}, expected ${WIDTH}×${HEIGHT}`);
  // A blank page compresses to a few kilobytes; two charts and four tables do not.
  if (bytes.length < 20_000)
    failures.push(`the screenshot is only ${bytes.length} bytes: is the page blank?`);
  console.log(`screenshot: ${resolve(png)} (${width}×${height}, ${bytes.length} bytes)`);
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAIL: ${failure}`);
  process.exit(1);
}
console.log(`OK: ${page} renders in headless Chromium with both charts, self-contained.`);
