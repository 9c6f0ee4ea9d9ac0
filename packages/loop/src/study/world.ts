import { normalQuantile, streamKey, Xoshiro128 } from '@impact/simulate';
import type { PipelineConfigInput } from '../config/pipeline-schema';

/**
 * The measurement designs a generated world draws from, one per family of the review's methodology bands:
 * a randomized experiment with CUPED, difference in differences, nearest-neighbour matching and IPW on
 * products selected by popularity and quality, synthetic control on a few treated products, and an
 * interrupted time series on a roll-out to every product.
 */
export const WORLD_DESIGNS = [
  'experiment',
  'difference_in_differences',
  'matching',
  'ipw',
  'synthetic_control',
  'interrupted_time_series',
] as const;

/** One of the {@link WORLD_DESIGNS}. */
export type WorldDesign = (typeof WORLD_DESIGNS)[number];

/** Settings of {@link generateDecisionWorld}; every field has a default. */
export interface DecisionWorldOptions {
  /** Smallest and largest number of initiatives (inclusive). Default [6, 10]. */
  initiatives?: readonly [number, number];
  /** Budget as a share of the initiatives' total cost, drawn uniformly from this range. Default [0.5, 0.6]. */
  budgetShare?: readonly [number, number];
  /** Cost range of one initiative, drawn uniformly. Default [5000, 30000]. */
  costRange?: readonly [number, number];
  /**
   * True multiplicative effects are drawn from N(mean, sd²) and clipped to (−0.5, 0.6). The default
   * N(0.04, 0.075²) makes about 30% of them negative.
   */
  effect?: { mean: number; sd: number };
  /** Designs to draw from (uniformly, with replacement). Default: every one of {@link WORLD_DESIGNS}. */
  designs?: readonly WorldDesign[];
  /** Products of the randomized scale roll-out. Default 2000. */
  scaleProducts?: number;
  /** Days the scaled effect lasts (the valuation horizon). Default 30. */
  horizonDays?: number;
  /** Margin earned on a unit of revenue (the valuation's `value_per_unit`). Default 0.05. */
  margin?: number;
  /**
   * Multi-cycle worlds: number of cycles initiatives join over. Initiatives get `joins_in_cycle` 1 … cycles
   * (the first cycle gets the initiative range, each later cycle `joiningPerCycle` more). Default 1.
   */
  cycles?: number;
  /** New initiatives per later cycle (multi-cycle worlds). Default 4. */
  joiningPerCycle?: number;
  /**
   * Multi-cycle worlds: every cycle's pool is its new initiatives only; one not funded in the cycle it joins
   * leaves (`leaves_after_cycle`). Cycles are then alike but for what the loop has learned, so later cycles
   * against the first measure learning, not the quality of what earlier cycles left behind. Default false.
   */
  freshPools?: boolean;
}

/** The ground truth of one generated initiative, as drawn (before simulation noise). */
export interface WorldInitiativeTruth {
  /** Design of its pilot. */
  design: WorldDesign;
  /** Funnel stage the effect enters. */
  metric: 'conversion' | 'visits' | 'units';
  /** The drawn multiplicative effect size. */
  effect: number;
}

/** A generated decision world: a pipeline the loop runs as it is, and what was drawn to make it. */
export interface DecisionWorld {
  /** The seed the world was generated from. */
  seed: number;
  /** A complete pipeline configuration (`runLoop({ config: world.pipeline, … })`). */
  pipeline: Omit<PipelineConfigInput, 'initiatives'> & {
    budget: number;
    initiatives: Record<string, unknown>[];
  };
  /** What was drawn for each initiative, by id. */
  truth: Record<string, WorldInitiativeTruth>;
}

const START = '2024-01-01';
const PILOT_END = '2024-02-25';
const TREATMENT_START = '2024-01-29';
const METRICS = ['conversion', 'visits', 'units'] as const;

/** A seeded stream of uniforms and normals for one named purpose of one world. */
class WorldRandom {
  private readonly rng = new Xoshiro128();
  constructor(seed: number, name: string) {
    this.rng.seedCell(streamKey(seed, name), 0, 0);
  }
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.rng.nextUniform();
  }
  integer(low: number, high: number): number {
    return Math.min(high, low + Math.floor(this.rng.nextUniform() * (high - low + 1)));
  }
  normal(mean: number, sd: number): number {
    return mean + sd * normalQuantile(this.rng.nextUniform());
  }
  pick<T>(values: readonly T[]): T {
    return values[Math.min(values.length - 1, Math.floor(this.rng.nextUniform() * values.length))] as T;
  }
}

