import type { OutcomeReport } from '@impact/contracts';
import { calibrationTableMarkdown } from './calibration-table';
import {
  formatConfidence,
  formatEffect,
  formatMoney,
  formatMoneyInterval,
  formatPercent,
  formatSignedMoney,
  sampleUnit,
} from './format';
import type { LoopRun } from './initiative-run';
import { managerSummary } from './summary';
import { reportView } from './view';

/**
 * A table cell made inert: raw HTML from user strings (ids, messages, CSV headers) is entity-escaped so a
 * Markdown viewer shows it as text, `|` is escaped and line breaks become spaces so the row stays one row.
 */
export function escapeMarkdownCell(cell: string): string {
  return cell
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('|', '\\|')
    .replace(/\r?\n|\r/g, ' ');
}

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric?: readonly boolean[],
): string {
  const align = header.map((_, index) => (numeric?.[index] ? '---:' : '---'));
  const lines = [
    `| ${header.map(escapeMarkdownCell).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeMarkdownCell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/**
 * The outcome table of scaled initiatives as a Markdown table (also what the demo and the CLI print).
 *
 * @example
 * ```ts
 * console.log(outcomeTableMarkdown(await runLoop({ configPath, outDir })));
 * ```
 */
export function outcomeTableMarkdown(report: OutcomeReport): string {
  const hasTruth = report.records.some((record) => record.true_return !== undefined);
  const header = [
    'initiative',
    'method',
    'confidence',
    'funded',
    'predicted (pilot interval)',
    'actual at scale (CI)',
    ...(hasTruth ? ['true return'] : []),
    'error',
    'in pilot interval',
    'ROI',
    'sample (pilot → scale)',
  ];
  const numeric = header.map((_, index) => index >= 2 && index < header.length - 1);
  const rows = report.records.map((record) => [
    record.initiative_id,
    record.method ?? '',
    record.confidence === undefined ? '' : formatConfidence(record.confidence),
    formatMoney(record.budget),
    `${formatMoney(record.predicted_return)} ${formatMoneyInterval(record.predicted_ci_lower ?? record.predicted_return, record.predicted_ci_upper ?? record.predicted_return)}`,
    `${formatMoney(record.actual_return)} ${formatMoneyInterval(record.actual_ci_lower, record.actual_ci_upper)}`,
    ...(hasTruth ? [record.true_return === undefined ? '' : formatMoney(record.true_return)] : []),
    formatSignedMoney(record.prediction_error),
    record.within_pilot_ci ? 'yes' : 'no',
    record.roi === null ? '–' : formatPercent(record.roi),
    `${record.sample_size_pilot} → ${record.sample_size_scale} ${sampleUnit(record.method)}`,
  ]);
  return table(header, rows, numeric);
}

/**
 * The dropped initiatives and why, as a Markdown table.
 *
 * @example
 * ```ts
 * console.log(droppedTableMarkdown(report));
 * ```
 */
export function droppedTableMarkdown(report: OutcomeReport): string {
  if (report.dropped.length === 0) return '_None._';
  return table(
    ['initiative', 'reason', 'why'],
    report.dropped.map((drop) => [drop.initiative_id, drop.reason, drop.message]),
  );
}

/** Running text made inert: raw HTML from user strings is entity-escaped. */
function escapeMarkdownText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * The whole report as Markdown: summary, scaled initiatives, dropped initiatives and why, and — for
 * simulated data — every stage's estimate against the true effect.
 *
 * @example
 * ```ts
 * writeFileSync('outcome.md', renderMarkdownReport(run));
 * ```
 */
export function renderMarkdownReport(run: LoopRun): string {
  const view = reportView(run);
  const { metadata } = run.report;
  const currency = view.currency === undefined ? '' : ` ${view.currency}`;
  const parts: string[] = [
    '# Impact Loop outcome report',
    '',
    escapeMarkdownText(managerSummary(run, view)),
    '',
    `Budget ${formatMoney(view.budget)}${currency}, allocated ${formatMoney(view.totalAllocated)}${currency}` +
      `${view.rule === undefined ? '' : ` by the \`${view.rule}\` rule`}; ` +
      `${view.records.length} of ${run.initiatives.length} initiatives scaled.`,
    '',
    `Seed ${metadata.seed}, config hash \`${metadata.config_hash.slice(0, 12)}\`.`,
    '',
    '## Scaled initiatives',
    '',
    "Returns are in the budget's currency: predicted = the pilot estimate valued (R_med, with the pilot interval " +
      '[R_worst, R_best]); actual = the scale estimate valued the same way; funded = what the allocation gave ' +
      'the initiative; error = actual − predicted; ROI = (actual − funded) / funded; sample sizes are in the ' +
      "method's own unit.",
    '',
    view.records.length === 0 ? '_No initiative was scaled._' : outcomeTableMarkdown(run.report),
    '',
    '## Dropped initiatives',
    '',
    droppedTableMarkdown(run.report),
  ];
  if (view.truthChecks.length > 0) {
    parts.push(
      '',
      "## Against the simulator's ground truth",
      '',
      'True effect = the simulated average effect on the treated (per product-day unless relative). ' +
        'Error = estimate − truth.',
      '',
      table(
        ['initiative', 'stage', 'metric', 'estimate', 'CI', 'true effect', 'error', 'CI covers truth'],
        view.truthChecks.map((check) => [
          check.initiative_id,
          `measure (${check.phase})`,
          check.effect_unit === 'relative' ? `${check.metric} (relative)` : check.metric,
          formatEffect(check.estimate),
          `[${formatEffect(check.ci_lower)}, ${formatEffect(check.ci_upper)}]`,
          formatEffect(check.true_effect),
          formatEffect(check.error),
          check.covers_truth ? 'yes' : 'no',
        ]),
        [false, false, false, true, true, true, true, true],
      ),
    );
    const withTruth = view.records.filter((record) => record.true_return !== undefined);
    if (withTruth.length > 0) {
      parts.push(
        '',
        table(
          ['initiative', 'predicted − true return', 'actual − true return'],
          withTruth.map((record) => [
            record.initiative_id,
            formatSignedMoney(record.predicted_return - (record.true_return as number)),
            formatSignedMoney(record.actual_return - (record.true_return as number)),
          ]),
          [false, true, true],
        ),
      );
    }
  }
  if (run.calibration !== undefined) {
    const cycles = run.calibration.cycles;
    parts.push(
      '',
      '## Calibration',
      '',
      `Estimated from ${run.calibration.records_used} earlier outcomes${cycles.length === 0 ? '' : ` (cycles ${cycles.join(', ')})`} and applied to every review of this run (see docs/review-calibration.md).`,
      '',
      calibrationTableMarkdown(run.calibration),
    );
  }
  parts.push('');
  return parts.join('\n');
}
