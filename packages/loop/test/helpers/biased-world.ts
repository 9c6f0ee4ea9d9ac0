import { createTable, type MeasureResult, parseMeasureResult } from '@impact/contracts';
import type { LoopStages, PipelineConfigInput } from '../../src/index';

/**
 * A small simulated world with one deliberately biased methodology, for the multi-cycle evidence (unit
 * test) and the cycle study (scripts/cycle-study.ts). Every initiative has a true effect (per unit); its
 * pilot is either
 *
 * - `observational`: treated units are selected on popularity, and popularity also raises the outcome,
 *   so the estimate is confounded: estimate = truth + `bias` + noise (sd `noise_sd`), reported with a
 *   normal 95% interval of ± 1.96·`noise_sd` (the model believes it is unbiased), or
 * - `experiment`: randomized, estimate = truth + noise, same interval, unbiased.
 *
 * The scale run of every initiative is an experiment on a large rollout: estimate = truth + noise with a
 * small `scale_sd`. The "simulator" draws the noise from a seeded PRNG (mulberry32), so the loop's seeds
 * decide everything. The real review (deterministic) and allocate stages run on top of these stages.
 */
export interface BiasedWorldOptions {
  /** Cycles in the pipeline. */
  cycles: number;
  /** New initiatives joining in every cycle (half observational, half experiment). */
  joiningPerCycle: number;
  /** Budget per cycle. */
  budget: number;
  /** Selection bias of observational pilots, in effect units. */
  bias: number;
  /** Allocation rule. */
  rule: 'minimax_regret' | 'expected_return' | 'maximin';
  /** Calibration on or off. */
  calibration: boolean;
  /** The predictive model's `outcomes` (default `prior`, the model's own default). */
  outcomes?: 'prior' | 'ignore';
}

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(uniform: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

const UNITS = 10;

/**
 * The pipeline of one seed: `cycles × joiningPerCycle` initiatives, those of cycle k joining in cycle k,
 * true effects ~ N(1, 1), costs ~ U(10, 30), observational ones with an experiment as `restudy` design.
 */
export function biasedWorldPipeline(seed: number, options: BiasedWorldOptions): PipelineConfigInput {
  const random = prng(seed * 7919 + 17);
  const initiatives: Record<string, unknown>[] = [];
  for (let cycle = 1; cycle <= options.cycles; cycle++) {
    for (let j = 0; j < options.joiningPerCycle; j++) {
      const observational = j % 2 === 0;
      const effect = Math.round((1 + normal(random)) * 1000) / 1000;
      const cost = Math.round(10 + 20 * random());
      const pilot = (design: 'observational' | 'experiment') => ({
        simulation: {
          effect,
          design,
          bias: design === 'observational' ? options.bias : 0,
          noise_sd: 0.4,
        },
        measure: { model: { name: design } },
      });
      initiatives.push({
        initiative_id: `c${cycle}-${observational ? 'obs' : 'exp'}-${j}`,
        cost_to_scale: cost,
        joins_in_cycle: cycle,
        pilot: pilot(observational ? 'observational' : 'experiment'),
        ...(observational ? { restudy: { pilot: pilot('experiment') } } : {}),
        scale: { simulation: { effect, design: 'experiment', bias: 0, noise_sd: 0.05 } },
        valuation: { value_per_unit: 1, units: UNITS },
      });
    }
  }
  return {
    budget: options.budget,
    seed,
    concurrency: 4,
    cycles: options.cycles,
    review: {
      reviewer: 'deterministic',
      ...(options.outcomes === undefined
        ? {}
        : { decision_model: { name: 'predictive', outcomes: options.outcomes } }),
    },
    allocate: { rule: options.rule, solver: 'highs' },
    ...(options.calibration ? { calibration: { enabled: true } } : {}),
    initiatives,
  } as unknown as PipelineConfigInput;
}

/** The biased world's simulate and measure stages (review and allocate stay the real ones). */
export function biasedWorldStages(): Pick<LoopStages, 'simulate' | 'measure'> {
  return {
    simulate(request) {
      const config = request.config as {
        effect: number;
        design: string;
        bias: number;
        noise_sd: number;
        seed: number;
      };
      const random = prng(Number(config.seed));
      const estimate = config.effect + config.bias + config.noise_sd * normal(random);
      return {
        data: createTable({
          estimate: new Float64Array([estimate]),
          sd: new Float64Array([config.noise_sd]),
          design: [config.design],
        }),
        truth: { outcome: { att_absolute: config.effect, att_relative: config.effect / 10 } },
      };
    },
    async measure(request) {
      const data = request.data;
      if (data === undefined) throw new Error('biased world: no data');
      const estimate = (data.columns.estimate as Float64Array)[0] as number;
      const se = (data.columns.sd as Float64Array)[0] as number;
      const design = (data.columns.design as string[])[0] as string;
      const z = estimate / se;
      const result: MeasureResult = parseMeasureResult({
        initiative_id: request.initiativeId,
        effect_estimate: estimate,
        ci_lower: estimate - 1.96 * se,
        ci_upper: estimate + 1.96 * se,
        standard_error: se,
        p_value: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))),
        sample_size: design === 'observational' ? 600 : 400,
        model_type: design === 'observational' ? 'observational' : 'experiment',
        method: design === 'observational' ? 'nearest_neighbour_matching' : 'difference_in_means',
        metric: 'outcome',
      });
      return { result };
    },
  };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf), enough for a p-value in a toy model. */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}