interface PilotDesign {
  simulation: Record<string, unknown>;
  measure: Record<string, unknown>;
}

const OBSERVATIONAL_COVARIATES = ['revenue_pre', 'price', 'quality_score', 'baseline_traffic'];

/** The pilot simulation and measurement of one design, for an effect entering `metric`. */
function pilotDesign(
  design: WorldDesign,
  metric: string,
  effect: number,
  seed: number,
  random: WorldRandom,
): PilotDesign {
  const effectConfig = { type: 'multiplicative', size: effect };
  const base = { seed, start_date: START, end_date: PILOT_END };
  const selected = {
    assignment: 'selection',
    fraction: 0.3,
    selection: { popularity: random.uniform(0.3, 0.8), quality: random.uniform(0, 0.5) },
    start_date: TREATMENT_START,
    metric,
    effect: effectConfig,
  };
  const byProduct = [{ name: 'aggregate_by_product', metric: 'revenue', window: 'post' }];
  switch (design) {
    case 'experiment':
      return {
        simulation: {
          ...base,
          products: random.integer(200, 500),
          treatment: {
            assignment: 'random',
            fraction: 0.5,
            start_date: TREATMENT_START,
            metric,
            effect: effectConfig,
          },
        },
        measure: {
          transforms: byProduct,
          model: {
            name: 'experiment',
            params: { formula: 'revenue ~ treated', pre_period_metric: 'revenue_pre' },
          },
        },
      };
    case 'difference_in_differences':
      return {
        simulation: { ...base, products: random.integer(200, 400), treatment: selected },
        measure: {
          model: {
            name: 'difference_in_differences',
            params: {
              outcome: 'revenue',
              unit: 'product_id',
              time: 'date',
              treated: 'treated',
              post: 'post',
            },
          },
        },
      };
    case 'matching':
      return {
        simulation: { ...base, products: random.integer(400, 700), treatment: selected },
        measure: {
          transforms: byProduct,
          model: {
            name: 'nearest_neighbour_matching',
            params: { outcome: 'revenue', treatment: 'treated', covariates: OBSERVATIONAL_COVARIATES },
          },
        },
      };
    case 'ipw':
      return {
        simulation: { ...base, products: random.integer(400, 700), treatment: selected },
        measure: {
          transforms: byProduct,
          model: {
            name: 'ipw',
            params: {
              outcome: 'revenue',
              treatment: 'treated',
              covariates: OBSERVATIONAL_COVARIATES,
              estimand: 'ATT',
            },
          },
        },
      };
    case 'synthetic_control':
      return {
        simulation: {
          ...base,
          products: random.integer(600, 900),
          treatment: {
            assignment: 'random',
            fraction: 0.03,
            start_date: TREATMENT_START,
            metric,
            effect: effectConfig,
          },
        },
        measure: {
          transforms: [{ name: 'prepare_for_synthetic_control', metric: 'revenue', unit: 'brand' }],
          model: { name: 'synthetic_control', params: { outcome: 'revenue', unit: 'unit', time: 'date' } },
        },
      };
    case 'interrupted_time_series':
      return {
        simulation: {
          ...base,
          end_date: '2024-03-10',
          products: random.integer(200, 400),
          treatment: { assignment: 'all', start_date: '2024-02-12', metric, effect: effectConfig },
        },
        measure: {
          transforms: [{ name: 'aggregate_by_date', metric: 'revenue' }],
          model: {
            name: 'interrupted_time_series',
            params: { outcome: 'revenue', time: 'date', post: 'post', weekday_effects: true },
          },
        },
      };
  }
}

function initiativeCount(options: DecisionWorldOptions, random: WorldRandom): number {
  const [low, high] = options.initiatives ?? [6, 10];
  const cycles = options.cycles ?? 1;
  return random.integer(low, high) + (cycles - 1) * (options.joiningPerCycle ?? 4);
}

