import { budgetChartSvg, escapeXml, returnsChartSvg } from './charts';
import { CALIBRATION_HEADER, calibrationCells } from './cycles-report';
import { formatEffect, formatMoney, formatMoneyInterval, formatPercent, formatSignedMoney } from './format';
import type { LoopRun } from './initiative-run';
import { reportView } from './view';

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.summary { color: #444; }
table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e5e5e5; padding: .3rem .6rem; text-align: right; white-space: nowrap; }
th { background: #f6f6f6; }
td:first-child, th:first-child, td.text { text-align: left; }
td.text { white-space: normal; }
.yes { color: #2f7d32; } .no { color: #b3261e; }
.chart text { font: 12px system-ui, sans-serif; fill: #333; }
.chart .tick { font-size: 11px; fill: #555; }
.chart .dropped { fill: #888; font-style: italic; }
.note { color: #555; font-size: .9rem; max-width: 60rem; }
`;

function tableHtml(
  header: readonly string[],
  rows: readonly (readonly { text: string; cls?: string }[])[],
): string {
  const head = `<tr>${header.map((cell) => `<th>${escapeXml(cell)}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell) => `<td${cell.cls ? ` class="${cell.cls}"` : ''}>${escapeXml(cell.text)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/**
 * The report as one self-contained HTML page (inline CSS and SVG charts, no scripts, no external
 * resources), so it opens offline: summary, returns chart (pilot CI vs scale estimate vs truth), budget
 * chart, the outcome table, dropped initiatives, and the ground-truth checks for simulated data.
 *
 * @example
 * ```ts
 * writeFileAtomic('results/outcome.html', renderHtmlReport(run));
 * ```
 */
export function renderHtmlReport(run: LoopRun): string {
  const view = reportView(run);
  const { metadata } = run.report;
  const currency = view.currency === undefined ? '' : ` ${view.currency}`;
  const hasTruth = view.records.some((record) => record.true_return !== undefined);
  const outcomeRows = view.records.map((record) => [
    { text: record.initiative_id },
    { text: record.method ?? '', cls: 'text' },
    { text: record.confidence === undefined ? '' : record.confidence.toFixed(2) },
    { text: formatMoney(record.budget) },
    { text: formatMoney(record.predicted_return) },
    {
      text: formatMoneyInterval(
        record.predicted_ci_lower ?? record.predicted_return,
        record.predicted_ci_upper ?? record.predicted_return,
      ),
    },
    { text: formatMoney(record.actual_return) },
    { text: formatMoneyInterval(record.actual_ci_lower, record.actual_ci_upper) },
    ...(hasTruth ? [{ text: record.true_return === undefined ? '' : formatMoney(record.true_return) }] : []),
    { text: formatSignedMoney(record.prediction_error) },
    { text: record.within_pilot_ci ? 'yes' : 'no', cls: record.within_pilot_ci ? 'yes' : 'no' },
    { text: record.roi === null ? '–' : formatPercent(record.roi) },
    { text: `${record.sample_size_pilot} → ${record.sample_size_scale}` },
  ]);
  const sections = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Impact Loop outcome report</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<h1>Impact Loop outcome report</h1>',
    `<p class="summary">Budget ${escapeXml(formatMoney(view.budget))}${escapeXml(currency)}, allocated ${escapeXml(formatMoney(view.totalAllocated))}${escapeXml(currency)}${view.rule === undefined ? '' : ` by the <code>${escapeXml(view.rule)}</code> rule`}; ${view.records.length} of ${run.initiatives.length} initiatives scaled. Seed ${metadata.seed}, config hash <code>${escapeXml(metadata.config_hash.slice(0, 12))}</code>.</p>`,
    '<h2>Predicted (pilot) vs actual (scale) return</h2>',
    '<p class="note">Blue: the pilot\'s return interval [R_worst, R_best] with the prediction R_med (circle). Orange: the estimate at scale, valued the same way, with its interval. Black diamond: the true return when the data were simulated. Dropped initiatives are in grey italics (pilot only).</p>',
    view.returnsChart.length === 0
      ? '<p>No initiative was reviewed.</p>'
      : returnsChartSvg(view.returnsChart),
    '<h2>Budget allocation</h2>',
    budgetChartSvg(view.budgetChart, view.budget),
    '<h2>Scaled initiatives</h2>',
    view.records.length === 0
      ? '<p>No initiative was scaled.</p>'
      : tableHtml(
          [
            'initiative',
            'method',
            'confidence',
            'budget',
            'predicted',
            'pilot CI',
            'actual at scale',
            'scale CI',
            ...(hasTruth ? ['true'] : []),
            'error',
            'in pilot CI',
            'ROI',
            'n pilot → scale',
          ],
          outcomeRows,
        ),
    '<h2>Dropped initiatives</h2>',
    view.dropped.length === 0
      ? '<p>None.</p>'
      : tableHtml(
          ['initiative', 'reason', 'why'],
          view.dropped.map((drop) => [
            { text: drop.initiative_id },
            { text: drop.reason, cls: 'text' },
            { text: drop.message, cls: 'text' },
          ]),
        ),
  ];
  if (view.truthChecks.length > 0) {
    sections.push(
      "<h2>Against the simulator's ground truth</h2>",
      '<p class="note">True effect: the simulated average effect on the treated of the measured metric (per product-day unless relative). Error = estimate − truth.</p>',
      tableHtml(
        ['initiative', 'stage', 'metric', 'estimate', 'CI', 'true effect', 'error', 'CI covers truth'],
        view.truthChecks.map((check) => [
          { text: check.initiative_id },
          { text: `measure (${check.phase})`, cls: 'text' },
          {
            text: check.effect_unit === 'relative' ? `${check.metric} (relative)` : check.metric,
            cls: 'text',
          },
          { text: formatEffect(check.estimate) },
          { text: `[${formatEffect(check.ci_lower)}, ${formatEffect(check.ci_upper)}]` },
          { text: formatEffect(check.true_effect) },
          { text: formatEffect(check.error) },
          { text: check.covers_truth ? 'yes' : 'no', cls: check.covers_truth ? 'yes' : 'no' },
        ]),
      ),
    );
  }
  if (run.calibration !== undefined) {
    const calibration = run.calibration;
    sections.push(
      '<h2>Calibration</h2>',
      `<p class="note">Estimated from ${calibration.records_used} earlier outcomes${calibration.cycles.length === 0 ? '' : ` (cycles ${escapeXml(calibration.cycles.join(', '))})`} and applied to every review of this run.</p>`,
      calibration.rows.length === 0
        ? '<p>No outcomes in the history yet: reviews were not adjusted.</p>'
        : tableHtml(
            CALIBRATION_HEADER,
            calibration.rows.map((row) => calibrationCells(row).map((text) => ({ text }))),
          ),
    );
  }
  sections.push('</body>', '</html>', '');
  return sections.join('\n');
}
