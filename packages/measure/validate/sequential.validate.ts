/**
 * Peeking at an experiment every day for 60 days: the always-valid (normal-mixture) p-value and confidence
 * sequence of the experiment model's `sequential:` mode against the fixed-horizon t-test read at every look.
 * Design: 100 users a day, each randomised to treatment with probability 0.5; revenue lognormal
 * (exp(N(0, 1)), skewed like real revenue); HC1 errors; tuning `planned_sample_size: 6000` (the 60-day total).
 * - A/A (no effect), 2000 runs: type-I error = share of runs rejecting at any of the 60 looks. The file throws
 *   unless the always-valid test stays ≤ 5% and the peeked fixed-horizon test exceeds 5% on the same data.
 * - Lift +0.15 (≈ 0.07 SD), 1000 runs: share of runs whose confidence sequence covers the truth at every look
 *   (time-uniform coverage, meant to be ≥ 95%), and the mean day the sequential test first rejects.
 * Both rates are printed to stderr. The rows are shown, not gated by the coverage band (a time-uniform
 * coverage is meant to exceed 0.98); the file's own checks gate them.
 * Run alone: npx tsx --conditions=@impact/source packages/measure/validate/sequential.validate.ts
 */
import { createTable } from '@impact/contracts';
import { ExperimentParamsSchema, experimentModel } from '../src/models/experiment';
import { twoSidedPValue } from '../src/stats/distributions';
import { createNormal } from './dgp';
import { summarize } from './summary';
import type { ValidationRow } from './types';

const DAYS = 60;
const USERS_PER_DAY = 100;

interface LookRow {
  look: number | string;
  sample_size: number;
  estimate: number;
  standard_error: number;
  always_valid_p_value: number;
  ci_lower: number;
  ci_upper: number;
}

function simulateRun(seed: number, lift: number) {
  const normal = createNormal(seed);
  let uniformState = (seed * 2246822519) >>> 0 || 7;
  const uniform = () => {
    uniformState = (Math.imul(uniformState, 1664525) + 1013904223) >>> 0;
    return uniformState / 4294967296;
  };
  const n = DAYS * USERS_PER_DAY;
  const day = new Float64Array(n);
  const treated = new Float64Array(n);
  const revenue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    day[i] = 1 + Math.floor(i / USERS_PER_DAY);
    treated[i] = uniform() < 0.5 ? 1 : 0;
    revenue[i] = Math.exp(normal()) + lift * (treated[i] as number);
  }
  const table = createTable({ day, treated, revenue });
  const params = ExperimentParamsSchema.parse({
    outcome: 'revenue',
    treatment: 'treated',
    sequential: { planned_sample_size: n, look_column: 'day' },
  });
  const estimate = experimentModel.fit(table, params, { ciLevel: 0.95, seed });
  return { estimate, looks: estimate.details.sequential_looks as LookRow[] };
}

/** Run both designs; throws when the always-valid test does not control peeking or peeking looks harmless. */
export async function run(): Promise<ValidationRow[]> {
  const nullRuns = 2000;
  let sequentialRejections = 0;
  let peekedRejections = 0;
  let finalRejections = 0;
  const sequentialRows: Parameters<typeof summarize>[2] = [];
  const peekedRows: Parameters<typeof summarize>[2] = [];
  for (let r = 0; r < nullRuns; r++) {
    const { estimate, looks } = simulateRun(70_000 + r, 0);
    const sequentialRejected = (estimate.diagnostics.sequential_p_value as number) < 0.05;
    const peekedRejected = looks.some(
      (look) => twoSidedPValue(look.estimate / look.standard_error, look.sample_size - 2) < 0.05,
    );
    sequentialRejections += sequentialRejected ? 1 : 0;
    peekedRejections += peekedRejected ? 1 : 0;
    finalRejections += estimate.p_value < 0.05 ? 1 : 0;
    // "Covered at every look" as an interval that contains 0 or not.
    const flag = (covered: boolean) => ({
      estimate: estimate.effect_estimate,
      truth: 0,
      ciLower: covered ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      ciUpper: covered ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY,
    });
    sequentialRows.push(flag(!sequentialRejected));
    peekedRows.push(flag(!peekedRejected));
  }
  const sequentialRate = sequentialRejections / nullRuns;
  const peekedRate = peekedRejections / nullRuns;
  process.stderr.write(
    `sequential.validate.ts: A/A, ${DAYS} daily looks, ${nullRuns} runs: type-I error always-valid ${sequentialRate.toFixed(4)}, fixed-horizon t-test peeked daily ${peekedRate.toFixed(4)}, fixed-horizon read once at day ${DAYS} ${(finalRejections / nullRuns).toFixed(4)}\n`,
  );
  if (sequentialRate > 0.05)
    throw new Error(`always-valid type-I error ${sequentialRate} exceeds 5% under daily peeking`);
  if (!(peekedRate > 0.05))
    throw new Error(`peeked fixed-horizon type-I error ${peekedRate} does not exceed 5%`);

  const lift = 0.15;
  const liftRuns = 1000;
  const coverRows: Parameters<typeof summarize>[2] = [];
  let rejectedRuns = 0;
  let stopDaySum = 0;
  for (let r = 0; r < liftRuns; r++) {
    const { estimate, looks } = simulateRun(90_000 + r, lift);
    const coveredAlways = looks.every((look) => look.ci_lower <= lift && lift <= look.ci_upper);
    coverRows.push({
      estimate: estimate.effect_estimate,
      truth: lift,
      ciLower: coveredAlways ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      ciUpper: coveredAlways ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY,
    });
    const first = estimate.diagnostics.sequential_first_rejection;
    if (first !== undefined) {
      rejectedRuns++;
      stopDaySum += first === 'final' ? DAYS : (first as number);
    }
  }
  const uniformCoverage = coverRows.filter((row) => row.ciLower < 0).length / liftRuns;
  process.stderr.write(
    `sequential.validate.ts: lift ${lift}, ${liftRuns} runs: time-uniform coverage ${uniformCoverage.toFixed(4)}, rejected in ${rejectedRuns} runs, mean first-rejection day ${(stopDaySum / Math.max(1, rejectedRuns)).toFixed(1)}\n`,
  );
  if (uniformCoverage < 0.94) throw new Error(`time-uniform coverage ${uniformCoverage} below 0.94`);
  const shown = 'coverage over all 60 looks; gated in this file (type-I ≤ 5%, time-uniform coverage ≥ 0.94)';
  return [
    {
      ...summarize(
        'experiment (sequential)',
        'A/A, 100 users/day, 60 daily looks; CS covers 0 at every look',
        sequentialRows,
      ),
      not_gated: shown,
    },
    {
      ...summarize(
        'experiment (fixed-horizon t, peeked)',
        'same runs; t-test CI covers 0 at every look',
        peekedRows,
      ),
      expectation: 'known_undercoverage',
    },
    {
      ...summarize(
        'experiment (sequential)',
        `lift ${lift}, same design; CS covers the lift at every look`,
        coverRows,
      ),
      not_gated: shown,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`));
}
