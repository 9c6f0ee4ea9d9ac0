import type { OutcomeRecord } from '@impact/contracts';
import { CALIBRATION_HEADER, calibrationCells, calibrationPriorSentence } from './calibration-table';
import { budgetChartSvg, escapeXml, returnsChartSvg } from './charts';
import {
  formatConfidence,
  formatEffect,
  formatMoney,
  formatMoneyInterval,
  formatPercent,
  formatSignedMoney,
  sampleUnit,
} from './format';
import { REPORT_STYLE } from './html-style';
import type { InitiativeRun, LoopRun } from './initiative-run';
import { inlineSvg, readArtifactPlots } from './plots/artifact-plots';
import { type PredictionLike, type PredictiveRow, predictiveDistributionsSvg } from './plots/predictive-plot';
import { managerSummary } from './summary';
import { reportView } from './view';

/** Options of {@link renderHtmlReport}. */
export interface HtmlReportOptions {
  /**
   * The folder the measurements' relative `artifact_uri`s point into (the run's output folder). When given,
   * each measurement's `plot-*.svg` files are read from there and inlined, so the page stays self-contained.
   */
  artifactRoot?: string;
}

/** A table cell: text (escaped) or trusted markup, with an alignment class. */
interface Cell {
  text?: string;
  html?: string;
  cls?: 'num' | 'text' | 'yes num' | 'no num';
}

/** A header cell: its label and whether the column holds numbers (then it is right-aligned like them). */
type Header = readonly [label: string, numeric: boolean];

function cellHtml(cell: Cell): string {
  const content = cell.html ?? escapeXml(cell.text ?? '');
  return `<td${cell.cls ? ` class="${cell.cls}"` : ''}>${content}</td>`;
}

