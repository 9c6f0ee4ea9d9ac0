import type { AllocationResult, MeasureResult, OutcomeReport, ReviewResult } from '@impact/contracts';
import type { CalibrationTable } from '@impact/review';
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
  /**
   * For a reviewed initiative that was not scaled, the true effect its scale world would have had
   * (simulated with the seed its scale run would have used; simulated data only), for the hindsight portfolio.
   */
  hindsight_true_effect?: number;
  /** The pilot design used: `restudy` when the initiative was dropped earlier and re-studied. */
  design?: 'pilot' | 'restudy';
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
  /** The calibration table applied to the reviews of this run (when calibration is enabled). */
  calibration?: CalibrationTable;
  /** The cycle number of this run (1 for the first, or after the input history's last cycle). */
  cycle?: number;
}
