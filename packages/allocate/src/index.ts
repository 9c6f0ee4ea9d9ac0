export {
  type AllocateConfig,
  type AllocateConfigInput,
  AllocateConfigSchema,
  allocateFromConfig,
  configToOptions,
  loadAllocateConfig,
} from './config/config';
export { type AllocateOptions, allocate } from './engine/allocate';
export { DEFAULT_TIME_LIMIT_MS } from './engine/solve';
export { compareIdLists, MAX_TIE_CANDIDATES } from './engine/tie-break';
export {
  AllocationError,
  type AllocationErrorCode,
  type AllocationErrorDetails,
  type InfeasibleConstraint,
} from './errors';
export {
  type AllocationObjective,
  type AllocationProblem,
  appliesPenalty,
  type ConfidencePenalty,
  compareIds,
  effectiveReturn,
  type ProblemConstraints,
  SCENARIOS,
  type Scenario,
  type ScenarioWeights,
} from './problem/problem';
export { expectedReturnRule } from './rules/expected-return';
export { dot } from './rules/linear';
export { maximinRule } from './rules/maximin';
export { minimaxRegretRule } from './rules/minimax-regret';
export { listRules, registerRule, resolveRule } from './rules/registry';
export {
  type AllocationRule,
  defineRule,
  type LinearOptimum,
  type RuleContext,
  type RuleObjective,
} from './rules/rule';
export { createGlpkSolver, type GlpkSolverOptions } from './solvers/glpk';
export { createHighsSolver, type HighsSolverOptions } from './solvers/highs';
export type {
  MilpModel,
  MilpRow,
  RelaxationOutcome,
  SolveOptions,
  SolveOutcome,
  SolverAdapter,
  SolveStatus,
} from './solvers/model';
export { defineSolver, registerSolver, resolveSolver } from './solvers/registry';
