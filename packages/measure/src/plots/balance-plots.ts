import { COLORS, escapeXml, formatTick, niceTicks, px, svgDocument } from './svg';

/** One covariate's standardized mean difference before and after adjustment (`details.balance`). */
export interface BalanceRow {
  covariate: string;
  smd_before: number | null;
  smd_after: number | null;
}

const LOVE_LABEL_WIDTH = 170;

/**
 * Love plot: per covariate, the absolute standardized mean difference between treated and control before
 * (open circle) and after (filled circle) matching / weighting / subclassification, with the customary 0.1
 * balance threshold dashed. Infinite or missing SMDs (constant covariates) are listed as "n/a".
 *
 * @example
 * ```ts
 * const svg = lovePlotSvg(details.balance);
 * ```
 */
export function lovePlotSvg(rows: readonly BalanceRow[], width = 640): string {
  const rowHeight = 20;
  const top = 54;
  const height = top + Math.max(1, rows.length) * rowHeight + 40;
  const values = rows
    .flatMap((row) => [row.smd_before, row.smd_after])
    .filter((value): value is number => value !== null && Number.isFinite(value));
  const upper = Math.max(0.25, ...values.map(Math.abs)) * 1.05;
  const left = LOVE_LABEL_WIDTH;
  const right = width - 16;
  const sx = (value: number) => left + (value / upper) * (right - left);
  const bottom = top + rows.length * rowHeight;
  const parts: string[] = [];
  for (const tick of niceTicks(0, upper, 5)) {
    parts.push(
      `<line x1="${px(sx(tick))}" y1="${top}" x2="${px(sx(tick))}" y2="${bottom}" stroke="#e6e6e6"/>`,
      `<text x="${px(sx(tick))}" y="${bottom + 16}" text-anchor="middle" class="tick">${escapeXml(formatTick(tick))}</text>`,
    );
  }
  parts.push(
    `<line x1="${px(sx(0.1))}" y1="${top}" x2="${px(sx(0.1))}" y2="${bottom}" stroke="${COLORS.grey}" stroke-dasharray="5 4"/>`,
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#666"/>`,
    `<text x="${px((left + right) / 2)}" y="${height - 8}" text-anchor="middle" class="axis-label">|standardized mean difference| (treated − control, pooled SD)</text>`,
  );
  rows.forEach((row, index) => {
    const y = top + index * rowHeight + rowHeight / 2;
    const name = row.covariate.length > 26 ? `${row.covariate.slice(0, 25)}…` : row.covariate;
    parts.push(
      `<text x="${left - 8}" y="${px(y + 4)}" text-anchor="end"><title>${escapeXml(row.covariate)}</title>${escapeXml(name)}</text>`,
    );
    const before = row.smd_before === null ? null : Math.abs(row.smd_before);
    const after = row.smd_after === null ? null : Math.abs(row.smd_after);
    if (before !== null && after !== null && Number.isFinite(before) && Number.isFinite(after))
      parts.push(
        `<line x1="${px(sx(before))}" y1="${px(y)}" x2="${px(sx(after))}" y2="${px(y)}" stroke="#bbb"/>`,
      );
    const marker = (value: number | null, filled: boolean, label: string) =>
      value === null || !Number.isFinite(value)
        ? `<text x="${px(right - 4)}" y="${px(y + 4)}" text-anchor="end" class="tick">${label} n/a</text>`
        : `<circle cx="${px(sx(value))}" cy="${px(y)}" r="4.5" fill="${filled ? COLORS.blue : '#fff'}" stroke="${filled ? COLORS.blue : COLORS.vermilion}" stroke-width="2"><title>${escapeXml(row.covariate)} ${label}: ${escapeXml(formatTick(value))}</title></circle>`;
    parts.push(marker(before, false, 'before'), marker(after, true, 'after'));
  });
  const legend =
    `<g class="legend-item" data-color="${COLORS.vermilion}"><circle cx="${left + 6}" cy="32" r="4.5" fill="#fff" stroke="${COLORS.vermilion}" stroke-width="2"/><text x="${left + 16}" y="36" class="legend">before adjustment</text></g>` +
    `<g class="legend-item" data-color="${COLORS.blue}"><circle cx="${left + 146}" cy="32" r="4.5" fill="${COLORS.blue}"/><text x="${left + 156}" y="36" class="legend">after adjustment</text></g>` +
    `<g class="legend-item" data-color="${COLORS.grey}"><line x1="${left + 280}" y1="32" x2="${left + 300}" y2="32" stroke="${COLORS.grey}" stroke-dasharray="5 4"/><text x="${left + 306}" y="36" class="legend">0.1 threshold</text></g>`;
  return svgDocument('plot-love', 'Covariate balance (love plot)', width, height, parts.join('') + legend);
}