/**
 * Generate a random decision world from a seed: 6–10 retail initiatives with random true multiplicative
 * effects (about 30% negative), costs of 5,000–30,000, a budget of 50–60% of their total cost, pilots whose
 * designs are drawn from every family (including selection-biased observational ones), and a randomized
 * roll-out to 2,000 products as every initiative's scale run. The result is an ordinary pipeline: run it
 * with `runLoop`, or through the decision benchmark ({@link runDecisionBenchmark}). Same seed and options,
 * same world.
 *
 * Returns are valued as the outcome report values them: effect per product-day × margin × scale products ×
 * horizon days (`valuation.units`).
 *
 * @example
 * ```ts
 * const world = generateDecisionWorld(17);
 * await runLoop({ config: world.pipeline, outDir: 'results/world-17' });
 * ```
 */
export function generateDecisionWorld(seed: number, options: DecisionWorldOptions = {}): DecisionWorld {
  const random = new WorldRandom(seed, 'decision-world');
  const count = initiativeCount(options, random);
  const firstCycle = count - ((options.cycles ?? 1) - 1) * (options.joiningPerCycle ?? 4);
  const designs = options.designs ?? WORLD_DESIGNS;
  const [costLow, costHigh] = options.costRange ?? [5000, 30000];
  const effectPrior = options.effect ?? { mean: 0.04, sd: 0.075 };
  const scaleProducts = options.scaleProducts ?? 2000;
  const horizonDays = options.horizonDays ?? 30;
  const margin = options.margin ?? 0.05;
  const initiatives: Record<string, unknown>[] = [];
  const truth: Record<string, WorldInitiativeTruth> = {};
  let totalCost = 0;
  for (let k = 0; k < count; k++) {
    const id = `initiative-${String(k + 1).padStart(2, '0')}`;
    const design = random.pick(designs);
    const metric = random.pick(METRICS);
    const effect = Math.min(0.6, Math.max(-0.5, random.normal(effectPrior.mean, effectPrior.sd)));
    const cost = Math.round(random.uniform(costLow, costHigh) / 100) * 100;
    totalCost += cost;
    const pilotSeed = streamKey(seed, `${id}/pilot`) % 1_000_000_000;
    const pilot = pilotDesign(design, metric, effect, pilotSeed, random);
    const pilotTreatment = (pilot.simulation.treatment ?? {}) as Record<string, unknown>;
    const joinsIn = k < firstCycle ? 1 : 2 + Math.floor((k - firstCycle) / (options.joiningPerCycle ?? 4));
    initiatives.push({
      initiative_id: id,
      cost_to_scale: cost,
      pilot,
      scale: {
        simulation: {
          seed: streamKey(seed, `${id}/scale`) % 1_000_000_000,
          products: scaleProducts,
          start_date: START,
          end_date: PILOT_END,
          treatment: {
            assignment: 'random',
            fraction: 0.5,
            start_date: TREATMENT_START,
            metric: pilotTreatment.metric,
            effect: pilotTreatment.effect,
          },
        },
        measure: {
          transforms: [{ name: 'aggregate_by_product', metric: 'revenue', window: 'post' }],
          model: {
            name: 'experiment',
            params: { formula: 'revenue ~ treated', pre_period_metric: 'revenue_pre' },
          },
        },
      },
      valuation: {
        value_per_unit: margin,
        units: scaleProducts * horizonDays,
        currency: 'USD',
        label: `${Math.round(margin * 100)}% margin on revenue per product-day × ${scaleProducts} products × ${horizonDays} days`,
      },
      ...(joinsIn > 1 ? { joins_in_cycle: joinsIn } : {}),
      ...(options.freshPools === true && (options.cycles ?? 1) > 1 ? { leaves_after_cycle: joinsIn } : {}),
    });
    truth[id] = { design, metric, effect };
  }
  const [shareLow, shareHigh] = options.budgetShare ?? [0.5, 0.6];
  const firstCycleCost = initiatives
    .slice(0, firstCycle)
    .reduce((sum, initiative) => sum + (initiative.cost_to_scale as number), 0);
  const budget =
    Math.round(
      (random.uniform(shareLow, shareHigh) * ((options.cycles ?? 1) > 1 ? firstCycleCost : totalCost)) / 100,
    ) * 100;
  return {
    seed,
    pipeline: {
      budget,
      seed,
      concurrency: 1,
      initiatives,
      ...((options.cycles ?? 1) > 1 ? { cycles: options.cycles } : {}),
    },
    truth,
  };
}
