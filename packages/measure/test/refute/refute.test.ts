import { createTable, type Table } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { evaluateImpact } from '../../src/evaluate';
import { meanDifferenceEValues, riskRatioEValue } from '../../src/refute/e-value';
import { createNormal } from '../../validate/dgp';

describe('E-values (VanderWeele & Ding 2017), closed form', () => {
  it('gives RR + √(RR(RR − 1)), symmetric for protective ratios', () => {
    expect(riskRatioEValue(3.9)).toBeCloseTo(3.9 + Math.sqrt(3.9 * 2.9), 12); // 7.26, their worked example
    expect(riskRatioEValue(3.9)).toBeCloseTo(7.26, 2);
    expect(riskRatioEValue(0.5)).toBeCloseTo(2 + Math.sqrt(2), 12);
    expect(riskRatioEValue(1)).toBe(1);
  });

  it('converts a mean difference with RR ≈ exp(0.91·d) and uses the CI limit nearest the null', () => {
    const values = meanDifferenceEValues(5, 2, 8, 10);
    const rr = Math.exp(0.91 * 0.5);
    expect(values.riskRatio).toBeCloseTo(rr, 12);
    expect(values.eValue).toBeCloseTo(rr + Math.sqrt(rr * (rr - 1)), 12);
    const rrLower = Math.exp(0.91 * 0.2);
    expect(values.eValueCi).toBeCloseTo(rrLower + Math.sqrt(rrLower * (rrLower - 1)), 12);
    expect(meanDifferenceEValues(5, -1, 11, 10).eValueCi).toBe(1);
    expect(meanDifferenceEValues(-5, -8, -2, 10).eValueCi).toBeCloseTo(
      meanDifferenceEValues(5, 2, 8, 10).eValueCi,
      12,
    );
  });
});

/** An experiment of 600 units: y = x + lift·d + noise, `placebo` independent, `echo` a noisy copy of y. */
function experimentTable(options: { lift?: number } = {}): Table {
  const normal = createNormal(21);
  const n = 600;
  const d = Float64Array.from({ length: n }, (_, i) => i % 2);
  const x = Float64Array.from({ length: n }, () => normal());
  const y = x.map((xi, i) => xi + (options.lift ?? 0.5) * (d[i] as number) + normal());
  const placebo = Float64Array.from({ length: n }, () => normal());
  const echo = y.map((v) => v + 0.1 * normal());
  return createTable({ d, x, y, placebo, echo });
}

const experimentConfig = (refute: Record<string, unknown>) => ({
  initiative_id: 'refute-test',
  model: { name: 'experiment', params: { outcome: 'y', treatment: 'd', covariates: ['x'] } },
  seed: 3,
  refute,
});

type Refutation = { name: string; status: string; [key: string]: unknown };

describe('refute: stage of evaluateImpact', () => {
  it('passes a sound experiment: placebo outcome, random common cause and data subsets; date placebo does not apply', async () => {
    const { result, details } = await evaluateImpact({
      data: experimentTable(),
      config: experimentConfig({
        placebo_outcome: { outcome: 'placebo' },
        random_common_cause: true,
        data_subset: { fraction: 0.8, replications: 20 },
        placebo_treatment_date: true,
      }),
    });
    const refutation = details.refutation as Refutation[];
    expect(refutation.map((r) => [r.name, r.status])).toEqual([
      ['placebo_treatment_date', 'not_applicable'],
      ['placebo_outcome', 'passed'],
      ['random_common_cause', 'passed'],
      ['data_subset', 'passed'],
    ]);
    expect(result.diagnostics.refutations_run).toBe(3);
    expect(result.diagnostics.refutation_failures).toBe(0);
    expect(result.diagnostics.refute_random_common_cause_shift_se as number).toBeLessThan(0.1);
    expect(result.diagnostics.refute_subset_within_ci_share).toBe(1);
  });

  it('fails the placebo outcome when the "placebo" moves with the outcome, and data subsets when the SE ignores clusters', async () => {
    const echo = await evaluateImpact({
      data: experimentTable(),
      config: experimentConfig({ placebo_outcome: { outcome: 'echo' } }),
    });
    expect(echo.result.diagnostics.refutation_failures).toBe(1);
    expect(echo.result.diagnostics.refutation_failed).toBe('placebo_outcome');
    // Store-level assignment analysed per row without clustering: the SE is far too small, and dropping 20% of
    // the stores moves the estimate outside its interval.
    const normal = createNormal(4);
    const store: string[] = [];
    const d: number[] = [];
    const y: number[] = [];
    for (let s = 0; s < 20; s++) {
      const effect = 1.5 * normal();
      for (let k = 0; k < 50; k++) {
        store.push(`s${s}`);
        d.push(s % 2);
        y.push(effect + 0.3 * (s % 2) + normal());
      }
    }
    const table = createTable({
      store,
      d: Float64Array.from(d),
      y: Float64Array.from(y),
      x: Float64Array.from(y, () => normal()),
    });
    const naive = await evaluateImpact({
      data: table,
      config: experimentConfig({ data_subset: { unit: 'store' } }),
    });
    expect(naive.result.diagnostics.refute_subset_within_ci_share as number).toBeLessThan(0.9);
    expect(naive.result.diagnostics.refute_subset_sd_ratio as number).toBeGreaterThan(2);
    expect(naive.result.diagnostics.refutation_failed).toBe('data_subset');
    const clustered = await evaluateImpact({
      data: table,
      config: {
        ...experimentConfig({ data_subset: true }),
        model: { name: 'experiment', params: { outcome: 'y', treatment: 'd', cluster: 'store' } },
      },
    });
    expect(clustered.result.diagnostics.refutation_failures).toBe(0);
    expect((clustered.details.refutation as Refutation[])[0]?.subset_by).toBe('store');
  });

  it('is deterministic for a seed', async () => {
    const config = experimentConfig({
      random_common_cause: { replications: 3 },
      data_subset: { fraction: 0.5, replications: 5 },
    });
    const a = await evaluateImpact({ data: experimentTable(), config });
    const b = await evaluateImpact({ data: experimentTable(), config });
    expect(JSON.stringify(a.result)).toBe(JSON.stringify(b.result));
    expect(JSON.stringify(a.details.refutation)).toBe(JSON.stringify(b.details.refutation));
  });

  it('rejects unknown refuters with the config path', async () => {
    await expect(
      evaluateImpact({ data: experimentTable(), config: experimentConfig({ bootstrap: true }) }),
    ).rejects.toThrowError(/refute/);
  });
});

