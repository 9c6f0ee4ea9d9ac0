import { formatMoney } from './format';
import type { BudgetChartRow, ReturnsChartRow } from './view';

const WIDTH = 760;
const LABEL_WIDTH = 230;
const RIGHT_PAD = 24;
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#9c755f'];

/** Escape text for HTML and SVG. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Round coordinates so output is short and identical across platforms. */
function px(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/** About `count` round tick values covering [lower, upper] (1, 2, 5 × 10^k steps). */
export function niceTicks(lower: number, upper: number, count = 5): number[] {
  const span = upper - lower;
  if (!(span > 0)) return [lower];
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let tick = Math.ceil(lower / step) * step; tick <= upper + step * 1e-9; tick += step) {
    ticks.push(Math.round(tick / step) * step + 0);
  }
  return ticks;
}

function axis(
  lower: number,
  upper: number,
  x: (value: number) => number,
  top: number,
  bottom: number,
): string {
  return niceTicks(lower, upper)
    .map(
      (tick) =>
        `<line x1="${px(x(tick))}" y1="${top}" x2="${px(x(tick))}" y2="${bottom}" stroke="${tick === 0 ? '#555' : '#e3e3e3'}"${tick === 0 ? ' stroke-width="1.5"' : ''}/>` +
        `<text x="${px(x(tick))}" y="${bottom + 16}" text-anchor="middle" class="tick">${escapeXml(formatMoney(tick))}</text>`,
    )
    .join('');
}

/**
 * Inline SVG: per initiative, the pilot's return interval [R_worst, R_best] with R_med, the scale estimate
 * with its interval (funded initiatives), and the true return when the data were simulated.
 *
 * @example
 * ```ts
 * const svg = returnsChartSvg(reportView(run).returnsChart);
 * ```
 */
export function returnsChartSvg(rows: readonly ReturnsChartRow[]): string {
  const rowHeight = 38;
  const top = 40;
  const height = top + rows.length * rowHeight + 34;
  const values = rows.flatMap((row) => [
    row.pilot.lower,
    row.pilot.upper,
    ...(row.scale ? [row.scale.lower, row.scale.upper] : []),
    ...(row.truth === undefined ? [] : [row.truth]),
  ]);
  let lower = Math.min(0, ...values);
  let upper = Math.max(0, ...values);
  const pad = (upper - lower) * 0.05 || 1;
  lower -= pad;
  upper += pad;
  const x = (value: number) =>
    LABEL_WIDTH + ((value - lower) / (upper - lower)) * (WIDTH - LABEL_WIDTH - RIGHT_PAD);
  const bottom = top + rows.length * rowHeight;
  const body = rows
    .map((row, index) => {
      const y = top + index * rowHeight + rowHeight / 2;
      const parts = [
        `<text x="${LABEL_WIDTH - 8}" y="${px(y + 4)}" text-anchor="end" class="label${row.funded ? '' : ' dropped'}">${escapeXml(row.initiative_id)}</text>`,
        `<line x1="${px(x(row.pilot.lower))}" y1="${px(y - 6)}" x2="${px(x(row.pilot.upper))}" y2="${px(y - 6)}" stroke="#4e79a7" stroke-width="4" stroke-linecap="round"><title>pilot CI ${escapeXml(formatMoney(row.pilot.lower))} to ${escapeXml(formatMoney(row.pilot.upper))}</title></line>`,
        `<circle cx="${px(x(row.pilot.median))}" cy="${px(y - 6)}" r="5" fill="#fff" stroke="#4e79a7" stroke-width="2"><title>predicted ${escapeXml(formatMoney(row.pilot.median))}</title></circle>`,
      ];
      if (row.scale) {
        parts.push(
          `<line x1="${px(x(row.scale.lower))}" y1="${px(y + 6)}" x2="${px(x(row.scale.upper))}" y2="${px(y + 6)}" stroke="#f28e2b" stroke-width="4" stroke-linecap="round"><title>scale CI ${escapeXml(formatMoney(row.scale.lower))} to ${escapeXml(formatMoney(row.scale.upper))}</title></line>`,
          `<rect x="${px(x(row.scale.estimate) - 4.5)}" y="${px(y + 1.5)}" width="9" height="9" fill="#f28e2b"><title>actual ${escapeXml(formatMoney(row.scale.estimate))}</title></rect>`,
        );
      }
      if (row.truth !== undefined) {
        const tx = x(row.truth);
        parts.push(
          `<path d="M${px(tx)} ${px(y - 13)} L${px(tx + 5)} ${px(y)} L${px(tx)} ${px(y + 13)} L${px(tx - 5)} ${px(y)} Z" fill="#222"><title>true ${escapeXml(formatMoney(row.truth))}</title></path>`,
        );
      }
      return parts.join('');
    })
    .join('');
  const legend =
    `<g class="legend-item" data-color="#4e79a7"><line x1="${LABEL_WIDTH}" y1="16" x2="${LABEL_WIDTH + 24}" y2="16" stroke="#4e79a7" stroke-width="4"/><text x="${LABEL_WIDTH + 30}" y="20" class="tick">pilot CI and prediction</text></g>` +
    `<g class="legend-item" data-color="#f28e2b"><line x1="${LABEL_WIDTH + 190}" y1="16" x2="${LABEL_WIDTH + 214}" y2="16" stroke="#f28e2b" stroke-width="4"/><text x="${LABEL_WIDTH + 220}" y="20" class="tick">scale estimate and CI</text></g>` +
    `<g class="legend-item" data-color="#222222"><path d="M${LABEL_WIDTH + 380} 9 L${LABEL_WIDTH + 385} 16 L${LABEL_WIDTH + 380} 23 L${LABEL_WIDTH + 375} 16 Z" fill="#222"/><text x="${LABEL_WIDTH + 392}" y="20" class="tick">true return</text></g>`;
  return (
    `<svg role="img" aria-label="Pilot confidence interval versus scale estimate per initiative" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" class="chart" id="returns-chart">` +
    legend +
    axis(lower, upper, x, top - 6, bottom) +
    body +
    '</svg>'
  );
}

