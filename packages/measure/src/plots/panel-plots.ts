import { type ChartLayer, COLORS, categoricalTicks, formatTick, xyChartSvg } from './svg';

/** One event-study coefficient as the DiD model reports it in `details.event_study`. */
export interface EventStudyPoint {
  label: string;
  relative_period: number;
  binned: boolean;
  estimate: number;
  ci_lower: number;
  ci_upper: number;
}

/**
 * Event-study plot (difference-in-differences): one coefficient per period relative to the first treated
 * period with its confidence interval, the omitted reference period k = −1 drawn at 0, a zero line and a
 * dashed line between the last pre-period and the first treated period. Binned end points are hollow.
 *
 * @example
 * ```ts
 * const svg = eventStudyPlotSvg(details.event_study, 0.95);
 * ```
 */
export function eventStudyPlotSvg(terms: readonly EventStudyPoint[], ciLevel: number): string {
  const points = [
    ...terms.map((term) => ({
      x: term.relative_period,
      y: term.estimate,
      lower: term.ci_lower,
      upper: term.ci_upper,
      hollow: term.binned,
      title: `${term.binned ? (term.relative_period < 0 ? 'k ≤ ' : 'k ≥ ') : 'k = '}${term.relative_period}: ${formatTick(term.estimate)} [${formatTick(term.ci_lower)}, ${formatTick(term.ci_upper)}]`,
    })),
    { x: -1, y: 0, lower: 0, upper: 0, hollow: true, title: 'k = −1: reference period (0 by construction)' },
  ].sort((a, b) => a.x - b.x);
  const xs = points.map((point) => point.x);
  const xTicks = xs.map((x) => {
    const term = terms.find((t) => t.relative_period === x);
    const prefix = term?.binned ? (x < 0 ? '≤' : '≥') : '';
    return { value: x, label: `${prefix}${formatTick(x)}` };
  });
  return xyChartSvg({
    id: 'plot-event-study',
    title: 'Event study: effect by period relative to treatment',
    xLabel: 'period relative to the first treated period (k = −1 is the reference)',
    yLabel: 'effect',
    xTicks:
      xTicks.length > 14 ? xTicks.filter((_, index) => index % Math.ceil(xTicks.length / 14) === 0) : xTicks,
    layers: [
      { kind: 'hline', color: '#999', y: 0 },
      { kind: 'vline', name: 'treatment starts', color: COLORS.black, x: -0.5, dash: '5 4' },
      {
        kind: 'intervals',
        name: `estimate with ${Math.round(ciLevel * 100)}% CI`,
        color: COLORS.blue,
        points,
      },
    ],
  });
}

/** One period of the synthetic-control fit as in `details.gaps`. */
export interface SyntheticGapPoint {
  period: string | number;
  post: boolean;
  observed: number;
  synthetic: number;
  gap: number;
}

/** One in-space placebo with its per-period gaps (`details.placebos[].gaps`). */
export interface PlaceboPath {
  unit: string | number;
  gaps?: readonly number[];
}

function interventionX(postFlags: readonly boolean[]): number {
  const first = postFlags.indexOf(true);
  return first < 0 ? postFlags.length - 0.5 : first - 0.5;
}

/**
 * Synthetic control: the treated unit against its synthetic control over all periods, with a dashed line
 * at the intervention.
 *
 * @example
 * ```ts
 * const svg = syntheticControlPlotSvg(details.gaps);
 * ```
 */
export function syntheticControlPlotSvg(gaps: readonly SyntheticGapPoint[]): string {
  const labels = gaps.map((gap) => String(gap.period));
  return xyChartSvg({
    id: 'plot-synthetic-control',
    title: 'Synthetic control: treated vs synthetic',
    xLabel: 'period',
    yLabel: 'outcome',
    xTicks: categoricalTicks(labels),
    layers: [
      {
        kind: 'vline',
        name: 'intervention',
        color: COLORS.black,
        x: interventionX(gaps.map((g) => g.post)),
        dash: '5 4',
      },
      { kind: 'line', name: 'treated', color: COLORS.blue, points: gaps.map((g, i) => [i, g.observed]) },
      {
        kind: 'line',
        name: 'synthetic control',
        color: COLORS.vermilion,
        dash: '6 3',
        points: gaps.map((g, i) => [i, g.synthetic]),
      },
    ],
  });
}

