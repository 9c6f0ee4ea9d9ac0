import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type MeasureResult,
  type OutcomeReport,
  type Prediction,
  parseReviewResult,
  stableStringify,
} from '@impact/contracts';
import type { LoopCyclesResult } from '../run/options';
import { runLoop, runLoopCycles } from '../run/run-loop';
import { createDefaultStages } from '../stages/default-stages';
import type { LoopStages, MeasureOutcome, SimulatedData } from '../stages/stages';
import type { DecisionWorld } from './world';

/** One initiative of a world as every policy sees it after its pilot, plus what it truly returns. */
export interface PilotView {
  id: string;
  cost: number;
  /** `value_per_unit × units` of its valuation: money per unit of effect. */
  multiplier: number;
  /** The pilot's measurement. */
  measurement: MeasureResult;
  /** True effect at scale (same unit as the measurement). */
  trueEffect: number;
  /** True return at scale, valued like the outcome report: `trueEffect × multiplier`. */
  trueReturn: number;
}

/** A loop configuration under test: the pipeline's `review:` and `allocate:` sections. */
export interface LoopPolicyConfig {
  review?: Record<string, unknown>;
  allocate?: Record<string, unknown>;
  /** Any other top-level pipeline keys to set (e.g. `calibration`). */
  pipeline?: Record<string, unknown>;
}

/**
 * A world whose simulations and measurements are computed once and shared by every policy run on it:
 * `run(policy)` runs the real loop (`runLoop`) with the policy's sections and cached simulate/measure
 * stages, so review and allocation are exactly the shipped code paths while the pilots are not repeated.
 */
export class MeasuredWorld {
  private readonly simulated = new Map<string, SimulatedData>();
  private readonly measured = new Map<string, Promise<MeasureOutcome>>();
  private readonly base = createDefaultStages();
  private readonly work = mkdtempSync(join(tmpdir(), 'impact-decision-world-'));
  private runs = 0;

  constructor(readonly world: DecisionWorld) {}

  /** Stages that memoise the default simulate and measure stages by configuration. */
  private stages(): Partial<LoopStages> {
    return {
      simulate: (request) => {
        const key = `${request.phase}/${request.initiativeId}/${stableStringify(request.config)}`;
        let data = this.simulated.get(key);
        if (data === undefined) {
          data = this.base.simulate(request) as SimulatedData;
          this.simulated.set(key, data);
        }
        return data;
      },
      measure: (request) => {
        const key = `${request.phase}/${request.initiativeId}/${stableStringify(request.config)}`;
        let outcome = this.measured.get(key);
        if (outcome === undefined) {
          outcome = this.base.measure({
            ...request,
            artifactDir: join(this.work, 'artifacts', key.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 80)),
          });
          this.measured.set(key, outcome);
        }
        return outcome;
      },
    };
  }

  private config(policy: LoopPolicyConfig): Record<string, unknown> {
    const { review: _review, allocate: _allocate, ...rest } = this.world.pipeline as Record<string, unknown>;
    return {
      ...rest,
      ...(policy.review === undefined ? {} : { review: policy.review }),
      ...(policy.allocate === undefined ? {} : { allocate: policy.allocate }),
      ...policy.pipeline,
    };
  }

  private async inFreshFolder<T>(work: (outDir: string) => Promise<T>): Promise<T> {
    this.runs += 1;
    const outDir = join(this.work, `run-${this.runs}`);
    try {
      return await work(outDir);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }

  /** Run the loop once on this world with a policy's configuration; returns its outcome report. */
  run(policy: LoopPolicyConfig): Promise<OutcomeReport> {
    return this.inFreshFolder((outDir) => this.runLoopIn(outDir, policy));
  }

  private async runLoopIn(outDir: string, policy: LoopPolicyConfig): Promise<OutcomeReport> {
    const stages = this.stages() as LoopStages;
    return (await runLoop({ config: this.config(policy) as never, outDir, stages })) as OutcomeReport;
  }

  /**
   * Run the loop once like {@link run}, and also return the predictive distribution the decision model gave
   * each reviewed initiative (read back from the run's `run.json`), funded or not.
   */
  runWithPredictions(
    policy: LoopPolicyConfig,
  ): Promise<{ report: OutcomeReport; predictions: Map<string, Prediction> }> {
    return this.inFreshFolder(async (outDir) => {
      const report = await this.runLoopIn(outDir, policy);
      const run = JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')) as {
        initiatives: { initiative_id: string; review?: unknown }[];
      };
      const predictions = new Map<string, Prediction>();
      for (const initiative of run.initiatives) {
        if (initiative.review === undefined) continue;
        const prediction = parseReviewResult(initiative.review).prediction;
        if (prediction !== undefined) predictions.set(initiative.initiative_id, prediction);
      }
      return { report, predictions };
    });
  }

  /** Run every cycle of a multi-cycle world with a policy's configuration (`runLoopCycles`). */
  runCycles(policy: LoopPolicyConfig): Promise<LoopCyclesResult> {
    return this.inFreshFolder((outDir) =>
      runLoopCycles({ config: this.config(policy) as never, outDir, stages: this.stages() as LoopStages }),
    );
  }

  /**
   * The pilots every policy saw, with their true scale returns: initiatives whose pilot was measured and
   * whose scale world was simulated (call after at least one {@link run}).
   */
  async pilots(): Promise<PilotView[]> {
    const views: PilotView[] = [];
    for (const initiative of this.world.pipeline.initiatives) {
      const id = initiative.initiative_id as string;
      const pilotKey = [...this.measured.keys()].find((key) => key.startsWith(`pilot/${id}/`));
      const scaleKey = [...this.simulated.keys()].find((key) => key.startsWith(`scale/${id}/`));
      if (pilotKey === undefined || scaleKey === undefined) continue;
      let measurement: MeasureResult;
      try {
        measurement = (await this.measured.get(pilotKey))?.result as MeasureResult;
      } catch {
        continue;
      }
      const truth = this.simulated.get(scaleKey)?.truth?.[measurement.metric];
      if (truth === undefined) continue;
      const trueEffect = measurement.effect_unit === 'relative' ? truth.att_relative : truth.att_absolute;
      const valuation = initiative.valuation as { value_per_unit: number; units: number };
      const multiplier = valuation.value_per_unit * valuation.units;
      views.push({
        id,
        cost: initiative.cost_to_scale as number,
        multiplier,
        measurement,
        trueEffect,
        trueReturn: trueEffect * multiplier,
      });
    }
    return views;
  }

  /** Remove the world's temporary folder. */
  dispose(): void {
    rmSync(this.work, { recursive: true, force: true });
  }
}
