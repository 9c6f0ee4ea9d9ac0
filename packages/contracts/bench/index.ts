/**
 * Benchmark: validating stage payloads at the sizes a loop run produces.
 * Run with `pnpm --filter @impact/contracts bench`.
 */
import { parseMeasureResult, parseReviewResult } from '@impact/contracts';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function time(label: string, count: number, action: () => void, repeats = 7): void {
  action();
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    action();
    samples.push(performance.now() - start);
  }
  const ms = median(samples);
  console.log(
    `${label.padEnd(44)} ${ms.toFixed(2).padStart(9)} ms  (${Math.round((count / ms) * 1000).toLocaleString('en-US')} /s)`,
  );
}

const N = 10_000;
const measures = Array.from({ length: N }, (_, i) => ({
  initiative_id: `initiative-${i}`,
  effect_estimate: i % 7,
  ci_lower: (i % 7) - 1,
  ci_upper: (i % 7) + 1,
  standard_error: 0.5,
  p_value: 0.04,
  sample_size: 500 + i,
  model_type: 'experiment',
  method: 'experiment',
  metric: 'revenue',
  diagnostics: { r_squared: 0.3, n_treated: 250 },
}));
const reviews = measures.map((m, i) => ({
  id: m.initiative_id,
  confidence: 0.9,
  cost: 1000 + i,
  R_best: m.ci_upper,
  R_med: m.effect_estimate,
  R_worst: m.ci_lower,
  model_type: 'experiment',
  flags: [{ code: 'NOT_SIGNIFICANT', message: 'p ≥ 0.05' }],
  rationale: 'bench',
  reviewer: { name: 'deterministic', kind: 'deterministic' },
}));

console.log(`@impact/contracts — median of 7 runs, Node ${process.version}`);
time(`parseMeasureResult × ${N.toLocaleString('en-US')}`, N, () => {
  for (const m of measures) parseMeasureResult(m);
});
time(`parseReviewResult × ${N.toLocaleString('en-US')}`, N, () => {
  for (const r of reviews) parseReviewResult(r);
});
