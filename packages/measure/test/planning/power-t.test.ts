import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import { noncentralTCdf } from '../../src/planning/noncentral-t';
import { planPilot } from '../../src/planning/plan-pilot';
import { minimumDetectableEffect, tTestPower, zTestPower } from '../../src/planning/power';

type Alternative = 'two-sided' | 'larger';
/** statsmodels TTestPower / TTestIndPower goldens (generate_power_t.py). */
const golden = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'planning', 'power-t.json'), 'utf8'),
) as {
  ttest_power: {
    effect_size: number;
    nobs: number;
    alpha: number;
    alternative: Alternative;
    power: number;
  }[];
  ind_power: {
    effect_size: number;
    nobs1: number;
    ratio: number;
    alpha: number;
    alternative: Alternative;
    power: number;
  }[];
  experiment: {
    mde: number;
    sd: number;
    cuped_r_squared: number;
    treated_share: number;
    alpha: number;
    power: number;
    alternative: Alternative;
    ttest_nobs1: number;
    normal_nobs1: number;
  }[];
  did: {
    mde: number;
    sd: number;
    icc: number;
    autocorrelation: number;
    pre_periods: number;
    post_periods: number;
    treated_share: number;
    power: number;
    ttest_nobs1: number;
  }[];
};

describe('noncentral t', () => {
  it('reduces to the central t at δ = 0 and is a CDF in t', () => {
    expect(noncentralTCdf(0, 7, 0)).toBeCloseTo(0.5, 14);
    expect(Math.abs(noncentralTCdf(2.3646242510103, 7, 0) - 0.975)).toBeLessThan(1e-10); // scipy t.isf(0.025, 7)
    let previous = 0;
    for (let t = -6; t <= 12; t += 0.5) {
      const value = noncentralTCdf(t, 5, 3);
      expect(value).toBeGreaterThanOrEqual(previous);
      previous = value;
    }
  });
});

// Agreement is bounded by studentTQuantile (stats/distributions, ~5e-9 absolute at df 59), not the series.
describe('tTestPower against statsmodels', () => {
  it('equals TTestPower.power (one-sample: se = 1/√n, df = n − 1) to 1e-8', () => {
    for (const c of golden.ttest_power) {
      const power = tTestPower(c.effect_size, 1 / Math.sqrt(c.nobs), c.nobs - 1, c.alpha, c.alternative);
      expect(Math.abs(power - c.power), JSON.stringify(c)).toBeLessThan(1e-8);
    }
  });

  it('equals TTestIndPower.power (se = √(1/n₁ + 1/n₂), df = n₁ + n₂ − 2) to 1e-8', () => {
    for (const c of golden.ind_power) {
      const n2 = c.nobs1 * c.ratio;
      const se = Math.sqrt(1 / c.nobs1 + 1 / n2);
      const power = tTestPower(c.effect_size, se, c.nobs1 + n2 - 2, c.alpha, c.alternative);
      expect(Math.abs(power - c.power), JSON.stringify(c)).toBeLessThan(1e-8);
      expect(power).toBeLessThan(zTestPower(c.effect_size, se, c.alpha, c.alternative));
    }
  });

  it('gives an MDE whose t power is the target, larger than the z MDE at small df', () => {
    const mde = minimumDetectableEffect(0.4, 0.05, 0.8, 'two-sided', 8);
    expect(Math.abs(tTestPower(mde, 0.4, 8, 0.05, 'two-sided') - 0.8)).toBeLessThan(1e-10);
    expect(mde).toBeGreaterThan(minimumDetectableEffect(0.4, 0.05, 0.8, 'two-sided'));
    // df = 1: the power saturates slowly, the search bracket must grow
    const wide = minimumDetectableEffect(1, 0.05, 0.9, 'two-sided', 1);
    expect(Math.abs(tTestPower(wide, 1, 1, 0.05, 'two-sided') - 0.9)).toBeLessThan(1e-9);
  });
});

