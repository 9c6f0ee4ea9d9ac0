/**
 * Benchmark: deterministic review of 1,000 measurements (all four methodologies, with diagnostics).
 * Prints median timings over repeated runs; asserts nothing.
 */
import { type MeasureResultInput, MODEL_TYPES } from '@impact/contracts';
import { createDeterministicReviewer, type ReviewInput, reviewAll, reviewParsed } from '../src/index';
import { parseReviewInput } from '../src/reviewer/reviewer';
import { parseReviewRules } from '../src/rules/rules';

function makeInputs(count: number): ReviewInput[] {
  // A small LCG keeps the inputs identical from run to run.
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: count }, (_, index) => {
    const effect = (random() - 0.3) * 20;
    const se = 0.5 + random() * 5;
    const measurement: MeasureResultInput = {
      initiative_id: `init-${index}`,
      effect_estimate: effect,
      ci_lower: effect - 1.96 * se,
      ci_upper: effect + 1.96 * se,
      standard_error: se,
      p_value: random(),
      sample_size: 100 + Math.floor(random() * 10_000),
      model_type: MODEL_TYPES[index % 4]!,
      method: 'bench',
      metric: 'revenue',
      diagnostics: {
        pretrend_p_value: random(),
        placebo_p_value: random(),
        max_abs_smd_after: random() * 0.3,
        srm_p_value: random(),
      },
    };
    return { measurement, cost: 1000 + index, valuation: { value_per_unit: 1, units: 90 * 500 } };
  });
}

async function median(label: string, runs: number, body: () => Promise<unknown> | unknown) {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    case: label,
    runs,
    median_ms: Number(times[Math.floor(runs / 2)]!.toFixed(2)),
    min_ms: Number(times[0]!.toFixed(2)),
  };
}

const inputs = makeInputs(1000);
const reviewer = createDeterministicReviewer();
const rules = parseReviewRules();
const parsedInputs = inputs.map(parseReviewInput);
await reviewAll(inputs, reviewer); // warm-up
const rows = [
  await median('reviewAll(1,000) deterministic, concurrency 4', 21, () => reviewAll(inputs, reviewer)),
  await median('reviewAll(1,000) deterministic, concurrency 1000', 21, () =>
    reviewAll(inputs, reviewer, { concurrency: 1000 }),
  ),
  await median('reviewParsed × 1,000 (inputs parsed beforehand)', 21, () =>
    parsedInputs.map((input) => reviewParsed(input, rules)),
  ),
  await median('parseReviewInput × 1,000 (boundary validation only)', 21, () => inputs.map(parseReviewInput)),
];
console.table(rows);