/**
 * Inline SVG: the budget as one bar split into what each funded initiative received, then every
 * initiative's cost to scale, funded or dropped (with the reason).
 *
 * @example
 * ```ts
 * const svg = budgetChartSvg(reportView(run).budgetChart, run.report.budget);
 * ```
 */
export function budgetChartSvg(rows: readonly BudgetChartRow[], budget: number): string {
  const rowHeight = 26;
  const top = 52;
  const height = top + rows.length * rowHeight + 34;
  const upper = Math.max(budget, ...rows.map((row) => row.cost), 1);
  // Room on the right for the status text after the longest bar.
  const x = (value: number) => LABEL_WIDTH + (value / upper) * (WIDTH - LABEL_WIDTH - 170);
  const bottom = top + rows.length * rowHeight;
  let offset = 0;
  const stacked = rows
    .filter((row) => row.allocated > 0)
    .map((row, index) => {
      const segment = `<rect x="${px(x(offset))}" y="12" width="${px(x(offset + row.allocated) - x(offset))}" height="20" fill="${PALETTE[index % PALETTE.length]}" stroke="#fff"><title>${escapeXml(row.initiative_id)}: ${escapeXml(formatMoney(row.allocated))}</title></rect>`;
      offset += row.allocated;
      return segment;
    })
    .join('');
  const budgetFrame =
    `<text x="${LABEL_WIDTH - 8}" y="27" text-anchor="end" class="label">budget ${escapeXml(formatMoney(budget))}</text>` +
    `<rect x="${LABEL_WIDTH}" y="12" width="${px(x(budget) - LABEL_WIDTH)}" height="20" fill="#f4f4f4" stroke="#999"/>` +
    stacked +
    `<line x1="${px(x(budget))}" y1="6" x2="${px(x(budget))}" y2="${bottom}" stroke="#e15759" stroke-dasharray="4 3"/>`;
  let funded = 0;
  const bars = rows
    .map((row, index) => {
      const y = top + index * rowHeight;
      const color = row.allocated > 0 ? (PALETTE[funded++ % PALETTE.length] as string) : '#d0d0d0';
      const status =
        row.allocated > 0
          ? `funded ${formatMoney(row.allocated)}`
          : `dropped (${row.reason ?? 'not funded'})`;
      return (
        `<text x="${LABEL_WIDTH - 8}" y="${y + 16}" text-anchor="end" class="label${row.allocated > 0 ? '' : ' dropped'}">${escapeXml(row.initiative_id)}</text>` +
        `<rect x="${LABEL_WIDTH}" y="${y + 4}" width="${px(x(row.cost) - LABEL_WIDTH)}" height="16" fill="${color}"><title>${escapeXml(row.initiative_id)}: cost ${escapeXml(formatMoney(row.cost))}, ${escapeXml(status)}</title></rect>` +
        `<text x="${px(x(row.cost) + 6)}" y="${y + 16}" class="tick">${escapeXml(status)}</text>`
      );
    })
    .join('');
  return (
    `<svg role="img" aria-label="Budget allocation" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" class="chart" id="budget-chart">` +
    axis(0, upper, x, top, bottom) +
    budgetFrame +
    bars +
    '</svg>'
  );
}