/**
 * Synthetic control gap plot: treated − synthetic per period, with the band spanned by the in-space
 * placebo gaps (min to max over the donors, each donor treated as if it were treated) and the intervention line.
 *
 * @example
 * ```ts
 * const svg = syntheticGapPlotSvg(details.gaps, details.placebos);
 * ```
 */
export function syntheticGapPlotSvg(
  gaps: readonly SyntheticGapPoint[],
  placebos: readonly PlaceboPath[],
): string {
  const labels = gaps.map((gap) => String(gap.period));
  const paths = placebos.flatMap((placebo) =>
    placebo.gaps !== undefined && placebo.gaps.length === gaps.length ? [placebo.gaps] : [],
  );
  const layers: ChartLayer[] = [];
  if (paths.length > 0) {
    layers.push({
      kind: 'band',
      name: `placebo range (${paths.length} donors)`,
      color: COLORS.grey,
      points: gaps.map((_, t) => {
        const values = paths.map((path) => path[t] as number);
        return [t, Math.min(...values), Math.max(...values)];
      }),
    });
  }
  layers.push(
    { kind: 'hline', color: '#999', y: 0 },
    {
      kind: 'vline',
      name: 'intervention',
      color: COLORS.black,
      x: interventionX(gaps.map((g) => g.post)),
      dash: '5 4',
    },
    { kind: 'line', name: 'treated − synthetic', color: COLORS.blue, points: gaps.map((g, i) => [i, g.gap]) },
  );
  return xyChartSvg({
    id: 'plot-synthetic-gap',
    title: 'Synthetic control: gap with the placebo band',
    xLabel: 'period',
    yLabel: 'gap (treated − synthetic)',
    xTicks: categoricalTicks(labels),
    layers,
  });
}

/** One period of the interrupted-time-series fit (`details.fitted` before, `details.counterfactual` after). */
export interface TimeSeriesPoint {
  period: string | number;
  observed: number;
  /** In-sample fit (pre-period) or counterfactual prediction (post-period). */
  expected: number;
}

/**
 * Interrupted time series: the observed series, the model's fit before the intervention and its
 * counterfactual (no level or slope change) after it, the gap shaded, and a dashed intervention line.
 *
 * @example
 * ```ts
 * const svg = interruptedTimeSeriesPlotSvg(pre, post);
 * ```
 */
export function interruptedTimeSeriesPlotSvg(
  pre: readonly TimeSeriesPoint[],
  post: readonly TimeSeriesPoint[],
): string {
  const all = [...pre, ...post];
  const labels = all.map((point) => String(point.period));
  const offset = pre.length;
  const layers: ChartLayer[] = [
    {
      kind: 'band',
      name: 'effect (observed − counterfactual)',
      color: COLORS.orange,
      points: post.map((point, i) => [
        offset + i,
        Math.min(point.observed, point.expected),
        Math.max(point.observed, point.expected),
      ]),
    },
    { kind: 'vline', name: 'intervention', color: COLORS.black, x: offset - 0.5, dash: '5 4' },
    { kind: 'line', name: 'observed', color: COLORS.blue, points: all.map((p, i) => [i, p.observed]) },
  ];
  if (pre.length > 0)
    layers.push({
      kind: 'line',
      name: 'fit',
      color: COLORS.green,
      points: pre.map((p, i) => [i, p.expected]),
    });
  layers.push({
    kind: 'line',
    name: 'counterfactual',
    color: COLORS.vermilion,
    dash: '6 3',
    points: post.map((p, i) => [offset + i, p.expected]),
  });
  return xyChartSvg({
    id: 'plot-its',
    title: 'Interrupted time series: observed vs counterfactual',
    xLabel: 'period',
    yLabel: 'outcome',
    xTicks: categoricalTicks(labels),
    layers,
  });
}
