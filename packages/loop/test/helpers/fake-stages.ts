import {
  type AllocationResult,
  createTable,
  type MeasureResult,
  parseAllocationResult,
  parseMeasureResult,
  type ReviewResult,
} from '@impact/contracts';
import type { LoopStages, MeasureRequest, PipelineConfigInput, SimulateRequest } from '../../src/index';

/**
 * Hand-written stages for orchestrator tests. The "simulator" draws `products` noisy outcomes with a true
 * effect `effect` (from `config.effect`) using a tiny LCG seeded by `config.seed`; the "model" is a
 * difference in means with a normal 95% CI; the reviewer values the CI; the allocator is greedy by R_med.
 */
export interface FakeLog {
  simulate: SimulateRequest[];
  measure: MeasureRequest[];
  inFlight: number;
  maxInFlight: number;
}

function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function fakeStages(
  options: { failMeasure?: (request: MeasureRequest) => boolean; delayMs?: number } = {},
): { stages: LoopStages; log: FakeLog } {
  const log: FakeLog = { simulate: [], measure: [], inFlight: 0, maxInFlight: 0 };
  const stages: LoopStages = {
    simulate(request) {
      log.simulate.push(request);
      const products = Number(request.config.products);
      const effect = Number(request.config.effect);
      const random = lcg(Number(request.config.seed));
      const outcome = new Float64Array(products);
      const treated = new Uint8Array(products);
      for (let i = 0; i < products; i++) {
        treated[i] = i % 2;
        // Sum of uniforms: mean 0, variance 1.
        const noise = (random() + random() + random() - 1.5) * 2;
        outcome[i] = 10 + (treated[i] as number) * effect + noise;
      }
      return {
        data: createTable({ outcome, treated }),
        truth: { outcome: { att_absolute: effect, att_relative: effect / 10 } },
      };
    },
    async measure(request) {
      log.measure.push(request);
      log.inFlight += 1;
      log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1));
        if (options.failMeasure?.(request))
          throw new Error(`fake measure failure for ${request.initiativeId}`);
        const table = request.data;
        if (table === undefined) throw new Error('no data');
        const outcome = table.columns.outcome as Float64Array;
        const treated = table.columns.treated as Uint8Array;
        const sums = [0, 0];
        const squares = [0, 0];
        const counts = [0, 0];
        outcome.forEach((value, i) => {
          const g = treated[i] as number;
          sums[g] = (sums[g] as number) + value;
          squares[g] = (squares[g] as number) + value * value;
          counts[g] = (counts[g] as number) + 1;
        });
        const mean = (g: number) => (sums[g] as number) / (counts[g] as number);
        const variance = (g: number) =>
          ((squares[g] as number) - (counts[g] as number) * mean(g) ** 2) / ((counts[g] as number) - 1);
        const effect = mean(1) - mean(0);
        const se = Math.sqrt(variance(1) / (counts[1] as number) + variance(0) / (counts[0] as number));
        const result: MeasureResult = parseMeasureResult({
          initiative_id: request.initiativeId,
          effect_estimate: effect,
          ci_lower: effect - 1.96 * se,
          ci_upper: effect + 1.96 * se,
          standard_error: se,
          p_value: 0.01,
          sample_size: table.rowCount,
          model_type: 'experiment',
          method: 'difference_in_means',
          metric: 'outcome',
        });
        return { result, artifactUri: `${request.artifactDir}/job` };
      } finally {
        log.inFlight -= 1;
      }
    },
    async review(request): Promise<ReviewResult> {
      const m = request.valuation.value_per_unit * request.valuation.units;
      return {
        id: request.measurement.initiative_id,
        confidence: request.measurement.effect_estimate > 0 ? 0.9 : 0.4,
        cost: request.cost,
        R_best: request.measurement.ci_upper * m,
        R_med: request.measurement.effect_estimate * m,
        R_worst: request.measurement.ci_lower * m,
        model_type: request.measurement.model_type,
        flags: [],
        rationale: 'fake',
        reviewer: { name: 'fake', kind: 'deterministic' },
      };
    },
    async allocate(reviews, request): Promise<AllocationResult> {
      const minConfidence = Number(request.config.min_confidence ?? 0);
      const eligible = reviews.filter((review) => review.confidence >= minConfidence && review.R_med > 0);
      const ranked = [...eligible].sort((a, b) => b.R_med - a.R_med);
      let left = request.budget;
      const selected: ReviewResult[] = [];
      for (const review of ranked) {
        if (review.cost <= left) {
          selected.push(review);
          left -= review.cost;
        }
      }
      return parseAllocationResult({
        selected_initiatives: selected.map((r) => r.id),
        predicted_returns: Object.fromEntries(selected.map((r) => [r.id, r.R_med])),
        budget_allocated: Object.fromEntries(selected.map((r) => [r.id, r.cost])),
        rule: 'greedy',
        objective_value: selected.reduce((sum, r) => sum + r.R_med, 0),
        total_cost: request.budget - left,
        budget: request.budget,
        detail: {
          excluded_by_confidence: reviews.filter((r) => r.confidence < minConfidence).map((r) => r.id),
          solve_time_ms: Math.random(),
        },
      });
    },
  };
  return { stages, log };
}

/** A pipeline of `effects.length` initiatives for the fake stages. */
export function fakePipeline(
  effects: readonly number[],
  costs: readonly number[],
  extra: Record<string, unknown> = {},
): PipelineConfigInput {
  return {
    budget: 100,
    seed: 7,
    concurrency: 2,
    ...extra,
    initiatives: effects.map((effect, k) => ({
      initiative_id: `init-${k}`,
      cost_to_scale: costs[k],
      pilot: { simulation: { products: 200, effect }, measure: { model: { name: 'fake' } } },
      scale_sample_size: 2000,
      valuation: { value_per_unit: 1, units: 10 },
    })),
  } as PipelineConfigInput;
}
