import type { DroppedInitiative, OutcomeRecord } from '@impact/contracts';
import type { InitiativeRun, LoopRun, PhaseRun } from './initiative-run';

/** One phase's estimate against the simulator's truth, in the measurement's own unit. */
export interface TruthCheck {
  initiative_id: string;
  phase: 'pilot' | 'scale';
  metric: string;
  effect_unit: string;
  estimate: number;
  ci_lower: number;
  ci_upper: number;
  true_effect: number;
  error: number;
  covers_truth: boolean;
}

/** One initiative on the returns chart: pilot interval, scale estimate and truth, in money. */
export interface ReturnsChartRow {
  initiative_id: string;
  funded: boolean;
  pilot: { lower: number; median: number; upper: number };
  scale?: { lower: number; estimate: number; upper: number };
  truth?: number;
}

/** One initiative on the budget chart. */
export interface BudgetChartRow {
  initiative_id: string;
  cost: number;
  allocated: number;
  reason?: DroppedInitiative['reason'];
}

/** What the Markdown and HTML views show, derived from a {@link LoopRun}. */
export interface ReportView {
  records: OutcomeRecord[];
  dropped: DroppedInitiative[];
  truthChecks: TruthCheck[];
  returnsChart: ReturnsChartRow[];
  budgetChart: BudgetChartRow[];
  budget: number;
  totalAllocated: number;
  rule?: string;
  currency?: string;
}

function truthCheck(
  run: InitiativeRun,
  phase: 'pilot' | 'scale',
  measured: PhaseRun | undefined,
): TruthCheck[] {
  if (measured?.true_effect === undefined) return [];
  const m = measured.measurement;
  const truth = measured.true_effect;
  return [
    {
      initiative_id: run.initiative_id,
      phase,
      metric: m.metric,
      effect_unit: m.effect_unit,
      estimate: m.effect_estimate,
      ci_lower: m.ci_lower,
      ci_upper: m.ci_upper,
      true_effect: truth,
      error: m.effect_estimate - truth,
      covers_truth: truth >= m.ci_lower && truth <= m.ci_upper,
    },
  ];
}

/**
 * Derive the tables and chart series of the human-readable reports. Charts value every initiative at full
 * funding with its own valuation, so funded and dropped initiatives are comparable.
 *
 * @example
 * ```ts
 * const view = reportView(run); view.truthChecks.filter((check) => check.covers_truth).length;
 * ```
 */
export function reportView(run: LoopRun): ReportView {
  const { report } = run;
  const dropReason = new Map(report.dropped.map((drop) => [drop.initiative_id, drop.reason]));
  const funded = new Set(run.allocation?.selected_initiatives ?? []);
  const truthChecks: TruthCheck[] = [];
  const returnsChart: ReturnsChartRow[] = [];
  const budgetChart: BudgetChartRow[] = [];
  for (const initiative of run.initiatives) {
    truthChecks.push(...truthCheck(initiative, 'pilot', initiative.pilot));
    truthChecks.push(...truthCheck(initiative, 'scale', initiative.scale));
    const multiplier = initiative.valuation.value_per_unit * initiative.valuation.units;
    const review = initiative.review;
    if (review !== undefined) {
      const row: ReturnsChartRow = {
        initiative_id: initiative.initiative_id,
        funded: funded.has(initiative.initiative_id),
        pilot: { lower: review.R_worst, median: review.R_med, upper: review.R_best },
      };
      const scale = initiative.scale?.measurement;
      if (scale !== undefined) {
        row.scale = {
          lower: scale.ci_lower * multiplier,
          estimate: scale.effect_estimate * multiplier,
          upper: scale.ci_upper * multiplier,
        };
      }
      const truth = initiative.scale?.true_effect ?? initiative.pilot?.true_effect;
      if (truth !== undefined) row.truth = truth * multiplier;
      returnsChart.push(row);
    }
    const reason = dropReason.get(initiative.initiative_id);
    budgetChart.push({
      initiative_id: initiative.initiative_id,
      cost: initiative.cost_to_scale,
      allocated: run.allocation?.budget_allocated[initiative.initiative_id] ?? 0,
      ...(reason === undefined ? {} : { reason }),
    });
  }
  return {
    records: report.records,
    dropped: report.dropped,
    truthChecks,
    returnsChart,
    budgetChart,
    budget: report.budget,
    totalAllocated: report.total_allocated,
    ...(run.allocation === undefined ? {} : { rule: run.allocation.rule }),
    ...(run.currency === undefined ? {} : { currency: run.currency }),
  };
}
