import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateImpact } from '../../src/evaluate';
import { DifferenceInDifferencesParamsSchema, differenceInDifferencesModel } from '../../src/models/did';
import { InterruptedTimeSeriesParamsSchema, interruptedTimeSeriesModel } from '../../src/models/its';
import { ipwModel } from '../../src/models/observational/ipw';
import { SyntheticControlParamsSchema, syntheticControlModel } from '../../src/models/synthetic-control';
import { lovePlotSvg } from '../../src/plots/balance-plots';
import { measurementPlots } from '../../src/plots/measurement-plots';
import { niceTicks } from '../../src/plots/svg';
import { createMemoryStorage } from '../../src/storage/memory';
import {
  AggregateByDateParamsSchema,
  aggregateByDateTransform,
  PrepareForSyntheticControlParamsSchema,
  prepareForSyntheticControlTransform,
} from '../../src/transforms/builtin-transforms';
import { simulateRetailPanel } from '../models/simulated-panel';

const simulation = simulateRetailPanel(7);
const context = { ciLevel: 0.95, seed: 1 };
const lalondePath = fileURLToPath(new URL('../fixtures/lalonde.csv', import.meta.url));

/** Count occurrences of a substring. */
function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('measurementPlots', () => {
  it('draws one interval per event-study coefficient plus the k = −1 reference', () => {
    const estimate = differenceInDifferencesModel.fit(
      simulation.metrics,
      DifferenceInDifferencesParamsSchema.parse({}),
      context,
    );
    const terms = estimate.details.event_study as unknown[];
    expect(terms.length).toBeGreaterThan(2);
    const plots = measurementPlots(estimate.details, 0.95);
    expect(plots.map((plot) => plot.name)).toEqual(['event-study']);
    const svg = plots[0]?.svg as string;
    expect(count(svg, '<circle')).toBe(terms.length + 2); // + reference period + legend marker
    expect(svg).toContain('estimate with 95% CI');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('draws synthetic control vs treated and the gap inside a band spanned by every donor placebo', () => {
    const prepared = prepareForSyntheticControlTransform.apply(
      simulation.metrics,
      PrepareForSyntheticControlParamsSchema.parse({ metric: 'revenue' }),
    );
    const estimate = syntheticControlModel.fit(
      prepared,
      SyntheticControlParamsSchema.parse({ unit: 'unit' }),
      context,
    );
    const placebos = estimate.details.placebos as { gaps: number[] }[];
    const periods = (estimate.details.gaps as unknown[]).length;
    expect(placebos.every((placebo) => placebo.gaps.length === periods)).toBe(true);
    const plots = measurementPlots(estimate.details, 0.95);
    expect(plots.map((plot) => plot.name)).toEqual(['synthetic-control', 'synthetic-gap']);
    expect(plots[1]?.svg).toContain(`placebo range (${placebos.length} donors)`);
    expect(count(plots[1]?.svg as string, 'fill-opacity="0.22"')).toBe(1);
  });

  it('draws the ITS fit before and the counterfactual after the intervention', () => {
    const daily = aggregateByDateTransform.apply(
      simulation.metrics,
      AggregateByDateParamsSchema.parse({ metric: 'revenue', where: { treated: 1 } }),
    );
    const estimate = interruptedTimeSeriesModel.fit(
      daily,
      InterruptedTimeSeriesParamsSchema.parse({}),
      context,
    );
    expect((estimate.details.fitted as unknown[]).length).toBe(estimate.diagnostics.n_pre_periods);
    const plots = measurementPlots(estimate.details, 0.95);
    expect(plots.map((plot) => plot.name)).toEqual(['its']);
    for (const label of ['observed', 'fit', 'counterfactual', 'intervention'])
      expect(plots[0]?.svg).toContain(`>${label}</text>`);
  });

  it('draws the love plot and the propensity and weight distributions of IPW, as artifact files', async () => {
    const storage = createMemoryStorage();
    const { details, artifactUri } = await evaluateImpact({
      config: {
        initiative_id: 'nsw',
        data: { source: 'file', path: lalondePath, types: { treat: 'binary' } },
        model: {
          name: ipwModel.name,
          params: { outcome: 're78', treatment: 'treat', covariates: ['age', 'educ', 're74', 're75'] },
        },
      },
      storage,
    });
    expect((details.treatment as number[]).length).toBe((details.weights as number[]).length);
    const files = storage.get((artifactUri as string).slice('memory://'.length));
    for (const name of ['plot-love.svg', 'plot-propensity.svg', 'plot-weights.svg'])
      expect(files?.get(name)?.startsWith('<svg')).toBe(true);
    expect(files?.get('manifest.json')).toContain('plot-love.svg');
  });

  it('gives no plots for details without a plottable series', () => {
    expect(measurementPlots({ coefficients: {}, event_study: [] }, 0.95)).toEqual([]);
  });

  it('escapes covariate names and renders byte-identically for the same input', () => {
    const rows = [{ covariate: '<script>alert(1)</script>', smd_before: 0.5, smd_after: 0.05 }];
    const svg = lovePlotSvg(rows);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(lovePlotSvg(rows)).toBe(svg);
  });

  it('niceTicks gives round steps covering the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-13, 27, 4)).toEqual([-10, 0, 10, 20]);
  });
});
