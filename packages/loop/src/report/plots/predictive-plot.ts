import { COLORS, escapeXml, niceTicks } from '@impact/measure';
import { formatMoney, formatPercent } from '../format';

/** The part of a review's predictive distribution the plot reads (`ReviewResult.prediction`). */
export interface PredictionLike {
  family: string;
  mean: number;
  sd: number;
  quantiles: readonly { p: number; value: number }[];
  probability_of_loss: number;
}

/** One initiative on the predictive-distribution plot. */
export interface PredictiveRow {
  initiative_id: string;
  funded: boolean;
  cost: number;
  R_worst: number;
  R_med: number;
  R_best: number;
  prediction?: PredictionLike;
}

const WIDTH = 760;
const LABEL_WIDTH = 190;
const RIGHT_WIDTH = 110;
const ROW_HEIGHT = 46;

function px(value: number): string {
  return (Math.round(value * 10) / 10 + 0).toString();
}

/** Normal density at z (unnormalised height is enough for a ridgeline: each row is scaled to its peak). */
function normalShape(z: number): number {
  return Math.exp(-0.5 * z * z);
}

/**
 * Inline SVG: the predictive distribution of each reviewed initiative's return at scale, as a ridgeline
 * (the normal density of `prediction`, the part below the cost — a loss — shaded), with the cost marked and
 * `P(loss)` on the right. Reviews without a predictive distribution show their scenarios instead: the bar
 * [R_worst, R_best] with R_med. Funded initiatives are coloured, the others grey.
 *
 * @example
 * ```ts
 * const svg = predictiveDistributionsSvg([{ initiative_id: 'a', funded: true, cost: 10, R_worst: 5, R_med: 12, R_best: 20 }]);
 * ```
 */
