import type { AllocationResult, MeasureResult, OutcomeReport, ReviewResult } from '@impact/contracts';
import type { LoopPhase } from '../stages/stages';

/** One measurement of one initiative, with the simulator's true effect when the data were simulated. */
export interface PhaseRun {
  measurement: MeasureResult;
  /** Artifact folder of the measurement, relative to the run's output folder when inside it. */
  artifact_uri?: string;
  /** True effect of the measured metric in the measurement's unit (simulated data only). */
  true_effect?: number;
}

/** Where and why an initiative failed. */
export interface InitiativeFailure {
  stage: 'simulate' | 'measure' | 'review' | 'config';
  phase?: LoopPhase;
  code?: string;
  message: string;
}

/** Everything the loop learned about one initiative (written to `run.json`). */
export interface InitiativeRun {
  initiative_id: string;
  cost_to_scale: number;
  valuation: { value_per_unit: number; units: number; currency?: string; label?: string };
  pilot?: PhaseRun;
  review?: ReviewResult;
  scale?: PhaseRun;
  failure?: InitiativeFailure;
}

/** A complete run: the contract report plus what the Markdown/HTML views show beyond it. */
export interface LoopRun {
  report: OutcomeReport;
  initiatives: InitiativeRun[];
  /** The allocation, with solver timings removed so the file is reproducible. */
  allocation?: AllocationResult;
  /** The pipeline's budget currency label, when valuations name one. */
  currency?: string;
}
