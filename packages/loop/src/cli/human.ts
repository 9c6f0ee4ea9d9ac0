import type { AllocationResult, MeasureResult, ReviewResult } from '@impact/contracts';
import { terminalSafe } from './terminal';

/** A number with `digits` significant digits, thousands separators from 10,000 up, no exponent below 1e15. */
export function formatHuman(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(digits));
  if (Math.abs(rounded) >= 10_000) return Math.round(rounded).toLocaleString('en-US');
  if (Math.abs(rounded) < 1e-6) return rounded.toExponential(digits - 1);
  return rounded.toString();
}

/** A p-value: 2 significant digits, `< 0.0001` below that. */
export function formatPValue(value: number): string {
  return value < 0.0001 ? '< 0.0001' : formatHuman(value, 2);
}

function percent(value: number): string {
  return `${value >= 0 ? '+' : ''}${formatHuman(value * 100, 3)}%`;
}

/** Left-aligned label column, values as given. */
function fields(entries: readonly [string, string][]): string[] {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
}

/**
 * What `impact measure` prints: the estimate with SE, CI and p-value rounded to sensible digits, the
 * relative lift when the model reports one, the sample-ratio-mismatch check for experiments, and the design's
 * own checks (pre-trend, overlap) when present.
 *
 * @example
 * ```ts
 * process.stdout.write(measureSummary(result));
 * ```
 */
export function measureSummary(result: MeasureResult): string {
  const d = result.diagnostics;
  const level = `${formatHuman(result.ci_level * 100, 3)}% CI`;
  const unit = result.effect_unit === 'relative' ? ' (relative)' : '';
  const entries: [string, string][] = [
    ['estimate', `${formatHuman(result.effect_estimate)}${unit}`],
    ['std. error', formatHuman(result.standard_error)],
    [level, `[${formatHuman(result.ci_lower)}, ${formatHuman(result.ci_upper)}]`],
    ['p-value', formatPValue(result.p_value)],
  ];
  if (typeof d.relative_lift === 'number') {
    const interval =
      typeof d.relative_lift_ci_lower === 'number' && typeof d.relative_lift_ci_upper === 'number'
        ? ` [${percent(d.relative_lift_ci_lower)}, ${percent(d.relative_lift_ci_upper)}]`
        : '';
    entries.push(['lift', `${percent(d.relative_lift)}${interval} vs the control mean`]);
  } else if (
    typeof d.control_mean === 'number' &&
    d.control_mean !== 0 &&
    result.effect_unit !== 'relative'
  ) {
    entries.push(['lift', `${percent(result.effect_estimate / d.control_mean)} of the control mean`]);
  }
  if (typeof d.srm_p_value === 'number') {
    const verdict = d.srm_p_value < 0.001 ? 'SAMPLE-RATIO MISMATCH: check the assignment' : 'no mismatch';
    entries.push(['SRM check', `p = ${formatPValue(d.srm_p_value)} (${verdict})`]);
  }
  if (typeof d.pretrend_p_value === 'number')
    entries.push(['pre-trend test', `p = ${formatPValue(d.pretrend_p_value)}`]);
  if (typeof d.max_abs_smd_after === 'number')
    entries.push(['max |SMD| after', formatHuman(d.max_abs_smd_after, 2)]);
  entries.push(['n', `${result.sample_size.toLocaleString('en-US')}`]);
  const title = `${result.initiative_id}: ${result.method} effect on ${result.metric}`;
  return `${terminalSafe([title, ...fields(entries)].join('\n'))}\n`;
}

/** A plain-text table: text columns left-aligned, numeric ones right-aligned. */
export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly boolean[],
): string {
  const widths = header.map((label, column) =>
    Math.max(label.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number),
      )
      .join('  ')
      .trimEnd();
  return terminalSafe(
    [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n'),
  );
}

/**
 * What `impact review` prints: one row per review with confidence (percent), cost, the three scenarios and
 * the flags raised.
 *
 * @example
 * ```ts
 * process.stdout.write(reviewTable(reviews));
 * ```
 */
export function reviewTable(reviews: readonly ReviewResult[]): string {
  return `${textTable(
    ['initiative', 'confidence', 'cost', 'R_worst', 'R_med', 'R_best', 'flags'],
    reviews.map((review) => [
      review.id,
      `${Math.round(review.confidence * 100)}%`,
      formatHuman(review.cost, 6),
      formatHuman(review.R_worst, 6),
      formatHuman(review.R_med, 6),
      formatHuman(review.R_best, 6),
      review.flags.map((flag) => flag.code).join(', ') || '–',
    ]),
    [false, true, true, true, true, true, false],
  )}\n`;
}

/**
 * What `impact allocate` prints: the funded initiatives with their allocation and predicted return, then the
 * total against the budget and the solver status.
 *
 * @example
 * ```ts
 * process.stdout.write(allocationSummary(allocation));
 * ```
 */
export function allocationSummary(allocation: AllocationResult): string {
  const rows = allocation.selected_initiatives.map((id) => [
    id,
    formatHuman(allocation.budget_allocated[id] ?? 0, 6),
    formatHuman(allocation.predicted_returns[id] ?? 0, 6),
  ]);
  const status =
    typeof allocation.detail.status === 'string' ? `, solver status ${allocation.detail.status}` : '';
  const table =
    rows.length === 0
      ? 'nothing funded'
      : textTable(['funded initiative', 'allocated', 'predicted return'], rows, [false, true, true]);
  return `${table}\n${terminalSafe(`${allocation.rule}: ${formatHuman(allocation.total_cost, 6)} of ${formatHuman(allocation.budget, 6)} allocated${status}`)}\n`;
}
