/**
 * Small, dependency-free SVG building blocks for the diagnostic plots: an x/y chart with lines, shaded
 * bands, point estimates with intervals and reference lines, plus a legend. Output is deterministic
 * (coordinates rounded to 0.1 px, no random ids) and every piece of text is escaped.
 */

/** Escape text for SVG and HTML (element content and attribute values). */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Round a coordinate to 0.1 px so output is short and identical across platforms. */
export function px(value: number): string {
  return (Math.round(value * 10) / 10 + 0).toString();
}

/** About `count` round tick values covering [lower, upper] (1, 2, 5 × 10^k steps). */
export function niceTicks(lower: number, upper: number, count = 5): number[] {
  const span = upper - lower;
  if (!(span > 0) || !Number.isFinite(span)) return [lower];
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let tick = Math.ceil(lower / step) * step; tick <= upper + step * 1e-9; tick += step) {
    ticks.push(Number((Math.round(tick / step) * step).toPrecision(12)) + 0);
  }
  return ticks;
}

/** A tick label with at most 4 significant digits and thousands separators (`12,300`, `0.125`, `−3`). */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(4));
  const text =
    Math.abs(rounded) >= 1000
      ? Math.round(rounded).toLocaleString('en-US')
      : rounded.toString().replace(/e([+-])/, 'e$1');
  return text.replace('-', '−');
}

/** Colours that stay distinguishable for the common colour-vision deficiencies (Okabe & Ito 2008). */
export const COLORS = {
  blue: '#0072b2',
  orange: '#e69f00',
  vermilion: '#d55e00',
  green: '#009e73',
  purple: '#cc79a7',
  grey: '#7f7f7f',
  sky: '#56b4e9',
  black: '#222222',
} as const;

/** One layer of an {@link xyChartSvg}. */
export type ChartLayer =
  | {
      kind: 'line';
      name: string;
      color: string;
      dash?: string;
      markers?: boolean;
      points: [number, number][];
    }
  | {
      kind: 'band';
      name: string;
      color: string;
      /** [x, lower, upper] per point, in x order. */
      points: [number, number, number][];
    }
  | {
      kind: 'intervals';
      name: string;
      color: string;
      /** Point estimates with their interval; `hollow` draws an open marker (e.g. binned end points). */
      points: { x: number; y: number; lower: number; upper: number; hollow?: boolean; title?: string }[];
    }
  | { kind: 'vline'; name?: string; color: string; x: number; dash?: string }
  | { kind: 'hline'; name?: string; color: string; y: number; dash?: string };

/** What {@link xyChartSvg} draws. */
export interface XYChartSpec {
  /** The `id` of the `<svg>` element (letters, digits and `-`). */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  layers: ChartLayer[];
  /** Tick labels for the x axis (e.g. period names at integer positions); numeric ticks otherwise. */
  xTicks?: { value: number; label: string }[];
  width?: number;
  height?: number;
}

const MARGIN = { left: 64, right: 16, top: 46, bottom: 44 };

function extent(values: number[]): [number, number] {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return [0, 1];
  let lower = Math.min(...finite);
  let upper = Math.max(...finite);
  if (lower === upper) {
    const pad = Math.abs(lower) * 0.1 || 1;
    lower -= pad;
    upper += pad;
  }
  return [lower, upper];
}

function layerXs(layer: ChartLayer): number[] {
  switch (layer.kind) {
    case 'line':
    case 'band':
      return layer.points.map((point) => point[0]);
    case 'intervals':
      return layer.points.map((point) => point.x);
    case 'vline':
      return [layer.x];
    case 'hline':
      return [];
  }
}

function layerYs(layer: ChartLayer): number[] {
  switch (layer.kind) {
    case 'line':
      return layer.points.map((point) => point[1]);
    case 'band':
      return layer.points.flatMap((point) => [point[1], point[2]]);
    case 'intervals':
      return layer.points.flatMap((point) => [point.lower, point.upper, point.y]);
    case 'vline':
      return [];
    case 'hline':
      return [layer.y];
  }
}