/** A DiD panel: 80 units × 12 periods, treated from period 8; optionally a treated-only pre-trend. */
function panel(preTrend: number): Table {
  const normal = createNormal(33);
  const rows = {
    unit: [] as number[],
    t: [] as number[],
    g: [] as number[],
    post: [] as number[],
    y: [] as number[],
  };
  for (let u = 0; u < 80; u++) {
    const g = u < 40 ? 1 : 0;
    const alpha = normal();
    for (let t = 0; t < 12; t++) {
      rows.unit.push(u);
      rows.t.push(t);
      rows.g.push(g);
      rows.post.push(t >= 8 ? 1 : 0);
      rows.y.push(alpha + 0.2 * t + g * (t >= 8 ? 1 : 0) + g * preTrend * t + 0.3 * normal());
    }
  }
  return createTable(Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Float64Array.from(v)])));
}

describe('refute: placebo treatment date on difference in differences', () => {
  const config = {
    initiative_id: 'did-refute',
    model: {
      name: 'difference_in_differences',
      params: { outcome: 'y', unit: 'unit', time: 't', treated: 'g', post: 'post' },
    },
    refute: { placebo_treatment_date: { periods_before: 4 }, data_subset: true as const },
  };

  it('passes under parallel trends: no effect at a placebo start within the pre-period', async () => {
    const { result, details } = await evaluateImpact({ data: panel(0), config });
    const placebo = (details.refutation as Refutation[])[0] as Refutation;
    expect(placebo.status).toBe('passed');
    expect(placebo.placebo_start).toBe(4);
    expect(result.diagnostics.refute_placebo_date_p_value as number).toBeGreaterThan(0.05);
    expect((details.refutation as Refutation[])[1]?.subset_by).toBe('unit');
  });

  it('fails when treated units trend apart before treatment', async () => {
    const { result } = await evaluateImpact({ data: panel(0.1), config });
    expect(result.diagnostics.refute_placebo_date_p_value as number).toBeLessThan(0.05);
    expect(result.diagnostics.refutation_failed).toContain('placebo_treatment_date');
  });
});

describe('refute: E-value on an observational design', () => {
  it('reports e_value and e_value_ci from the estimate, its CI and the outcome SD', async () => {
    const normal = createNormal(8);
    const n = 800;
    const x = Float64Array.from({ length: n }, () => normal());
    const d = x.map((xi) => (xi + normal() > 0 ? 1 : 0));
    const y = x.map((xi, i) => 2 * xi + 1.5 * (d[i] as number) + 3 * normal());
    const { result } = await evaluateImpact({
      data: createTable({ x, d, y }),
      config: {
        initiative_id: 'obs',
        model: { name: 'regression_adjustment', params: { outcome: 'y', treatment: 'd', covariates: ['x'] } },
        refute: { e_value: true },
      },
    });
    let mean = 0;
    for (const v of y) mean += v / n;
    let ss = 0;
    for (const v of y) ss += (v - mean) ** 2;
    const expected = meanDifferenceEValues(
      result.effect_estimate,
      result.ci_lower,
      result.ci_upper,
      Math.sqrt(ss / (n - 1)),
    );
    expect(result.diagnostics.e_value as number).toBeCloseTo(expected.eValue, 12);
    expect(result.diagnostics.e_value_ci as number).toBeCloseTo(expected.eValueCi, 12);
    expect(result.diagnostics.e_value as number).toBeGreaterThan(result.diagnostics.e_value_ci as number);
    expect(result.diagnostics.refutations_run).toBe(0);
  });
});

describe('refute: placebo treatment date on interrupted time series with intervention:', () => {
  it('moves the intervention into the pre-period and refits', async () => {
    const normal = createNormal(19);
    const t = Float64Array.from({ length: 60 }, (_, s) => s);
    const y = t.map((s) => 5 + 0.1 * s + (s >= 40 ? 3 : 0) + 0.5 * normal());
    const { result, details } = await evaluateImpact({
      data: createTable({ t, y }),
      config: {
        initiative_id: 'its-refute',
        model: { name: 'interrupted_time_series', params: { outcome: 'y', time: 't', intervention: 40 } },
        refute: { placebo_treatment_date: { periods_before: 10 } },
      },
    });
    const placebo = (details.refutation as Refutation[])[0] as Refutation;
    expect(placebo.status).toBe('passed');
    expect(placebo.placebo_start).toBe(30);
    expect(Math.abs(result.diagnostics.refute_placebo_date_estimate as number)).toBeLessThan(1.5);
  });
});
