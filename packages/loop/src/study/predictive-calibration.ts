/**
 * Are the loop's predictive distributions honest? Over the benchmark's worlds, each reviewed initiative's
 * predictive distribution (funded or not) against its true return at scale: the mean error, how often the
 * central interval that became R_worst … R_best covers the truth against its nominal probability, and the
 * RMS of the standardized error (1 for a distribution whose SD is right).
 */
import type { WorldOutcome } from './benchmark';

/** One row of {@link predictiveCalibration}: one pilot design, or every design (`design: 'all'`). */
export interface PredictiveCalibrationRow {
  design: string;
  /** Reviewed initiatives with a prediction. */
  initiatives: number;
  /** Mean of (predictive mean − true return) over them: positive means over-predicted. */
  meanError: number;
  /** The same over the funded ones only (NaN when none was funded): the optimizer's curse shows here. */
  fundedMeanError: number;
  funded: number;
  /** Share whose central predictive interval holds the true return, and that interval's probability. */
  coverage: number;
  level: number;
  /** `√mean(((truth − mean)/sd)²)` over predictions with sd > 0. */
  zRms: number;
}

interface Scored {
  design: string;
  error: number;
  funded: boolean;
  covered: boolean;
  level: number;
  z: number | undefined;
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;

function row(design: string, scored: readonly Scored[]): PredictiveCalibrationRow {
  const funded = scored.filter((entry) => entry.funded);
  const z = scored.flatMap((entry) => (entry.z === undefined ? [] : [entry.z * entry.z]));
  return {
    design,
    initiatives: scored.length,
    meanError: mean(scored.map((entry) => entry.error)),
    fundedMeanError: mean(funded.map((entry) => entry.error)),
    funded: funded.length,
    coverage: mean(scored.map((entry) => (entry.covered ? 1 : 0))),
    level: mean(scored.map((entry) => entry.level)),
    zRms: Math.sqrt(mean(z)),
  };
}

/**
 * Per pilot design, then over all designs: how a loop policy's predictive distributions (recorded by
 * {@link runDecisionBenchmark} in `PolicyOutcome.predictions`) compare with the true returns. Worlds where the
 * policy recorded no predictions are skipped; an empty list when none did.
 *
 * @example
 * ```ts
 * console.log(predictiveCalibrationMarkdown(predictiveCalibration(worlds, 'loop_default')));
 * ```
 */
export function predictiveCalibration(
  worlds: readonly WorldOutcome[],
  policy: string,
): PredictiveCalibrationRow[] {
  const scored: Scored[] = [];
  for (const world of worlds) {
    const outcome = world.outcomes.find((entry) => entry.policy === policy);
    if (outcome?.predictions === undefined) continue;
    const funded = new Set(outcome.funded);
    for (const detail of world.initiativeDetails) {
      const prediction = outcome.predictions[detail.id];
      if (prediction === undefined) continue;
      const truth = detail.trueReturn;
      scored.push({
        design: detail.design,
        error: prediction.mean - truth,
        funded: funded.has(detail.id),
        covered: prediction.lower <= truth && truth <= prediction.upper,
        level: prediction.level,
        z: prediction.sd > 0 ? (truth - prediction.mean) / prediction.sd : undefined,
      });
    }
  }
  if (scored.length === 0) return [];
  const designs = [...new Set(scored.map((entry) => entry.design))].sort();
  return [
    ...designs.map((design) =>
      row(
        design,
        scored.filter((entry) => entry.design === design),
      ),
    ),
    row('all', scored),
  ];
}

/**
 * The predictive-calibration table in Markdown; coverage with its binomial standard error.
 *
 * @example
 * ```ts
 * console.log(predictiveCalibrationMarkdown(predictiveCalibration(worlds, 'loop_default')));
 * ```
 */
export function predictiveCalibrationMarkdown(rows: readonly PredictiveCalibrationRow[]): string {
  const money = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—');
  const coverage = (r: PredictiveCalibrationRow) =>
    `${r.coverage.toFixed(2)} ± ${Math.sqrt((r.coverage * (1 - r.coverage)) / r.initiatives).toFixed(2)}`;
  return [
    '| pilot design | initiatives | mean error (predicted − truth), all | funded | mean error, funded | interval covers truth | nominal | RMS of (truth − mean) ÷ SD |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.design} | ${r.initiatives} | ${money(r.meanError)} | ${r.funded} | ${money(r.fundedMeanError)} | ${coverage(r)} | ${r.level.toFixed(2)} | ${Number.isFinite(r.zRms) ? r.zRms.toFixed(2) : '—'} |`,
    ),
  ].join('\n');
}