describe('planPilot test: t', () => {
  it('sizes experiments as statsmodels TTestIndPower.solve_power, rounded up per arm (CUPED loses one df)', () => {
    for (const c of golden.experiment) {
      const spec = {
        design: 'experiment' as const,
        mde: c.mde,
        sd: c.sd,
        cuped_r_squared: c.cuped_r_squared,
        treated_share: c.treated_share,
        alpha: c.alpha,
        power: c.power,
        alternative: c.alternative,
      };
      const plan = planPilot({ ...spec, test: 't' });
      const ratio = (1 - c.treated_share) / c.treated_share;
      expect(plan.n_treated, JSON.stringify(c)).toBe(Math.ceil(c.ttest_nobs1 - 1e-9));
      expect(plan.n_control, JSON.stringify(c)).toBe(Math.ceil(c.ttest_nobs1 * ratio - 1e-9));
      expect(plan.test).toBe('t');
      expect(plan.df).toBe((plan.units as number) - (c.cuped_r_squared > 0 ? 3 : 2));
      expect(plan.power).toBeGreaterThanOrEqual(c.power);
      expect(plan.planned_mde).toBeLessThanOrEqual(c.mde);
      // the z plan of the same spec is the NormalIndPower one, and is never larger
      const z = planPilot(spec);
      expect(z.test).toBe('z');
      expect(z.df).toBeUndefined();
      expect(z.n_treated).toBe(Math.ceil(c.normal_nobs1 - 1e-9));
      expect(z.units as number).toBeLessThanOrEqual(plan.units as number);
    }
  });

  it('shows the z sizing falls short at small n: its plan has t power below the target', () => {
    const spec = { design: 'experiment' as const, mde: 1.5, sd: 1 };
    const z = planPilot(spec);
    const t = planPilot({ ...spec, test: 't' });
    expect(z.units).toBe(14);
    expect(t.units).toBe(18);
    const zPlanTPower = tTestPower(1.5, z.standard_error, (z.units as number) - 2, 0.05, 'two-sided');
    expect(zPlanTPower).toBeLessThan(0.78);
    expect(z.power).toBeGreaterThan(0.8);
  });

  it('sizes DiD units as TTestIndPower on unit changes (df = N − 2)', () => {
    for (const c of golden.did) {
      const plan = planPilot({
        design: 'did',
        mde: c.mde,
        sd: c.sd,
        icc: c.icc,
        autocorrelation: c.autocorrelation,
        pre_periods: c.pre_periods,
        post_periods: c.post_periods,
        treated_share: c.treated_share,
        power: c.power,
        test: 't',
      });
      const ratio = (1 - c.treated_share) / c.treated_share;
      expect(plan.n_treated, JSON.stringify(c)).toBe(Math.ceil(c.ttest_nobs1 - 1e-9));
      expect(plan.n_control, JSON.stringify(c)).toBe(Math.ceil(c.ttest_nobs1 * ratio - 1e-9));
      expect(plan.df).toBe((plan.units as number) - 2);
    }
  });

  it('solves DiD post periods for given units with the t power, needing at least as many as z', () => {
    const spec = {
      design: 'did' as const,
      mde: 0.5,
      sd: 1,
      icc: 0.5,
      autocorrelation: 0.3,
      pre_periods: 4,
      units: 30,
    };
    const t = planPilot({ ...spec, test: 't' });
    const z = planPilot(spec);
    expect(t.solved_for).toBe('post_periods');
    expect(t.power).toBeGreaterThanOrEqual(0.8);
    expect(t.post_periods as number).toBeGreaterThanOrEqual(z.post_periods as number);
    expect(t.df).toBe(28);
    expect(z.post_periods).toBe(17);
    expect(t.post_periods).toBe(27);
  });

  it('refuses test: t for ITS (strict schema) and for a DiD with fewer than 3 units', () => {
    expect(() => planPilot({ design: 'its', mde: 1, sd: 1, pre_periods: 10, test: 't' } as never)).toThrow(
      MeasureError,
    );
    expect(() => planPilot({ design: 'did', mde: 1, sd: 1, pre_periods: 2, units: 2, test: 't' })).toThrow(
      expect.objectContaining({ code: 'MODEL_PARAMS_INVALID', parameter: 'units' }),
    );
  });
});