export function predictiveDistributionsSvg(rows: readonly PredictiveRow[]): string {
  const top = 40;
  const height = top + rows.length * ROW_HEIGHT + 36;
  const values = rows.flatMap((row) => {
    const spread = row.prediction
      ? [row.prediction.mean - 3 * row.prediction.sd, row.prediction.mean + 3 * row.prediction.sd]
      : [];
    return [row.cost, row.R_worst, row.R_best, ...spread];
  });
  let lower = Math.min(0, ...values);
  let upper = Math.max(1, ...values);
  const pad = (upper - lower) * 0.03;
  lower -= pad;
  upper += pad;
  const left = LABEL_WIDTH;
  const right = WIDTH - RIGHT_WIDTH;
  const x = (value: number) => left + ((value - lower) / (upper - lower)) * (right - left);
  const bottom = top + rows.length * ROW_HEIGHT;
  const parts: string[] = [];
  for (const tick of niceTicks(lower, upper, 6)) {
    parts.push(
      `<line x1="${px(x(tick))}" y1="${top - 4}" x2="${px(x(tick))}" y2="${bottom}" stroke="${tick === 0 ? '#888' : '#e6e6e6'}"/>`,
      `<text x="${px(x(tick))}" y="${bottom + 16}" text-anchor="middle" class="tick">${escapeXml(formatMoney(tick))}</text>`,
    );
  }
  rows.forEach((row, index) => {
    const base = top + (index + 1) * ROW_HEIGHT - 8;
    const color = row.funded ? COLORS.blue : COLORS.grey;
    parts.push(
      `<text x="${left - 8}" y="${px(base - 8)}" text-anchor="end" class="label${row.funded ? '' : ' dropped'}">${escapeXml(row.initiative_id)}</text>`,
    );
    const prediction = row.prediction;
    if (prediction && prediction.sd > 0) {
      const steps = 80;
      const from = prediction.mean - 3.5 * prediction.sd;
      const to = prediction.mean + 3.5 * prediction.sd;
      const curve: [number, number][] = [];
      for (let s = 0; s <= steps; s++) {
        const value = from + ((to - from) * s) / steps;
        curve.push([value, normalShape((value - prediction.mean) / prediction.sd)]);
      }
      const yOf = (shape: number) => base - shape * (ROW_HEIGHT - 12);
      const outline = curve.map(([v, h], i) => `${i === 0 ? 'M' : 'L'}${px(x(v))} ${px(yOf(h))}`).join(' ');
      parts.push(
        `<path d="${outline} L${px(x(to))} ${px(base)} L${px(x(from))} ${px(base)} Z" fill="${color}" fill-opacity="0.3" stroke="${color}" stroke-width="1.5"><title>${escapeXml(row.initiative_id)}: predictive mean ${escapeXml(formatMoney(prediction.mean))}, sd ${escapeXml(formatMoney(prediction.sd))}</title></path>`,
      );
      const loss = curve.filter(([v]) => v <= row.cost);
      if (loss.length > 1) {
        const lossPath = loss.map(([v, h], i) => `${i === 0 ? 'M' : 'L'}${px(x(v))} ${px(yOf(h))}`).join(' ');
        const edge = loss[loss.length - 1] as [number, number];
        parts.push(
          `<path d="${lossPath} L${px(x(edge[0]))} ${px(base)} L${px(x(from))} ${px(base)} Z" fill="${COLORS.vermilion}" fill-opacity="0.45" stroke="none"/>`,
        );
      }
      parts.push(
        `<line x1="${px(x(prediction.mean))}" y1="${px(base - (ROW_HEIGHT - 12))}" x2="${px(x(prediction.mean))}" y2="${px(base)}" stroke="${color}" stroke-width="1.5"/>`,
        `<text x="${right + 8}" y="${px(base - 8)}" class="tick">P(loss) ${escapeXml(formatPercent(prediction.probability_of_loss).replace('+', ''))}</text>`,
      );
    } else {
      parts.push(
        `<line x1="${px(x(row.R_worst))}" y1="${px(base - 10)}" x2="${px(x(row.R_best))}" y2="${px(base - 10)}" stroke="${color}" stroke-width="6" stroke-opacity="0.6" stroke-linecap="round"><title>${escapeXml(row.initiative_id)}: R_worst ${escapeXml(formatMoney(row.R_worst))}, R_best ${escapeXml(formatMoney(row.R_best))}</title></line>`,
        `<circle cx="${px(x(row.R_med))}" cy="${px(base - 10)}" r="5" fill="#fff" stroke="${color}" stroke-width="2"><title>R_med ${escapeXml(formatMoney(row.R_med))}</title></circle>`,
        `<text x="${right + 8}" y="${px(base - 8)}" class="tick">scenarios only</text>`,
      );
    }
    parts.push(
      `<line x1="${px(x(row.cost))}" y1="${px(base - ROW_HEIGHT + 14)}" x2="${px(x(row.cost))}" y2="${px(base + 3)}" stroke="${COLORS.black}" stroke-width="2"><title>cost ${escapeXml(formatMoney(row.cost))}</title></line>`,
      `<line x1="${left}" y1="${px(base)}" x2="${right}" y2="${px(base)}" stroke="#ccc"/>`,
    );
  });
  const legend =
    `<g class="legend-item" data-color="${COLORS.blue}"><rect x="${left}" y="10" width="20" height="10" fill="${COLORS.blue}" fill-opacity="0.3" stroke="${COLORS.blue}"/><text x="${left + 26}" y="19" class="tick">funded</text></g>` +
    `<g class="legend-item" data-color="${COLORS.grey}"><rect x="${left + 90}" y="10" width="20" height="10" fill="${COLORS.grey}" fill-opacity="0.3" stroke="${COLORS.grey}"/><text x="${left + 116}" y="19" class="tick">not funded</text></g>` +
    `<g class="legend-item" data-color="${COLORS.vermilion}"><rect x="${left + 200}" y="10" width="20" height="10" fill="${COLORS.vermilion}" fill-opacity="0.45"/><text x="${left + 226}" y="19" class="tick">return below cost (loss)</text></g>` +
    `<g class="legend-item" data-color="${COLORS.black}"><line x1="${left + 390}" y1="8" x2="${left + 390}" y2="22" stroke="${COLORS.black}" stroke-width="2"/><text x="${left + 398}" y="19" class="tick">cost to scale</text></g>`;
  return (
    `<svg role="img" aria-label="Predictive distribution of each initiative's return at scale" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" class="chart" id="predictive-chart">` +
    legend +
    parts.join('') +
    '</svg>'
  );
}
