import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import { panelBaseline, seriesBaseline } from '../../src/planning/baseline';
import { didUnitChangeVariance, itsVariance } from '../../src/planning/designs';
import { planPilot } from '../../src/planning/plan-pilot';
import { zTestPower } from '../../src/planning/power';
import { createNormal } from '../../validate/dgp';

interface GoldenCase {
  mde: number;
  sd: number;
  cuped_r_squared: number;
  treated_share: number;
  alpha: number;
  power: number;
  alternative: 'two-sided' | 'larger';
  normal_nobs1: number;
  ttest_nobs1: number;
  normal_power_at_137_treated: number;
}
const golden = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'planning', 'power.json'), 'utf8'),
) as {
  cases: GoldenCase[];
};

describe('planPilot: experiment against statsmodels NormalIndPower', () => {
  it('sizes each arm as the rounded-up statsmodels solve_power (CUPED, unequal shares, one- and two-sided)', () => {
    for (const c of golden.cases) {
      const plan = planPilot({
        design: 'experiment',
        mde: c.mde,
        sd: c.sd,
        cuped_r_squared: c.cuped_r_squared,
        treated_share: c.treated_share,
        alpha: c.alpha,
        power: c.power,
        alternative: c.alternative,
      });
      const ratio = (1 - c.treated_share) / c.treated_share;
      expect(plan.n_treated, JSON.stringify(c)).toBe(Math.ceil(c.normal_nobs1 - 1e-9));
      expect(plan.n_control, JSON.stringify(c)).toBe(Math.ceil(c.normal_nobs1 * ratio - 1e-9));
      expect(plan.power).toBeGreaterThanOrEqual(c.power);
      expect(plan.planned_mde).toBeLessThanOrEqual(c.mde);
      // The t-test needs at most up to 2 more units per arm (statsmodels TTestIndPower), documented.
      expect(c.ttest_nobs1 - c.normal_nobs1).toBeLessThan(2);
    }
  });

  it('gives statsmodels NormalIndPower.power at a fixed design to 1e-10', () => {
    for (const c of golden.cases) {
      const ratio = (1 - c.treated_share) / c.treated_share;
      const se = c.sd * Math.sqrt(1 - c.cuped_r_squared) * Math.sqrt(1 / 137 + 1 / (137 * ratio));
      expect(
        Math.abs(zTestPower(c.mde, se, c.alpha, c.alternative) - c.normal_power_at_137_treated),
      ).toBeLessThan(1e-10);
    }
  });

  it('turns units into days with units_per_day and estimates sd and CUPED R² from a baseline table', () => {
    const normal = createNormal(5);
    const pre = Float64Array.from({ length: 4000 }, () => normal());
    const revenue = pre.map((x) => 2 * x + 2 * normal()); // corr² = 4/8 = 0.5, sd = √8
    const baseline = createTable({ revenue, pre });
    const plan = planPilot(
      {
        design: 'experiment',
        mde: 0.3,
        baseline: { outcome: 'revenue', pre_period_metric: 'pre' },
        units_per_day: 250,
      },
      { baseline },
    );
    expect(plan.assumptions.source).toBe('baseline');
    expect(plan.assumptions.r_squared as number).toBeCloseTo(0.5, 1);
    expect(plan.assumptions.sd).toBeCloseTo(Math.sqrt(8), 1);
    expect(plan.duration_days).toBe(Math.ceil((plan.units as number) / 250));
    const without = planPilot({ design: 'experiment', mde: 0.3, sd: plan.assumptions.sd });
    expect((plan.units as number) / (without.units as number)).toBeCloseTo(
      1 - (plan.assumptions.r_squared as number),
      2,
    );
  });
});

