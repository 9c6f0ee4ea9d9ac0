import { type ModelType, type OutcomeRecord, OutcomeRecordSchema } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { estimateCalibration } from '../../src/calibration/estimate';
import { fitPriorMean, priorMeanTerm } from '../../src/calibration/prior-mean';
import { seededDraws } from '../helpers';

interface Spec {
  id: string;
  cost: number;
  /** Shrinkage weight on the estimate. */
  w: number;
  /** The prior mean the prediction was shrunk toward (money). */
  priorMean: number;
  /** Bias correction already applied (money). */
  biasMean?: number;
  predicted: number;
  actual: number;
  /** Prediction SD (money). */
  sd: number;
  /** The prior's SD τ (money; the joint fit's weak prior on μ has this spread). */
  priorSd?: number;
  modelType: ModelType;
  method?: string;
}

/** An outcome record whose prediction carries the components the joint fit reads. */
function record(spec: Spec): OutcomeRecord {
  const halfWidth = 0.02 * spec.cost;
  return OutcomeRecordSchema.parse({
    initiative_id: spec.id,
    predicted_return: spec.predicted,
    actual_return: spec.actual,
    prediction_error: spec.actual - spec.predicted,
    sample_size_pilot: 100,
    sample_size_scale: 2000,
    within_pilot_ci: true,
    actual_ci_lower: spec.actual - halfWidth,
    actual_ci_upper: spec.actual + halfWidth,
    budget: spec.cost,
    roi: (spec.actual - spec.cost) / spec.cost,
    model_type: spec.modelType,
    ...(spec.method === undefined ? {} : { method: spec.method }),
    prediction: {
      model: 'predictive',
      family: 'normal',
      mean: spec.predicted,
      sd: spec.sd,
      quantiles: [
        { p: 0.1, value: spec.predicted - 1.28 * spec.sd },
        { p: 0.9, value: spec.predicted + 1.28 * spec.sd },
      ],
      probability_of_loss: 0.5,
      expected_net: spec.predicted - spec.cost,
      components: {
        estimate: spec.predicted,
        sampling_sd: spec.sd,
        bias_mean: spec.biasMean ?? 0,
        bias_sd: 0,
        prior_mean: spec.priorMean,
        prior_sd: spec.priorSd ?? 8_000,
        shrinkage_weight: spec.w,
      },
    },
  });
}

/** `matrix[i][j] += value`. */
function add(matrix: number[][], i: number, j: number, value: number): void {
  const row = matrix[i] as number[];
  row[j] = (row[j] as number) + value;
}

/** Solve A·x = b by Gaussian elimination with partial pivoting (A small and dense). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) {
      if (Math.abs(m[row]?.[col] as number) > Math.abs(m[pivot]?.[col] as number)) pivot = row;
    }
    [m[col], m[pivot]] = [m[pivot] as number[], m[col] as number[]];
    for (let row = col + 1; row < n; row++) {
      const factor = (m[row]?.[col] as number) / (m[col]?.[col] as number);
      for (let k = col; k <= n; k++) add(m, row, k, -factor * (m[col]?.[k] as number));
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = m[row]?.[n] as number;
    for (let k = row + 1; k < n; k++) sum -= (m[row]?.[k] as number) * (x[k] as number);
    x[row] = sum / (m[row]?.[row] as number);
  }
  return x;
}

/**
 * The joint posterior of (μ, γ, b_1…b_G) by brute force: the normal equations of
 * `Σ ω(z − xμ − qγ + w·b_g)² + Σ b_g²/P + γ²/0.5² + (μ − p̄)²/τ̄²`, with every bias an explicit parameter (no
 * Sherman–Morrison), so the marginal fit can be checked against it.
 */
function bruteForce(
  groups: OutcomeRecord[][],
  biasPriorSd: number,
): { mu: number; gamma: number; cov: number[][] } {
  const k = 2 + groups.length;
  const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  // The weak prior on μ: N(mean prior mean, mean prior variance) over the pooled records.
  const pooled = groups.flat().filter((entry) => priorMeanTerm(entry, 'return').x !== 0);
  const tau2 =
    pooled.reduce((sum, entry) => sum + (entry.prediction?.components.prior_sd ?? 0) ** 2, 0) / pooled.length;
  const centre = pooled.reduce((sum, entry) => sum + priorMeanTerm(entry, 'return').p, 0) / pooled.length;
  add(a, 0, 0, 1 / tau2);
  b[0] = (b[0] as number) + centre / tau2;
  groups.forEach((records, g) => {
    for (const entry of records) {
      const c = entry.budget;
      const { x, p, q } = priorMeanTerm(entry, 'return');
      const w = entry.prediction?.components.shrinkage_weight ?? 1;
      const bias = (entry.prediction?.components.bias_mean ?? 0) / c;
      const r = (entry.actual_return - entry.predicted_return) / c;
      const v = ((entry.prediction?.sd ?? 0) / c) ** 2;
      const u = ((entry.actual_ci_upper - entry.actual_ci_lower) / (2 * 1.959963984540054 * c)) ** 2;
      const omega = 1 / (v + u);
      const z = r + x * p - w * bias;
      const row = new Array<number>(k).fill(0);
      row[0] = x;
      row[1] = q;
      row[2 + g] = -w;
      for (let i = 0; i < k; i++) {
        b[i] = (b[i] as number) + omega * (row[i] as number) * z;
        for (let j = 0; j < k; j++) add(a, i, j, omega * (row[i] as number) * (row[j] as number));
      }
    }
    add(a, 2 + g, 2 + g, 1 / biasPriorSd ** 2);
  });
  add(a, 1, 1, 1 / 0.25);
  const solution = solve(a, b);
  const cov = [0, 1].map((i) =>
    solve(
      a,
      Array.from({ length: k }, (_, j) => (j === i ? 1 : 0)),
    ),
  );
  return { mu: solution[0] as number, gamma: solution[1] as number, cov };
}