/**
 * Overlaid histograms of a per-row value (propensity score or weight) for treated and control rows, as
 * densities (each group's bars sum to 1) on a shared binning.
 *
 * @param spec `values` per row, `treatment` 0/1 per row aligned with them, and the labels.
 * @example
 * ```ts
 * const svg = groupHistogramSvg({ id: 'plot-propensity', title: 'Propensity scores', xLabel: 'e(X)', values: scores, treatment });
 * ```
 */
export function groupHistogramSvg(spec: {
  id: string;
  title: string;
  xLabel: string;
  values: readonly number[];
  treatment: readonly number[];
  bins?: number;
  width?: number;
}): string {
  const width = spec.width ?? 640;
  const height = 280;
  const bins = spec.bins ?? 30;
  const finite = spec.values.filter((value) => Number.isFinite(value));
  let lower = finite.length === 0 ? 0 : Math.min(...finite);
  let upper = finite.length === 0 ? 1 : Math.max(...finite);
  if (upper === lower) {
    lower -= 0.5;
    upper += 0.5;
  }
  const counts = [new Float64Array(bins), new Float64Array(bins)];
  const totals = [0, 0];
  spec.values.forEach((value, index) => {
    if (!Number.isFinite(value)) return;
    const group = spec.treatment[index] === 1 ? 1 : 0;
    const bin = Math.min(bins - 1, Math.floor(((value - lower) / (upper - lower)) * bins));
    (counts[group] as Float64Array)[bin] = ((counts[group] as Float64Array)[bin] as number) + 1;
    totals[group] = (totals[group] as number) + 1;
  });
  const shares = counts.map((row, group) => row.map((count) => count / Math.max(1, totals[group] as number)));
  const maxShare = Math.max(0.01, ...shares.flatMap((row) => Array.from(row)));
  const left = 64;
  const right = width - 16;
  const top = 46;
  const bottom = height - 44;
  const sx = (value: number) => left + ((value - lower) / (upper - lower)) * (right - left);
  const sy = (share: number) => bottom - (share / (maxShare * 1.05)) * (bottom - top);
  const binWidth = (upper - lower) / bins;
  const parts: string[] = [];
  for (const tick of niceTicks(0, maxShare * 1.05, 4))
    parts.push(
      `<line x1="${left}" y1="${px(sy(tick))}" x2="${right}" y2="${px(sy(tick))}" stroke="#e6e6e6"/>`,
      `<text x="${left - 6}" y="${px(sy(tick) + 4)}" text-anchor="end" class="tick">${escapeXml(formatTick(tick))}</text>`,
    );
  for (const tick of niceTicks(lower, upper, 6))
    parts.push(
      `<text x="${px(sx(tick))}" y="${bottom + 16}" text-anchor="middle" class="tick">${escapeXml(formatTick(tick))}</text>`,
    );
  const groups = [
    { name: `control (n = ${totals[0]})`, color: COLORS.orange, share: shares[0] as Float64Array },
    { name: `treated (n = ${totals[1]})`, color: COLORS.blue, share: shares[1] as Float64Array },
  ];
  for (const group of groups)
    group.share.forEach((share, bin) => {
      if (share === 0) return;
      const x0 = sx(lower + bin * binWidth);
      const x1 = sx(lower + (bin + 1) * binWidth);
      parts.push(
        `<rect x="${px(x0)}" y="${px(sy(share))}" width="${px(Math.max(0.5, x1 - x0 - 0.5))}" height="${px(bottom - sy(share))}" fill="${group.color}" fill-opacity="0.45" stroke="${group.color}" stroke-width="0.5"/>`,
      );
    });
  parts.push(
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#666"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#666"/>`,
    `<text x="${px((left + right) / 2)}" y="${height - 8}" text-anchor="middle" class="axis-label">${escapeXml(spec.xLabel)}</text>`,
    `<text x="14" y="${px((top + bottom) / 2)}" text-anchor="middle" transform="rotate(-90 14 ${px((top + bottom) / 2)})" class="axis-label">share of the group</text>`,
  );
  groups.forEach((group, index) => {
    const x = left + index * 170;
    parts.push(
      `<g class="legend-item" data-color="${group.color}"><rect x="${x}" y="25" width="20" height="10" fill="${group.color}" fill-opacity="0.45" stroke="${group.color}"/><text x="${x + 26}" y="34" class="legend">${escapeXml(group.name)}</text></g>`,
    );
  });
  return svgDocument(spec.id, spec.title, width, height, parts.join(''));
}