/** The legend entries (named layers), drawn left to right above the plot area, wrapping when needed. */
function legendSvg(layers: readonly ChartLayer[], width: number): string {
  let x = MARGIN.left;
  let y = 30;
  const parts: string[] = [];
  for (const layer of layers) {
    if (layer.name === undefined) continue;
    const labelWidth = 34 + layer.name.length * 6.4;
    if (x + labelWidth > width - MARGIN.right && x > MARGIN.left) {
      x = MARGIN.left;
      y += 14;
    }
    const swatch =
      layer.kind === 'band'
        ? `<rect x="${px(x)}" y="${px(y - 6)}" width="20" height="9" fill="${layer.color}" fill-opacity="0.25" stroke="${layer.color}" stroke-opacity="0.5"/>`
        : layer.kind === 'intervals'
          ? `<line x1="${px(x + 10)}" y1="${px(y - 7)}" x2="${px(x + 10)}" y2="${px(y + 4)}" stroke="${layer.color}" stroke-width="1.5"/><circle cx="${px(x + 10)}" cy="${px(y - 1.5)}" r="3.5" fill="${layer.color}"/>`
          : `<line x1="${px(x)}" y1="${px(y - 1.5)}" x2="${px(x + 20)}" y2="${px(y - 1.5)}" stroke="${layer.color}" stroke-width="2"${layer.dash ? ` stroke-dasharray="${layer.dash}"` : ''}/>`;
    parts.push(
      `<g class="legend-item" data-color="${layer.color}">${swatch}<text x="${px(x + 26)}" y="${px(y + 2)}" class="legend">${escapeXml(layer.name)}</text></g>`,
    );
    x += labelWidth + 14;
  }
  return parts.join('');
}

function pathOf(points: readonly [number, number][]): string {
  return points.map(([x, y], index) => `${index === 0 ? 'M' : 'L'}${px(x)} ${px(y)}`).join(' ');
}

/**
 * An x/y chart as a standalone SVG string (with `xmlns`, so it is valid both inline in HTML and as a
 * `.svg` file): axes with round ticks, the layers in order, a legend of the named layers and a title.
 *
 * @example
 * ```ts
 * const svg = xyChartSvg({ id: 'gap', title: 'Gap', xLabel: 'period', yLabel: 'gap', layers: [
 *   { kind: 'line', name: 'gap', color: COLORS.blue, points: [[0, 1], [1, 2]] }] });
 * ```
 */
export function xyChartSvg(spec: XYChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 320;
  const [xLower, xUpper] = extent(spec.layers.flatMap(layerXs));
  const [yMin, yMax] = extent(spec.layers.flatMap(layerYs));
  const yPad = (yMax - yMin) * 0.06;
  const yLower = yMin - yPad;
  const yUpper = yMax + yPad;
  const xPad = (xUpper - xLower) * 0.02;
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  const sx = (x: number) =>
    left + ((x - (xLower - xPad)) / (xUpper + xPad - (xLower - xPad))) * (right - left);
  const sy = (y: number) => bottom - ((y - yLower) / (yUpper - yLower)) * (bottom - top);
  const parts: string[] = [];
  for (const tick of niceTicks(yLower, yUpper, 5)) {
    parts.push(
      `<line x1="${left}" y1="${px(sy(tick))}" x2="${right}" y2="${px(sy(tick))}" stroke="#e6e6e6"/>`,
      `<text x="${left - 6}" y="${px(sy(tick) + 4)}" text-anchor="end" class="tick">${escapeXml(formatTick(tick))}</text>`,
    );
  }
  const xTicks =
    spec.xTicks ?? niceTicks(xLower, xUpper, 6).map((value) => ({ value, label: formatTick(value) }));
  for (const tick of xTicks) {
    parts.push(
      `<line x1="${px(sx(tick.value))}" y1="${bottom}" x2="${px(sx(tick.value))}" y2="${bottom + 4}" stroke="#666"/>`,
      `<text x="${px(sx(tick.value))}" y="${bottom + 16}" text-anchor="middle" class="tick">${escapeXml(tick.label)}</text>`,
    );
  }
  for (const layer of spec.layers) parts.push(layerSvg(layer, sx, sy, { top, bottom, left, right }));
  parts.push(
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#666"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#666"/>`,
    `<text x="${px((left + right) / 2)}" y="${height - 8}" text-anchor="middle" class="axis-label">${escapeXml(spec.xLabel)}</text>`,
    `<text x="14" y="${px((top + bottom) / 2)}" text-anchor="middle" transform="rotate(-90 14 ${px((top + bottom) / 2)})" class="axis-label">${escapeXml(spec.yLabel)}</text>`,
  );
  return svgDocument(spec.id, spec.title, width, height, parts.join('') + legendSvg(spec.layers, width));
}