/** Records of `n` funded initiatives: true returns θ ~ N(μ, τ²), shrunk toward a wrong prior mean. */
function simulate(
  seed: number,
  n: number,
  options: { mu: number; priorMean: number; bias: number; overWeight?: number; fundedOnly?: boolean },
) {
  const { normal, uniform } = seededDraws(seed);
  const groups: OutcomeRecord[][] = [[], []];
  for (let i = 0; i < n; i++) {
    const g = i % 2;
    const cost = 5_000 + 25_000 * uniform();
    const theta = options.mu + 8_000 * normal();
    const samplingSd = 4_000 + 8_000 * uniform();
    const bias = g === 1 ? options.bias * cost : 0;
    const estimate = theta + bias + samplingSd * normal();
    // The weight a normal prior with τ = 8,000 gives (no bias term: the fit should learn it).
    // `overWeight` > 1: too little shrinkage (the weight of a prior spread overrated), the same factor for all.
    const w = Math.min(0.98, (options.overWeight ?? 1) * (8_000 ** 2 / (8_000 ** 2 + samplingSd ** 2)));
    const predicted = w * estimate + (1 - w) * options.priorMean;
    const sd = Math.sqrt(w) * samplingSd;
    // `fundedOnly`: only initiatives predicted above the prior mean report an outcome (the winner's curse).
    if (options.fundedOnly === true && predicted < options.priorMean) continue;
    (groups[g] as OutcomeRecord[]).push(
      record({
        id: `i${i}`,
        cost,
        w,
        priorMean: options.priorMean,
        predicted,
        actual: theta + 0.01 * cost * normal(),
        sd,
        modelType: g === 0 ? 'experiment' : 'observational',
      }),
    );
  }
  return groups;
}

/** Mean and its standard error over replicates. */
function summary(values: number[]): { mean: number; se: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return { mean, se: sd / Math.sqrt(values.length) };
}