describe('planPilot: DiD and ITS variances', () => {
  it('DiD unit-change variance equals the explicit double sum and the white-noise closed form', () => {
    const assumptions = { sd: 2, icc: 0.3, autocorrelation: 0.6, prePeriods: 5, postPeriods: 3 };
    let explicit = 0;
    for (let a = 0; a < 8; a++)
      for (let b = 0; b < 8; b++) {
        const wa = a < 5 ? -1 / 5 : 1 / 3;
        const wb = b < 5 ? -1 / 5 : 1 / 3;
        explicit += wa * wb * 0.6 ** Math.abs(a - b);
      }
    expect(Math.abs(didUnitChangeVariance(assumptions) - 4 * 0.7 * explicit)).toBeLessThan(1e-12);
    const whiteNoise = didUnitChangeVariance({ ...assumptions, autocorrelation: 0 });
    expect(Math.abs(whiteNoise - 4 * 0.7 * (1 / 5 + 1 / 3))).toBeLessThan(1e-12);
  });

  it('ITS variance with white noise is the OLS prediction variance of the extrapolated mean plus the post mean', () => {
    const m = 12;
    const r = 4;
    const preMean = (m - 1) / 2;
    const postMean = m + (r - 1) / 2;
    let stt = 0;
    for (let s = 0; s < m; s++) stt += (s - preMean) ** 2;
    const closed = 1.5 ** 2 * (1 / r + 1 / m + (postMean - preMean) ** 2 / stt);
    expect(
      Math.abs(itsVariance({ sd: 1.5, autocorrelation: 0, prePeriods: m, postPeriods: r }) - closed),
    ).toBeLessThan(1e-12);
  });

  it('DiD: solves units for given periods, and the shortest post period for given units', () => {
    const byUnits = planPilot({
      design: 'did',
      mde: 0.2,
      sd: 1,
      icc: 0.5,
      autocorrelation: 0.5,
      pre_periods: 8,
      post_periods: 4,
    });
    expect(byUnits.solved_for).toBe('units');
    expect(byUnits.power).toBeGreaterThanOrEqual(0.8);
    const smaller = planPilot({
      design: 'did',
      mde: 0.2,
      sd: 1,
      icc: 0.5,
      autocorrelation: 0.5,
      pre_periods: 8,
      units: byUnits.units as number,
    });
    expect(smaller.post_periods as number).toBeLessThanOrEqual(4);
    expect(smaller.power).toBeGreaterThanOrEqual(0.8);
    const shorter = planPilot({
      design: 'did',
      mde: 0.2,
      sd: 1,
      icc: 0.5,
      autocorrelation: 0.5,
      pre_periods: 8,
      post_periods: (smaller.post_periods as number) - 1 || 1,
    });
    if ((smaller.post_periods as number) > 1)
      expect(shorter.units as number).toBeGreaterThan((byUnits.units as number) - 1);
  });

  it('ITS: the shortest post period reaching the target, and PLAN_UNREACHABLE when none does', () => {
    const plan = planPilot({ design: 'its', mde: 2.5, sd: 1, autocorrelation: 0.3, pre_periods: 30 });
    expect(plan.solved_for).toBe('post_periods');
    expect(plan.power).toBeGreaterThanOrEqual(0.8);
    const shorter = planPilot({
      design: 'its',
      mde: 2.5,
      sd: 1,
      autocorrelation: 0.3,
      pre_periods: 30,
      post_periods: (plan.post_periods as number) - 1,
    });
    expect(shorter.power).toBeLessThan(0.8);
    try {
      planPilot({
        design: 'its',
        mde: 0.05,
        sd: 1,
        autocorrelation: 0.3,
        pre_periods: 10,
        max_post_periods: 200,
      });
      expect.unreachable();
    } catch (error) {
      expect((error as MeasureError).code).toBe('PLAN_UNREACHABLE');
      expect((error as MeasureError).message).toMatch(
        /no post period up to 200 reaches power 0.8 for mde 0.05/,
      );
    }
  });
});

describe('planPilot: baselines and bad input', () => {
  it('estimates ICC and AR(1) autocorrelation from a baseline panel', () => {
    const normal = createNormal(11);
    const unit: number[] = [];
    const time: number[] = [];
    const y: number[] = [];
    for (let u = 0; u < 1500; u++) {
      const alpha = normal() * Math.sqrt(0.4);
      let e = normal();
      for (let t = 0; t < 12; t++) {
        if (t > 0) e = 0.5 * e + Math.sqrt(0.75) * normal();
        unit.push(u);
        time.push(t);
        y.push(alpha + Math.sin(t) + e * Math.sqrt(0.6));
      }
    }
    const table = createTable({
      unit: Float64Array.from(unit),
      time: Float64Array.from(time),
      y: Float64Array.from(y),
    });
    const baseline = panelBaseline(table, 'y', 'unit', 'time');
    expect(baseline.sd).toBeCloseTo(1, 1);
    expect(Math.abs(baseline.icc - 0.4)).toBeLessThan(0.06); // white-noise correction of the unit-mean variance
    expect(Math.abs(baseline.autocorrelation - 0.5)).toBeLessThan(0.08);
    const series = seriesBaseline(createTable({ y: Float64Array.from(y.slice(0, 12 * 40)) }), 'y');
    expect(series.sd).toBeGreaterThan(0);
  });

  it('refuses missing assumptions, a missing baseline table, ambiguous DiD targets and invalid values', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(MeasureError);
        return `${(error as MeasureError).code}: ${(error as MeasureError).message}`;
      }
      return 'no error';
    };
    expect(code(() => planPilot({ design: 'experiment', mde: 1 }))).toMatch(
      /MODEL_PARAMS_INVALID: .*give sd or a baseline/,
    );
    expect(code(() => planPilot({ design: 'experiment', mde: 1, baseline: { outcome: 'y' } }))).toMatch(
      /no baseline table/,
    );
    expect(
      code(() => planPilot({ design: 'did', mde: 1, sd: 1, pre_periods: 4, post_periods: 4, units: 10 })),
    ).toMatch(/not both/);
    expect(code(() => planPilot({ design: 'experiment', mde: -1, sd: 1 }))).toMatch(/planPilot: mde: /);
    expect(code(() => planPilot({ design: 'experiment', mde: 1, sd: 1, power: 1.2 } as never))).toMatch(
      /power/,
    );
  });
});
