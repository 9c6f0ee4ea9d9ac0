/**
 * Child process of csv-load.bench.ts: load a CSV through the `file` source and fit OLS HC1 with the
 * `experiment` model in a fresh process, then print one JSON line with the wall time and peak RSS.
 * Usage: tsx --conditions=@impact/source bench/csv-load-child.ts <file.csv>
 */
import { evaluateImpact } from '../src/evaluate';

const path = process.argv[2] as string;
// RSS of the runtime itself (Node, the TypeScript loader, imported modules) before any data is read.
const startupRss = process.memoryUsage().rss / 2 ** 20;
const start = performance.now();
const { result } = await evaluateImpact({
  config: {
    initiative_id: 'csv-bench',
    data: { source: 'file', path },
    model: {
      name: 'experiment',
      params: { formula: 'y ~ treated + x1 + x2 + x3 + x4 + x5', covariance: 'HC1' },
    },
  },
});
const seconds = (performance.now() - start) / 1000;
console.log(
  JSON.stringify({
    seconds,
    max_rss_mb: process.resourceUsage().maxRSS / 1024,
    startup_rss_mb: startupRss,
    estimate: result.effect_estimate,
    standard_error: result.standard_error,
    n: result.sample_size,
  }),
);
