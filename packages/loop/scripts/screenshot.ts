/**
 * Headless-Chromium check of the HTML reports (Debian's `chromium` package).
 *
 *   pnpm --filter @impact/loop screenshot [path/to/outcome.html …] [--out-dir <dir>]
 *
 * Without paths it runs the five-initiative demo (one cycle) and the multi-cycle example into a temporary
 * folder and checks their `outcome.html` and `cycles.html`. For each page and each viewport width (1280 and
 * 1700 px) it:
 *  1. loads a copy of the page with a small measuring script appended and `--dump-dom`, and checks: the charts
 *     and every measurement's diagnostic plots are in the DOM, no element sticks out of the viewport
 *     (no horizontal overflow), every legend's colours are distinguishable (pairwise CIE76 ΔE ≥ 20), element
 *     ids are unique (plots are inlined several times), and the page references nothing on the network;
 *  2. writes a full-page PNG screenshot (look at it) and checks it is a real, non-blank image of the width.
 * When /usr/bin/chromium is missing it says so and exits 0 (skipped).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runLoop, runLoopCycles } from '../src/index';

const CHROMIUM = '/usr/bin/chromium';
const WIDTHS = [1280, 1700];
const MIN_DELTA_E = 20;

const { values, positionals } = parseArgs({
  options: { 'out-dir': { type: 'string' } },
  allowPositionals: true,
});

if (!existsSync(CHROMIUM)) {
  console.log(
    `SKIPPED: ${CHROMIUM} not found. Install Debian's chromium package (apt-get install chromium) and rerun.`,
  );
  process.exit(0);
}

const examples = join(import.meta.dirname, '..', '..', '..', 'examples');
let pages = positionals;
if (pages.length === 0) {
  const outDir = mkdtempSync(join(tmpdir(), 'impact-screenshot-'));
  await runLoop({
    configPath: join(examples, 'retail-five-initiatives', 'pipeline.yaml'),
    outDir: join(outDir, 'demo'),
  });
  await runLoopCycles({
    configPath: join(examples, 'multi-cycle', 'pipeline.yaml'),
    outDir: join(outDir, 'cycles'),
  });
  pages = [join(outDir, 'demo', 'outcome.html'), join(outDir, 'cycles', 'cycles.html')];
}
const pngDir = values['out-dir'] ?? mkdtempSync(join(tmpdir(), 'impact-png-'));
mkdirSync(pngDir, { recursive: true });

// Runs inside the page after load: measures overflow and collects legend colours per SVG, and writes the
// result into the DOM as JSON so `--dump-dom` carries it out.
const PROBE = `<script>
addEventListener('load', () => {
  const width = document.documentElement.clientWidth;
  const overflow = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !element.closest('details:not([open])'))
      overflow.push(element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') + ' right=' + Math.round(box.right));
  }
  const legends = [...document.querySelectorAll('svg')].map((svg) => ({
    id: svg.id || svg.getAttribute('aria-label'),
    colors: [...svg.querySelectorAll('.legend-item')].map((item) => item.getAttribute('data-color')),
  }));
  const result = { scrollWidth: document.documentElement.scrollWidth, width, overflow: overflow.slice(0, 10),
    legends, svgs: document.querySelectorAll('svg').length };
  const pre = document.createElement('pre'); pre.id = 'probe-result'; pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script>`;

interface ProbeResult {
  scrollWidth: number;
  width: number;
  overflow: string[];
  legends: { id: string; colors: string[] }[];
  svgs: number;
}

/** sRGB hex → CIE L*a*b* (D65). */
function lab(hex: string): [number, number, number] {
  const channel = (offset: number) => {
    const c = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const [r, g, b] = [channel(1), channel(3), channel(5)];
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (t * 24389) / 27 / 116 + 16 / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

function deltaE(a: string, b: string): number {
  const [l1, a1, b1] = lab(a);
  const [l2, a2, b2] = lab(b);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}

const failures: string[] = [];
const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--hide-scrollbars',
  '--allow-file-access-from-files',
];
for (const page of pages) {
  const html = readFileSync(page, 'utf8');
  // xmlns is a namespace name, not a fetch; anything else with a URL scheme would be.
  if (/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i.test(html) || /url\(\s*["']?https?:/i.test(html))
    failures.push(`${page}: references an external URL`);
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1] as string);
  const duplicates = [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
  if (duplicates.length > 0) failures.push(`${page}: duplicate element ids ${duplicates.join(', ')}`);
  const probePage = join(dirname(page), `.probe-${basename(page)}`);
  writeFileSync(probePage, html.replace('</body>', `${PROBE}</body>`));
  for (const width of WIDTHS) {
    const label = `${basename(page)} @ ${width}px`;
    const dom = spawnSync(
      CHROMIUM,
      [...flags, `--window-size=${width},1000`, '--dump-dom', pathToFileURL(probePage).href],
      {
        encoding: 'utf8',
        timeout: 90_000,
      },
    );
    const match = /<pre id="probe-result">([^<]*)<\/pre>/.exec(dom.stdout ?? '');
    if (dom.status !== 0 || !match) {
      failures.push(`${label}: chromium --dump-dom failed (${dom.status}): ${dom.stderr}`);
      continue;
    }
    const probe = JSON.parse(
      (match[1] as string).replaceAll('&quot;', '"').replaceAll('&amp;', '&'),
    ) as ProbeResult;
    if (probe.scrollWidth > probe.width)
      failures.push(`${label}: horizontal overflow (page ${probe.scrollWidth} px wide)`);
    for (const element of probe.overflow) failures.push(`${label}: ${element} sticks out of the viewport`);
    for (const legend of probe.legends) {
      const colors = legend.colors.filter((color): color is string => /^#[0-9a-f]{6}$/i.test(color ?? ''));
      for (let i = 0; i < colors.length; i++)
        for (let j = i + 1; j < colors.length; j++)
          if (deltaE(colors[i] as string, colors[j] as string) < MIN_DELTA_E)
            failures.push(`${label}: legend of ${legend.id} has close colours ${colors[i]} / ${colors[j]}`);
    }
    const png = resolve(pngDir, `${basename(page, '.html')}-${width}.png`);
    const shot = spawnSync(
      CHROMIUM,
      [...flags, `--window-size=${width},3000`, `--screenshot=${png}`, pathToFileURL(page).href],
      {
        encoding: 'utf8',
        timeout: 90_000,
      },
    );
    if (shot.status !== 0 || !existsSync(png)) {
      failures.push(`${label}: chromium --screenshot failed: ${shot.stderr}`);
      continue;
    }
    const bytes = readFileSync(png);
    if (bytes.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') failures.push(`${label}: not a PNG`);
    else if (bytes.readUInt32BE(16) !== width)
      failures.push(`${label}: screenshot is ${bytes.readUInt32BE(16)} px wide`);
    // A blank page compresses to a few kilobytes; charts and tables do not.
    if (bytes.length < 20_000)
      failures.push(`${label}: the screenshot is only ${bytes.length} bytes: blank page?`);
    console.log(
      `${label}: ${probe.svgs} SVGs, ${probe.legends.filter((l) => l.colors.length > 0).length} legends checked → ${png}`,
    );
  }
  rmSync(probePage, { force: true });
  if (page.endsWith('outcome.html')) {
    for (const id of ['returns-chart', 'budget-chart'])
      if (!html.includes(`id="${id}"`)) failures.push(`${page}: no #${id}`);
    if (!/<details class="diagnostics">/.test(html))
      failures.push(`${page}: no measurement diagnostic plots`);
  }
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAIL: ${failure}`);
  process.exit(1);
}
console.log(
  `OK: ${pages.length} report page(s) render in headless Chromium at ${WIDTHS.join(' and ')} px, no overflow, legends distinguishable.`,
);
