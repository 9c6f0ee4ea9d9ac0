import type { CalibrationTable } from '@impact/review';
import type { CycleSummary } from '../cycles/cycle-summary';
import { formatMoney } from './format';

/** A share or factor with `digits` decimals (−0 printed as 0). */
export function fixed(value: number, digits = 3): string {
  return (Math.round(value * 10 ** digits) / 10 ** digits + 0).toFixed(digits);
}

/** A Markdown table, the first column left-aligned and the others right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const align = header.map((_, index) => (index === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/**
 * The calibration table of a run as Markdown: one row per methodology with its outcome count, bias,
 * coverage and the adjustments review applied.
 *
 * @example
 * ```ts
 * calibrationTableMarkdown(table);
 * ```
 */
export function calibrationTableMarkdown(table: CalibrationTable): string {
  if (table.rows.length === 0) {
    return 'No outcomes in the history yet: reviews were not adjusted.';
  }
  const prior = calibrationPriorSentence(table);
  return [
    markdownTable(CALIBRATION_HEADER, table.rows.map(calibrationCells)),
    ...(prior ? ['', prior] : []),
  ].join('\n');
}

/**
 * The prior mean calibration learned jointly with the designs' biases, as one sentence ('' when the table
 * has none): the error of the prior the predictions were shrunk toward, which is not any design's bias.
 *
 * @example
 * ```ts
 * calibrationPriorSentence(table); // 'Fitted jointly with the biases above, from the 12 outcomes … is 18,400 ± 2,100; …'
 * ```
 */
export function calibrationPriorSentence(table: CalibrationTable): string {
  const prior = table.prior_mean;
  if (prior === undefined) return '';
  const value = priorMeanValue(prior);
  return (
    `Fitted jointly with the biases above, from the ${prior.n} outcome${prior.n === 1 ? '' : 's'} whose prediction was shrunk: ` +
    `the true mean return the predictions were shrunk toward is ${value}; the part of each prediction error that this explains is not counted as its design's bias.`
  );
}

/**
 * Header of the calibration table in reports.
 *
 * @example
 * ```ts
 * const header = [...CALIBRATION_HEADER]; // ['methodology', 'n', …]
 * ```
 */
export const CALIBRATION_HEADER = [
  'methodology',
  'n',
  'mean error',
  'pooled relative bias',
  'coverage',
  'shrinkage weight',
  'bias shift',
  'interval scale',
  'confidence factor',
  'learned bias / cost (± SE)',
  'applied bias / cost',
  'applied excess SD / cost',
] as const;

/**
 * The cells of one calibration row in reports (money without decimals, shares with three).
 *
 * @example
 * ```ts
 * const cells = table.rows.map(calibrationCells);
 * ```
 */
export function calibrationCells(row: CalibrationTable['rows'][number]): string[] {
  return [
    row.method === undefined ? row.model_type : `${row.model_type} / ${row.method}`,
    String(row.n),
    formatMoney(row.mean_error),
    row.pooled_relative_bias === null ? '–' : fixed(row.pooled_relative_bias),
    fixed(row.coverage),
    fixed(row.shrinkage_weight),
    fixed(row.bias_shift),
    fixed(row.interval_scale),
    fixed(row.confidence_factor),
    `${fixed(row.bias)} ± ${fixed(row.bias_se)}`,
    fixed(row.shrunk_bias),
    fixed(row.shrunk_excess_sd),
  ];
}

/** Header of the learned-corrections table of the cycles report. */
export const LEARNED_HEADER = [
  'methodology / estimator',
  'cycle',
  'n',
  'bias ± SE',
  'applied bias',
  'excess SD',
  'factor',
] as const;

/** One row per calibration row per cycle: what was learned and what the decision model applied. */
export function learnedRows(summaries: readonly CycleSummary[]): string[][] {
  return summaries.flatMap((summary) =>
    summary.calibration.map((row) => [
      row.method === undefined ? row.model_type : `${row.model_type} / ${row.method}`,
      String(summary.cycle),
      String(row.n),
      `${fixed(row.bias)} ± ${fixed(row.bias_se)}`,
      fixed(row.shrunk_bias),
      fixed(row.shrunk_excess_sd),
      fixed(row.confidence_factor),
    ]),
  );
}

/** One sentence per cycle whose calibration learned a prior mean (empty when none did). */
export function learnedPriorLines(summaries: readonly CycleSummary[]): string[] {
  return summaries.flatMap((summary) => {
    const prior = summary.calibration_prior_mean;
    if (prior === null) return [];
    return [
      `Cycle ${summary.cycle}: true mean return ${priorMeanValue(prior)}, from ${prior.n} outcomes whose prediction was shrunk.`,
    ];
  });
}

/** `18,400 ± 2,100` (money, `return` scale) or `1.020 ± 0.310 per unit cost` (`per_cost`). */
function priorMeanValue(prior: { scale: 'return' | 'per_cost'; mean: number; se: number }): string {
  return prior.scale === 'return'
    ? `${formatMoney(prior.mean)} ± ${formatMoney(prior.se)}`
    : `${fixed(prior.mean)} ± ${fixed(prior.se)} per unit cost`;
}