describe('the prior mean fitted jointly with the designs’ biases', () => {
  it('equals the brute-force joint posterior with every bias an explicit parameter', () => {
    const groups = simulate(11, 40, { mu: 20_000, priorMean: 26_000, bias: 0.4 });
    for (const sd of [0.05, 0.5, 5]) {
      const fit = fitPriorMean(groups, 'return', sd, [], true);
      const brute = bruteForce(groups, sd);
      expect(fit?.mean).toBeCloseTo(brute.mu, 6);
      expect(fit?.shrinkageError).toBeCloseTo(brute.gamma, 9);
      expect(fit?.variance).toBeCloseTo(brute.cov[0]?.[0] as number, 3);
      expect((fit?.variance as number) / (brute.cov[0]?.[0] as number)).toBeCloseTo(1, 9);
      expect((fit?.shrinkageErrorVariance as number) / (brute.cov[1]?.[1] as number)).toBeCloseTo(1, 9);
      expect((fit?.covariance as number) / (brute.cov[0]?.[1] as number)).toBeCloseTo(1, 9);
    }
  });

  it('recovers a prior mean and a bias exactly from noise-free residuals', () => {
    // r = x·(μ − p) − w·b with μ = 12,000, p = 15,000 and an observational bias of 0.3 per unit cost.
    const groups: OutcomeRecord[][] = [[], []];
    for (let i = 0; i < 12; i++) {
      const g = i % 2;
      const cost = 5_000 + 2_000 * i;
      const w = 0.2 + 0.05 * i;
      const predicted = 20_000 + 500 * i;
      const r = ((1 - w) / cost) * (12_000 - 15_000) - w * (g === 1 ? 0.3 : 0);
      (groups[g] as OutcomeRecord[]).push(
        record({
          id: `e${i}`,
          cost,
          w,
          priorMean: 15_000,
          predicted,
          actual: predicted + r * cost,
          sd: 100,
          priorSd: 1e12,
          modelType: g === 0 ? 'experiment' : 'observational',
        }),
      );
    }
    const fit = fitPriorMean(groups, 'return', 1e6, [], false);
    expect(fit?.mean).toBeCloseTo(12_000, 3);
    expect(fit?.n).toBe(12);
    const table = estimateCalibration(groups.flat(), { bias_prior_sd: 1e6, group_by: 'model_type' });
    expect(table.prior_mean?.mean).toBeCloseTo(12_000, 3);
    expect(table.rows.find((row) => row.model_type === 'experiment')?.bias).toBeCloseTo(0, 9);
    expect(table.rows.find((row) => row.model_type === 'observational')?.bias).toBeCloseTo(0.3, 9);
  });

  it('keeps a wrong prior mean out of an unbiased design’s learned bias (80 simulated histories)', () => {
    const learned = { ignore: [] as number[], fitted: [] as number[], mean: [] as number[] };
    for (let seed = 0; seed < 80; seed++) {
      const records = simulate(500 + seed, 60, { mu: 20_000, priorMean: 30_000, bias: 0.4 }).flat();
      const experiment = (table: ReturnType<typeof estimateCalibration>) =>
        table.rows.find((row) => row.model_type === 'experiment')?.bias as number;
      learned.ignore.push(experiment(estimateCalibration(records, { prior_mean: 'ignore' })));
      const table = estimateCalibration(records);
      learned.fitted.push(experiment(table));
      learned.mean.push(table.prior_mean?.mean as number);
    }
    // A prior mean 10,000 too high makes experiments look biased when the fit ignores it …
    const ignore = summary(learned.ignore);
    expect(ignore.mean).toBeGreaterThan(0.1);
    expect(ignore.mean).toBeGreaterThan(6 * ignore.se);
    // … and not when the prior mean is fitted jointly, which lands near the true 20,000.
    const fitted = summary(learned.fitted);
    expect(Math.abs(fitted.mean)).toBeLessThan(3 * fitted.se + 0.01);
    const mean = summary(learned.mean);
    expect(Math.abs(mean.mean - 20_000)).toBeLessThan(3 * mean.se + 200);
  });

  it('with shrinkage_error, keeps too weak a shrinkage out of the biases and recovers a biased design', () => {
    // Predictions weight the estimates 1.4 times what the truth warrants; only those above the prior report.
    const learned = {
      plain: [] as number[],
      gamma: [] as number[],
      biased: [] as number[],
      error: [] as number[],
    };
    for (let seed = 0; seed < 80; seed++) {
      const records = simulate(900 + seed, 120, {
        mu: 20_000,
        priorMean: 20_000,
        bias: 0.4,
        overWeight: 1.4,
        fundedOnly: true,
      }).flat();
      const bias = (table: ReturnType<typeof estimateCalibration>, type: ModelType) =>
        table.rows.find((row) => row.model_type === type)?.bias as number;
      learned.plain.push(bias(estimateCalibration(records, { shrinkage_error: false }), 'experiment'));
      const table = estimateCalibration(records, { shrinkage_error: true });
      learned.gamma.push(bias(table, 'experiment'));
      learned.biased.push(bias(table, 'observational'));
      learned.error.push(table.prior_mean?.shrinkage_error as number);
    }
    const plain = summary(learned.plain);
    // Too little shrinkage makes funded experiments look biased …
    expect(plain.mean).toBeGreaterThan(6 * plain.se);
    // … unless the shrinkage error is fitted: then the experiments centre on 0, the observational design's
    // 0.4 is recovered, and γ lands near 1/1.4 − 1 = −0.29 (the cap at 0.98 moves it a little).
    const gamma = summary(learned.gamma);
    expect(Math.abs(gamma.mean)).toBeLessThan(3 * gamma.se + 0.01);
    const biased = summary(learned.biased);
    expect(Math.abs(biased.mean - 0.4)).toBeLessThan(3 * biased.se + 0.02);
    const error = summary(learned.error);
    expect(Math.abs(error.mean - (1 / 1.4 - 1))).toBeLessThan(0.05);
  });

  it('is absent with prior_mean: ignore and without pooled predictions', () => {
    const groups = simulate(3, 10, { mu: 0, priorMean: 0, bias: 0 });
    expect(fitPriorMean(groups, 'ignore', 0.5)).toBeUndefined();
    expect(estimateCalibration(groups.flat(), { prior_mean: 'ignore' }).prior_mean).toBeUndefined();
    const unpooled = groups.flat().map((entry) =>
      OutcomeRecordSchema.parse({
        ...entry,
        prediction: {
          ...entry.prediction,
          components: { ...entry.prediction?.components, prior_mean: null },
        },
      }),
    );
    expect(fitPriorMean([unpooled], 'return', 0.5)).toBeUndefined();
  });
});
