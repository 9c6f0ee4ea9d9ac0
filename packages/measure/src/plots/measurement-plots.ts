import { z } from 'zod';
import { groupHistogramSvg, lovePlotSvg } from './balance-plots';
import {
  eventStudyPlotSvg,
  interruptedTimeSeriesPlotSvg,
  syntheticControlPlotSvg,
  syntheticGapPlotSvg,
} from './panel-plots';

/** One diagnostic plot of a measurement: a file-name stem, a caption and the standalone SVG. */
export interface MeasurementPlot {
  /** File-name stem, e.g. `event-study` (written as `plot-event-study.svg`). */
  name: string;
  title: string;
  svg: string;
}

const finite = z.number().finite();
const period = z.union([z.string(), z.number()]);
// Shapes of the `details` keys the built-in models write; a custom model that writes the same keys gets the
// same plots. Extra keys are allowed (these are read-only views, not a contract).
const EventStudySchema = z
  .array(
    z.object({
      label: z.string(),
      relative_period: finite,
      binned: z.boolean(),
      estimate: finite,
      ci_lower: finite,
      ci_upper: finite,
    }),
  )
  .min(1);
const GapsSchema = z
  .array(z.object({ period, post: z.boolean(), observed: finite, synthetic: finite, gap: finite }))
  .min(2);
const PlacebosSchema = z.array(z.object({ unit: period, gaps: z.array(finite).optional() }));
const CounterfactualSchema = z.array(z.object({ period, observed: finite, counterfactual: finite })).min(1);
const FittedSchema = z.array(z.object({ period, observed: finite, fitted: finite }));
const BalanceSchema = z
  .array(z.object({ covariate: z.string(), smd_before: finite.nullable(), smd_after: finite.nullable() }))
  .min(1);
const PerRowSchema = z.array(finite.nullable());
const TreatmentSchema = z.array(z.union([z.literal(0), z.literal(1)]));

/**
 * The diagnostic plots a measurement's `details` support, in a fixed order: event study (DiD), treated vs
 * synthetic and the gap with its placebo band (synthetic control), observed vs counterfactual (ITS), the love
 * plot of standardized differences and the propensity-score and weight distributions by group (matching,
 * subclassification, IPW). Details without a plottable series give an empty list.
 *
 * @param ciLevel the measurement's confidence level, for labels.
 * @example
 * ```ts
 * const { details } = await evaluateImpact({ config });
 * for (const plot of measurementPlots(details, 0.95)) writeFileSync(`plot-${plot.name}.svg`, plot.svg);
 * ```
 */
export function measurementPlots(details: Record<string, unknown>, ciLevel: number): MeasurementPlot[] {
  const plots: MeasurementPlot[] = [];
  const eventStudy = EventStudySchema.safeParse(details.event_study);
  if (eventStudy.success)
    plots.push({
      name: 'event-study',
      title: 'Event study',
      svg: eventStudyPlotSvg(eventStudy.data, ciLevel),
    });
  const gaps = GapsSchema.safeParse(details.gaps);
  if (gaps.success) {
    const placebos = PlacebosSchema.safeParse(details.placebos);
    plots.push(
      { name: 'synthetic-control', title: 'Treated vs synthetic', svg: syntheticControlPlotSvg(gaps.data) },
      {
        name: 'synthetic-gap',
        title: 'Gap and placebo band',
        svg: syntheticGapPlotSvg(gaps.data, placebos.success ? placebos.data : []),
      },
    );
  }
  const counterfactual = CounterfactualSchema.safeParse(details.counterfactual);
  if (counterfactual.success) {
    const fitted = FittedSchema.safeParse(details.fitted);
    plots.push({
      name: 'its',
      title: 'Observed vs counterfactual',
      svg: interruptedTimeSeriesPlotSvg(
        fitted.success
          ? fitted.data.map((point) => ({
              period: point.period,
              observed: point.observed,
              expected: point.fitted,
            }))
          : [],
        counterfactual.data.map((point) => ({
          period: point.period,
          observed: point.observed,
          expected: point.counterfactual,
        })),
      ),
    });
  }
  const balance = BalanceSchema.safeParse(details.balance);
  if (balance.success)
    plots.push({ name: 'love', title: 'Covariate balance', svg: lovePlotSvg(balance.data) });
  const treatment = TreatmentSchema.safeParse(details.treatment);
  if (treatment.success) {
    for (const [key, name, title, xLabel] of [
      ['propensity_scores', 'propensity', 'Propensity scores by group', 'estimated propensity score e(X)'],
      ['weights', 'weights', 'Weights by group', 'weight'],
    ] as const) {
      const values = PerRowSchema.safeParse(details[key]);
      if (!values.success || values.data.length !== treatment.data.length) continue;
      plots.push({
        name,
        title,
        svg: groupHistogramSvg({
          id: `plot-${name}`,
          title,
          xLabel,
          values: values.data.map((value) => value ?? Number.NaN),
          treatment: treatment.data,
        }),
      });
    }
  }
  return plots;
}
