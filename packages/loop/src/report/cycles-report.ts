import type { CycleSummary } from '../cycles/cycle-summary';
import { fixed, LEARNED_HEADER, learnedPriorLines, learnedRows, markdownTable } from './calibration-table';
import { escapeXml, niceTicks } from './charts';
import { formatMoney } from './format';

/** Context of a cycles report: the per-cycle budget and its currency label. */
export interface CyclesReportContext {
  budget: number;
  currency?: string;
}

// Okabe–Ito colours, each series also with its own dash pattern and marker shape, so lines that coincide
// (e.g. the true return equal to the hindsight optimum) stay visible and distinguishable without colour.
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#d55e00', '#cc79a7', '#56b4e9', '#222222', '#7f7f7f'];
const DASHES = ['', '7 4', '2 3', '9 3 2 3', '4 4', '1 2'];
/** What the per-cycle prior-mean lines of the learned corrections mean. */
const PRIOR_NOTE =
  'The true mean return calibration learned jointly with the biases above: the error of the prior the predictions were shrunk toward, which the fit keeps out of every design’s bias.';

/** Marker `index` (circle, square, triangle, diamond, …) centred at (x, y). */
function marker(index: number, x: number, y: number, color: string): string {
  const r = 4;
  switch (index % 4) {
    case 0:
      return `<circle cx="${px(x)}" cy="${px(y)}" r="${r}" fill="${color}"/>`;
    case 1:
      return `<rect x="${px(x - r)}" y="${px(y - r)}" width="${2 * r}" height="${2 * r}" fill="none" stroke="${color}" stroke-width="2"/>`;
    case 2:
      return `<path d="M${px(x)} ${px(y - r - 1)} L${px(x + r + 1)} ${px(y + r)} L${px(x - r - 1)} ${px(y + r)} Z" fill="${color}"/>`;
    default:
      return `<path d="M${px(x)} ${px(y - r - 1)} L${px(x + r + 1)} ${px(y)} L${px(x)} ${px(y + r + 1)} L${px(x - r - 1)} ${px(y)} Z" fill="none" stroke="${color}" stroke-width="2"/>`;
  }
}