function tableHtml(
  header: readonly Header[],
  rows: readonly (readonly Cell[])[],
  details?: readonly string[],
): string {
  const head = `<tr>${header.map(([label, numeric]) => `<th${numeric ? ' class="num"' : ''} scope="col">${escapeXml(label)}</th>`).join('')}</tr>`;
  const body = rows
    .map((row, index) => {
      const detail = details?.[index];
      const main = `<tr${detail ? ' class="has-detail"' : ''}>${row.map(cellHtml).join('')}</tr>`;
      return detail ? `${main}\n<tr class="detail"><td colspan="${header.length}">${detail}</td></tr>` : main;
    })
    .join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A value with its interval on a second, smaller line. */
function withInterval(value: number, lower: number, upper: number): string {
  return `${escapeXml(formatMoney(value))}<span class="sub">${escapeXml(formatMoneyInterval(lower, upper))}</span>`;
}

function detailList(entries: readonly [string, string][]): string {
  return `<dl>${entries.map(([term, value]) => `<dt>${escapeXml(term)}</dt><dd>${escapeXml(value)}</dd>`).join('')}</dl>`;
}

/** The expandable detail row of a scaled initiative: sample sizes in the method's own unit, the review. */
function recordDetail(record: OutcomeRecord, initiative: InitiativeRun | undefined): string {
  const unit = sampleUnit(record.method);
  const review = initiative?.review;
  const entries: [string, string][] = [
    ['sample size (pilot → scale)', `${record.sample_size_pilot} → ${record.sample_size_scale} ${unit}`],
  ];
  if (record.model_type !== undefined) entries.push(['design', record.model_type]);
  if (review !== undefined) {
    entries.push([
      'scenarios (worst / median / best)',
      [review.R_worst, review.R_med, review.R_best].map(formatMoney).join(' / '),
    ]);
    if (review.flags.length > 0)
      entries.push(['review flags', review.flags.map((flag) => flag.code).join(', ')]);
    if (review.rationale !== '') entries.push(['review rationale', review.rationale]);
  }
  return `<details><summary>details</summary>${detailList(entries)}</details>`;
}

function outcomeTable(run: LoopRun): string {
  const view = reportView(run);
  const hasTruth = view.records.some((record) => record.true_return !== undefined);
  const byId = new Map(run.initiatives.map((initiative) => [initiative.initiative_id, initiative]));
  const header: Header[] = [
    ['initiative', false],
    ['method', false],
    ['confidence', true],
    ['funded', true],
    ['predicted (pilot interval)', true],
    ['actual at scale (CI)', true],
    ...(hasTruth ? ([['true return', true]] as Header[]) : []),
    ['error', true],
    ['in pilot interval', true],
    ['ROI', true],
  ];
  const rows = view.records.map((record): Cell[] => [
    { text: record.initiative_id, cls: 'text' },
    // Break long method names at their underscores rather than widening the table.
    { html: escapeXml(record.method ?? '').replaceAll('_', '_<wbr>'), cls: 'text' },
    { text: record.confidence === undefined ? '' : formatConfidence(record.confidence), cls: 'num' },
    { text: formatMoney(record.budget), cls: 'num' },
    {
      html: withInterval(
        record.predicted_return,
        record.predicted_ci_lower ?? record.predicted_return,
        record.predicted_ci_upper ?? record.predicted_return,
      ),
      cls: 'num',
    },
    { html: withInterval(record.actual_return, record.actual_ci_lower, record.actual_ci_upper), cls: 'num' },
    ...(hasTruth
      ? [
          {
            text: record.true_return === undefined ? '' : formatMoney(record.true_return),
            cls: 'num',
          } as Cell,
        ]
      : []),
    { text: formatSignedMoney(record.prediction_error), cls: 'num' },
    { text: record.within_pilot_ci ? 'yes' : 'no', cls: record.within_pilot_ci ? 'yes num' : 'no num' },
    { text: record.roi === null ? '–' : formatPercent(record.roi), cls: 'num' },
  ]);
  const details = view.records.map((record) => recordDetail(record, byId.get(record.initiative_id)));
  return tableHtml(header, rows, details);
}

function predictiveRows(run: LoopRun): PredictiveRow[] {
  const funded = new Set(run.allocation?.selected_initiatives ?? []);
  return run.initiatives.flatMap((initiative) => {
    const review = initiative.review;
    if (review === undefined) return [];
    const prediction = (review as { prediction?: PredictionLike }).prediction;
    return [
      {
        initiative_id: initiative.initiative_id,
        funded: funded.has(initiative.initiative_id),
        cost: review.cost,
        R_worst: review.R_worst,
        R_med: review.R_med,
        R_best: review.R_best,
        ...(prediction === undefined ? {} : { prediction }),
      },
    ];
  });
}

const PLOT_CAPTIONS: Record<string, string> = {
  'event-study': 'Event study',
  'synthetic-control': 'Treated vs synthetic control',
  'synthetic-gap': 'Gap and placebo band',
  its: 'Observed vs counterfactual',
  love: 'Covariate balance',
  propensity: 'Propensity scores by group',
  weights: 'Weights by group',
};

/** Per initiative and phase, the measurement's diagnostic plots inlined (collapsed by default). */
function diagnosticsHtml(run: LoopRun, artifactRoot: string): string[] {
  const sections: string[] = [];
  for (const initiative of run.initiatives) {
    for (const phase of ['pilot', 'scale'] as const) {
      const measured = initiative[phase];
      if (measured?.artifact_uri === undefined) continue;
      const plots = readArtifactPlots(artifactRoot, measured.artifact_uri)
        .map((plot) => ({
          caption: PLOT_CAPTIONS[plot.name] ?? plot.name,
          svg: inlineSvg(plot.svg, `plot-${initiative.initiative_id}-${phase}-${plot.name}`),
        }))
        .filter((plot) => plot.svg !== '');
      if (plots.length === 0) continue;
      const figures = plots.map((plot) => `<figure>${plot.svg}</figure>`).join('');
      sections.push(
        `<details class="diagnostics"><summary>${escapeXml(initiative.initiative_id)} — ${phase} (${escapeXml(measured.measurement.method)}): ${escapeXml(plots.map((plot) => plot.caption.toLowerCase()).join(', '))}</summary><div class="plots">${figures}</div></details>`,
      );
    }
  }
  return sections;
}

/**
 * The report as one self-contained HTML page (inline CSS and SVG, no scripts, no external resources), so it
 * opens offline and prints: a summary paragraph, the scaled initiatives (with expandable details), the
 * dropped ones and why, the returns, predictive-distribution and budget charts, each measurement's
 * diagnostic plots (with `artifactRoot`), the ground-truth checks for simulated data and the calibration.
 *
 * @example
 * ```ts
 * writeFileAtomic('results/outcome.html', renderHtmlReport(run, { artifactRoot: 'results' }));
 * ```
 */
export function renderHtmlReport(run: LoopRun, options: HtmlReportOptions = {}): string {
  const view = reportView(run);
  const { metadata } = run.report;
  const predictive = predictiveRows(run);
  const sections = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Impact Loop outcome report</title>',
    `<style>${REPORT_STYLE}</style>`,
    '</head>',
    '<body>',
    '<h1>Impact Loop outcome report</h1>',
    `<p class="summary">${escapeXml(managerSummary(run, view))}</p>`,
    `<p class="meta">Seed ${metadata.seed}, config hash <code>${escapeXml(metadata.config_hash.slice(0, 12))}</code>${view.currency === undefined ? '' : `; money in ${escapeXml(view.currency)}`}.</p>`,
    '<h2>Scaled initiatives</h2>',
    '<p class="note">Predicted: the pilot\'s median return R_med with its interval [R_worst, R_best]. Actual: the estimate at scale valued the same way, with its confidence interval. Funded: what the allocation gave the initiative. Error = actual − predicted; ROI = (actual − funded) / funded.</p>',
    view.records.length === 0 ? '<p>No initiative was scaled.</p>' : outcomeTable(run),
    '<h2>Dropped initiatives</h2>',
    view.dropped.length === 0
      ? '<p>None.</p>'
      : tableHtml(
          [
            ['initiative', false],
            ['reason', false],
            ['why', false],
          ],
          view.dropped.map((drop) => [
            { text: drop.initiative_id, cls: 'text' },
            { text: drop.reason, cls: 'text' },
            { text: drop.message, cls: 'text' },
          ]),
        ),
    '<h2>Predicted (pilot) vs actual (scale) return</h2>',
    '<p class="note">Blue: the pilot\'s return interval [R_worst, R_best] with the prediction R_med (circle). Orange: the estimate at scale, valued the same way, with its interval. Black diamond: the true return when the data were simulated. Dropped initiatives are in grey italics (pilot only).</p>',
    view.returnsChart.length === 0
      ? '<p>No initiative was reviewed.</p>'
      : returnsChartSvg(view.returnsChart),
  ];
  if (predictive.length > 0) {
    sections.push(
      '<h2>What the allocation assumed</h2>',
      '<p class="note">Each reviewed initiative\'s return at scale as the allocation saw it: the predictive distribution (its mean marked, the part below the cost to scale shaded as a loss) or, without one, the scenario interval [R_worst, R_best] with R_med.</p>',
      predictiveDistributionsSvg(predictive),
    );
  }
  sections.push('<h2>Budget allocation</h2>', budgetChartSvg(view.budgetChart, view.budget));
  const diagnostics = options.artifactRoot === undefined ? [] : diagnosticsHtml(run, options.artifactRoot);
  if (diagnostics.length > 0)
    sections.push(
      '<h2>Measurement diagnostics</h2>',
      '<p class="note">The plots behind each estimate (also saved as <code>plot-*.svg</code> beside the measurement\'s artifacts). Click to expand.</p>',
      ...diagnostics,
    );
  sections.push(...truthSection(view), ...calibrationSection(run), '</body>', '</html>', '');
  return sections.join('\n');
}