function layerSvg(
  layer: ChartLayer,
  sx: (x: number) => number,
  sy: (y: number) => number,
  box: { top: number; bottom: number; left: number; right: number },
): string {
  switch (layer.kind) {
    case 'line': {
      const points = layer.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
      const path = `<path d="${pathOf(points.map(([x, y]) => [sx(x), sy(y)]))}" fill="none" stroke="${layer.color}" stroke-width="2"${layer.dash ? ` stroke-dasharray="${layer.dash}"` : ''}/>`;
      const markers = layer.markers
        ? points.map(
            ([x, y]) => `<circle cx="${px(sx(x))}" cy="${px(sy(y))}" r="2.5" fill="${layer.color}"/>`,
          )
        : [];
      return path + markers.join('');
    }
    case 'band': {
      const upper = layer.points.map(([x, , hi]) => [sx(x), sy(hi)] as [number, number]);
      const lower = layer.points.map(([x, lo]) => [sx(x), sy(lo)] as [number, number]).reverse();
      if (upper.length === 0) return '';
      return `<path d="${pathOf([...upper, ...lower])} Z" fill="${layer.color}" fill-opacity="0.22" stroke="none"/>`;
    }
    case 'intervals':
      return layer.points
        .map((point) => {
          const x = px(sx(point.x));
          const title = point.title === undefined ? '' : `<title>${escapeXml(point.title)}</title>`;
          return (
            `<g>${title}<line x1="${x}" y1="${px(sy(point.lower))}" x2="${x}" y2="${px(sy(point.upper))}" stroke="${layer.color}" stroke-width="1.5"/>` +
            `<circle cx="${x}" cy="${px(sy(point.y))}" r="3.5" fill="${point.hollow ? '#fff' : layer.color}" stroke="${layer.color}" stroke-width="1.5"/></g>`
          );
        })
        .join('');
    case 'vline':
      return `<line x1="${px(sx(layer.x))}" y1="${box.top}" x2="${px(sx(layer.x))}" y2="${box.bottom}" stroke="${layer.color}" stroke-width="1.5"${layer.dash ? ` stroke-dasharray="${layer.dash}"` : ''}/>`;
    case 'hline':
      return `<line x1="${box.left}" y1="${px(sy(layer.y))}" x2="${box.right}" y2="${px(sy(layer.y))}" stroke="${layer.color}" stroke-width="1"${layer.dash ? ` stroke-dasharray="${layer.dash}"` : ''}/>`;
  }
}

const SVG_STYLE =
  // Scoped to .plot so the rules do not leak into an HTML page that inlines the SVG.
  '.plot text{font:12px system-ui,-apple-system,"Segoe UI",sans-serif;fill:#333}.plot .tick{font-size:11px;fill:#555}.plot .title{font-size:14px;font-weight:600}.plot .axis-label{font-size:12px;fill:#444}.plot .legend{font-size:12px}';

/** Wrap chart content in a standalone `<svg>` with a title and an accessible label. */
export function svgDocument(
  id: string,
  title: string,
  width: number,
  height: number,
  content: string,
): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeXml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" class="plot" id="${escapeXml(id)}">` +
    `<style>${SVG_STYLE}</style><rect width="${width}" height="${height}" fill="#fff"/>` +
    `<text x="${MARGIN.left}" y="16" class="title">${escapeXml(title)}</text>${content}</svg>`
  );
}

/** Up to `count` evenly spaced labelled ticks for categorical positions 0 … labels.length − 1. */
export function categoricalTicks(labels: readonly string[], count = 7): { value: number; label: string }[] {
  if (labels.length === 0) return [];
  const step = Math.max(1, Math.ceil(labels.length / count));
  const ticks: { value: number; label: string }[] = [];
  for (let index = 0; index < labels.length; index += step)
    ticks.push({ value: index, label: labels[index] as string });
  return ticks;
}