function px(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

function money(value: number | null): string {
  return value === null ? '–' : formatMoney(value);
}

/** One line of a {@link lineChartSvg}: a label and one value per cycle (null: not known). */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

/**
 * Inline SVG line chart of series over cycles (x: cycle 1…n, y: values with round ticks), with a legend.
 * Deterministic: coordinates rounded to 0.1.
 *
 * @example
 * ```ts
 * lineChartSvg('Returns', [1, 2, 3], [{ label: 'realized', values: [10, 12, 15] }], formatMoney);
 * ```
 */
export function lineChartSvg(
  title: string,
  cycles: readonly number[],
  series: readonly ChartSeries[],
  format: (value: number) => string,
): string {
  const width = 760;
  const height = 260;
  const left = 80;
  const right = 170;
  const top = 28;
  const bottom = 36;
  const values = series.flatMap((line) => line.values.filter((value): value is number => value !== null));
  const lower = Math.min(0, ...values);
  const upper = Math.max(lower + 1e-9, ...values);
  const ticks = niceTicks(lower, upper);
  const yLow = Math.min(lower, ticks[0] ?? lower);
  const yHigh = Math.max(upper, ticks.at(-1) ?? upper);
  const plotWidth = width - left - right;
  const x = (k: number) =>
    left + (cycles.length <= 1 ? plotWidth / 2 : (k * plotWidth) / (cycles.length - 1));
  const y = (value: number) => top + ((yHigh - value) * (height - top - bottom)) / (yHigh - yLow || 1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<text x="${left}" y="16" font-weight="600">${escapeXml(title)}</text>`,
  ];
  for (const tick of ticks) {
    parts.push(
      `<line x1="${left}" y1="${px(y(tick))}" x2="${width - right}" y2="${px(y(tick))}" stroke="${tick === 0 ? '#555' : '#e3e3e3'}"/>`,
      `<text x="${left - 6}" y="${px(y(tick) + 4)}" text-anchor="end" class="tick">${escapeXml(format(tick))}</text>`,
    );
  }
  cycles.forEach((cycle, k) => {
    parts.push(
      `<text x="${px(x(k))}" y="${height - bottom + 18}" text-anchor="middle" class="tick">cycle ${cycle}</text>`,
    );
  });
  series.forEach((line, index) => {
    const color = PALETTE[index % PALETTE.length] as string;
    const points = line.values.flatMap((value, k) => (value === null ? [] : [[x(k), y(value)] as const]));
    const dash = DASHES[index % DASHES.length] as string;
    const dashAttribute = dash === '' ? '' : ` stroke-dasharray="${dash}"`;
    if (points.length > 1) {
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2"${dashAttribute} points="${points.map(([a, b]) => `${px(a)},${px(b)}`).join(' ')}"/>`,
      );
    }
    for (const [a, b] of points) parts.push(marker(index, a, b, color));
    const legendY = top + 8 + index * 18;
    parts.push(
      `<g class="legend-item" data-color="${color}"><line x1="${width - right + 8}" y1="${legendY - 3}" x2="${width - right + 32}" y2="${legendY - 3}" stroke="${color}" stroke-width="2"${dashAttribute}/>${marker(index, width - right + 20, legendY - 3, color)}</g>`,
      `<text x="${width - right + 38}" y="${legendY + 1}">${escapeXml(line.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

const HEADER = [
  'cycle',
  'pool',
  'scaled',
  'spent',
  'realized return',
  'true return',
  'hindsight optimum',
  'regret',
];

function summaryRow(summary: CycleSummary): string[] {
  return [
    String(summary.cycle),
    String(summary.initiatives),
    String(summary.scaled),
    formatMoney(summary.spent),
    formatMoney(summary.realized_return),
    money(summary.true_return),
    money(summary.hindsight_return),
    money(summary.regret),
  ];
}

function methodologies(summaries: readonly CycleSummary[]): string[] {
  const seen = new Set<string>();
  for (const summary of summaries) {
    for (const row of summary.calibration) if (row.method === undefined) seen.add(row.model_type);
    for (const type of Object.keys(summary.mean_confidence)) seen.add(type);
  }
  return [...seen].sort();
}

/**
 * The cycles report in Markdown: per cycle money spent, realized return (measured at scale), true return of
 * the chosen portfolio, the hindsight-optimal return and the regret, then the calibration in force and the
 * mean review confidence per methodology per cycle.
 *
 * @example
 * ```ts
 * writeFileAtomic('results/cycles.md', renderCyclesMarkdown(summaries, { budget: 60000 }));
 * ```
 */
export function renderCyclesMarkdown(
  summaries: readonly CycleSummary[],
  context: CyclesReportContext,
): string {
  const currency = context.currency === undefined ? '' : ` ${context.currency}`;
  const types = methodologies(summaries);
  const lines = [
    '# Impact Loop: cycles',
    '',
    `${summaries.length} cycles, budget ${formatMoney(context.budget)}${currency} per cycle. Realized return: Σ actual (scale-measured) returns of the scaled initiatives; true return: Σ their simulated true returns; hindsight optimum: the best portfolio of the cycle's reviewed initiatives under the same budget knowing the true returns; regret = hindsight optimum − true return.`,
    '',
    markdownTable(HEADER, summaries.map(summaryRow)),
    '',
    '## Calibration before each cycle',
    '',
    'Confidence factor (multiplier on the position in the methodology band; 1 = no penalty) and outcomes used, per methodology; `–`: no outcomes yet.',
    '',
    markdownTable(
      [
        'cycle',
        ...types.map((type) => `${type} factor (n)`),
        ...types.map((type) => `${type} mean confidence`),
      ],
      summaries.map((summary) => [
        String(summary.cycle),
        ...types.map((type) => {
          const row = summary.calibration.find(
            (entry) => entry.model_type === type && entry.method === undefined,
          );
          return row === undefined ? '–' : `${fixed(row.confidence_factor)} (${row.n})`;
        }),
        ...types.map((type) => {
          const value = summary.mean_confidence[type as keyof CycleSummary['mean_confidence']];
          return value === undefined ? '–' : fixed(value);
        }),
      ]),
    ),
    '',
    '## Learned corrections before each cycle',
    '',
    "One row per methodology and per estimator, per cycle. Bias ± SE: the bias of pilot estimates per unit cost, learned from scale outcomes against the predictions made (so not inflated by the winner's curse). Applied bias and excess SD: the shrunk values per unit cost the decision model subtracts and adds. Factor: the confidence factor review applies.",
    '',
    ...(learnedRows(summaries).length === 0
      ? ['No outcomes before any cycle yet.']
      : [markdownTable(LEARNED_HEADER, learnedRows(summaries))]),
    ...(learnedPriorLines(summaries).length === 0
      ? []
      : ['', PRIOR_NOTE, '', ...learnedPriorLines(summaries).map((line) => `- ${line}`)]),
    '',
    '## Initiatives re-studied and joining',
    '',
    ...summaries.map(
      (summary) =>
        `- cycle ${summary.cycle}: re-studied ${summary.restudied.length === 0 ? 'none' : summary.restudied.join(', ')}; joined ${summary.joined.length === 0 ? 'none' : summary.joined.join(', ')}${summary.last_chance.length === 0 ? '' : `; last cycle for ${summary.last_chance.join(', ')} (they leave unless funded)`}`,
    ),
    '',
  ];
  return lines.join('\n');
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e5e5e5; padding: .3rem .6rem; text-align: right; white-space: nowrap; }
th { background: #f6f6f6; } td:first-child, th:first-child { text-align: left; }
.chart text { font: 12px system-ui, sans-serif; fill: #333; } .chart .tick { font-size: 11px; fill: #555; }
.note { color: #555; font-size: .9rem; max-width: 60rem; }
svg.chart { max-width: 100%; height: auto; }
@media print { body { margin: 0; max-width: none; font-size: 10.5pt; } h2 { break-after: avoid; } tr, svg { break-inside: avoid; } }
`;

function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<tr>${header.map((cell) => `<th>${escapeXml(cell)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeXml(cell)}</td>`).join('')}</tr>`);
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table>`;
}

/**
 * The cycles report as one self-contained HTML page (inline CSS and SVG, no scripts): a chart of spent,
 * realized, true and hindsight-optimal returns and regret over cycles, a chart of each methodology's
 * calibration confidence factor over cycles, and the tables of {@link renderCyclesMarkdown}.
 *
 * @example
 * ```ts
 * writeFileAtomic('results/cycles.html', renderCyclesHtml(summaries, { budget: 60000 }));
 * ```
 */
export function renderCyclesHtml(summaries: readonly CycleSummary[], context: CyclesReportContext): string {
  const currency = context.currency === undefined ? '' : ` ${context.currency}`;
  const cycles = summaries.map((summary) => summary.cycle);
  const types = methodologies(summaries);
  const money = lineChartSvg(
    `Money per cycle${currency}`,
    cycles,
    [
      { label: 'spent', values: summaries.map((s) => s.spent) },
      { label: 'realized return', values: summaries.map((s) => s.realized_return) },
      // The true return is drawn after (on top of) the hindsight optimum it often equals.
      { label: 'hindsight optimum', values: summaries.map((s) => s.hindsight_return) },
      { label: 'true return', values: summaries.map((s) => s.true_return) },
      { label: 'regret', values: summaries.map((s) => s.regret) },
    ],
    formatMoney,
  );
  const calibration = lineChartSvg(
    'Calibration confidence factor before each cycle',
    cycles,
    types.map((type) => ({
      label: type,
      values: summaries.map(
        (summary) =>
          summary.calibration.find((row) => row.model_type === type && row.method === undefined)
            ?.confidence_factor ?? 1,
      ),
    })),
    (value) => fixed(value, 2),
  );
  const body = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><title>Impact Loop: cycles</title>',
    `<style>${STYLE}</style></head>`,
    '<body>',
    '<h1>Impact Loop: cycles</h1>',
    `<p class="note">${summaries.length} cycles, budget ${escapeXml(formatMoney(context.budget))}${escapeXml(currency)} per cycle. Regret = hindsight optimum (best portfolio of the cycle's reviewed initiatives knowing their true returns, same budget) − true return of the chosen portfolio.</p>`,
    money,
    htmlTable(HEADER, summaries.map(summaryRow)),
    '<h2>Calibration</h2>',
    '<p class="note">Confidence factor per methodology (1 = no penalty; shown as 1 before any outcome of that methodology).</p>',
    calibration,
    htmlTable(
      ['cycle', ...types.map((type) => `${type} factor (n)`)],
      summaries.map((summary) => [
        String(summary.cycle),
        ...types.map((type) => {
          const row = summary.calibration.find(
            (entry) => entry.model_type === type && entry.method === undefined,
          );
          return row === undefined ? '–' : `${fixed(row.confidence_factor)} (${row.n})`;
        }),
      ]),
    ),
    '<h2>Learned corrections before each cycle</h2>',
    '<p class="note">One row per methodology and per estimator. Bias ± SE: the bias of pilot estimates per unit cost, learned from scale outcomes against the predictions made (not inflated by the winner\'s curse). Applied bias and excess SD: the shrunk values per unit cost the decision model subtracts and adds. Factor: the confidence factor review applies.</p>',
    learnedRows(summaries).length === 0
      ? '<p class="note">No outcomes before any cycle yet.</p>'
      : htmlTable(LEARNED_HEADER, learnedRows(summaries)),
    ...(learnedPriorLines(summaries).length === 0
      ? []
      : [
          `<p class="note">${escapeXml(PRIOR_NOTE)}</p>`,
          `<ul>${learnedPriorLines(summaries)
            .map((line) => `<li>${escapeXml(line)}</li>`)
            .join('')}</ul>`,
        ]),
    '</body>',
    '</html>',
    '',
  ];
  return body.join('\n');
}