function truthSection(view: ReturnType<typeof reportView>): string[] {
  if (view.truthChecks.length === 0) return [];
  return [
    "<h2>Against the simulator's ground truth</h2>",
    '<p class="note">True effect: the simulated average effect on the treated of the measured metric (per product-day unless relative). Error = estimate − truth.</p>',
    tableHtml(
      [
        ['initiative', false],
        ['stage', false],
        ['metric', false],
        ['estimate', true],
        ['CI', true],
        ['true effect', true],
        ['error', true],
        ['CI covers truth', true],
      ],
      view.truthChecks.map((check) => [
        { text: check.initiative_id, cls: 'text' },
        { text: `measure (${check.phase})`, cls: 'text' },
        { text: check.effect_unit === 'relative' ? `${check.metric} (relative)` : check.metric, cls: 'text' },
        { text: formatEffect(check.estimate), cls: 'num' },
        { text: `[${formatEffect(check.ci_lower)}, ${formatEffect(check.ci_upper)}]`, cls: 'num' },
        { text: formatEffect(check.true_effect), cls: 'num' },
        { text: formatEffect(check.error), cls: 'num' },
        { text: check.covers_truth ? 'yes' : 'no', cls: check.covers_truth ? 'yes num' : 'no num' },
      ]),
    ),
  ];
}

function calibrationSection(run: LoopRun): string[] {
  const calibration = run.calibration;
  if (calibration === undefined) return [];
  return [
    '<h2>Calibration</h2>',
    `<p class="note">Estimated from ${calibration.records_used} earlier outcomes${calibration.cycles.length === 0 ? '' : ` (cycles ${escapeXml(calibration.cycles.join(', '))})`} and applied to every review of this run.</p>`,
    calibration.rows.length === 0
      ? '<p>No outcomes in the history yet: reviews were not adjusted.</p>'
      : tableHtml(
          CALIBRATION_HEADER.map((label, index) => [label, index > 0] as const),
          calibration.rows.map((row) =>
            calibrationCells(row).map((text, index): Cell => ({ text, cls: index > 0 ? 'num' : 'text' })),
          ),
        ),
    ...(calibration.rows.length > 0 && calibration.prior_mean !== undefined
      ? [`<p class="note">${escapeXml(calibrationPriorSentence(calibration))}</p>`]
      : []),
  ];
}
