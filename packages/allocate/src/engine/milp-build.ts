import { type AllocationProblem, type ProblemConstraints, SCENARIOS } from '../problem/problem';
import type { RuleObjective } from '../rules/rule';
import type { MilpModel, MilpRow } from '../solvers/model';

/**
 * The column layout of one allocation problem's MILPs: the selection columns `0..n-1`, in fractional mode
 * with `max_selected` an indicator column `n + i` per item, then the rule's auxiliary columns.
 */
export interface ModelLayout {
  problem: AllocationProblem;
  constraints: ProblemConstraints;
  /** Number of eligible initiatives (selection columns). */
  n: number;
  fractional: boolean;
  withIndicators: boolean;
  /** Selection columns plus indicator columns; auxiliary columns start here. */
  baseColumns: number;
}

/** The column layout of `problem`'s MILPs. */
export function modelLayout(problem: AllocationProblem): ModelLayout {
  const n = problem.ids.length;
  const { constraints } = problem;
  const fractional = constraints.fractional;
  const withIndicators = fractional && constraints.maxSelected !== undefined;
  const baseColumns = withIndicators ? 2 * n : n;
  return { problem, constraints, n, fractional, withIndicators, baseColumns };
}

/** The shared constraints over the selection columns (and indicator columns in fractional mode). */
function baseRows(layout: ModelLayout, withFloor: boolean): MilpRow[] {
  const { problem, constraints, n, withIndicators } = layout;
  const rows: MilpRow[] = [];
  const all = Array.from({ length: n }, (_, i) => i);
  rows.push({
    indices: all,
    values: Array.from(problem.costs),
    lower: Number.NEGATIVE_INFINITY,
    upper: constraints.budget,
  });
  if (constraints.maxSelected !== undefined) {
    const counted = withIndicators ? all.map((i) => n + i) : all;
    rows.push({
      indices: counted,
      values: all.map(() => 1),
      lower: Number.NEGATIVE_INFINITY,
      upper: constraints.maxSelected,
    });
  }
  if (withIndicators) {
    // x_i ≤ y_i: a funded fraction needs its indicator.
    for (let i = 0; i < n; i++)
      rows.push({ indices: [i, n + i], values: [1, -1], lower: Number.NEGATIVE_INFINITY, upper: 0 });
  }
  if (withFloor && constraints.minWorstCaseReturn !== undefined) {
    SCENARIOS.forEach((_, s) => {
      rows.push({
        indices: all,
        values: Array.from(problem.effectiveReturns[s] ?? []),
        lower: constraints.minWorstCaseReturn ?? 0,
        upper: Number.POSITIVE_INFINITY,
      });
    });
  }
  return rows;
}

/**
 * The MILP of a rule objective over the shared constraints plus `extraRows`; `withFloor` adds the
 * min_worst_case_return rows.
 */
export function buildModel(
  layout: ModelLayout,
  objective: RuleObjective,
  extraRows: MilpRow[] = [],
  withFloor = true,
): MilpModel {
  const { problem, n, fractional, withIndicators, baseColumns } = layout;
  const auxiliary = objective.auxiliary ?? [];
  const columns = baseColumns + auxiliary.length;
  const objectiveCoefficients = new Float64Array(columns);
  const lower = new Float64Array(columns);
  const upper = new Float64Array(columns);
  const integer = new Uint8Array(columns);
  for (let i = 0; i < n; i++) {
    objectiveCoefficients[i] = objective.itemCoefficients[i] ?? 0;
    lower[i] = problem.mandatory[i] === 1 ? 1 : 0;
    upper[i] = 1;
    integer[i] = fractional ? 0 : 1;
    if (withIndicators) {
      lower[n + i] = 0;
      upper[n + i] = 1;
      integer[n + i] = 1;
    }
  }
  auxiliary.forEach((column, k) => {
    objectiveCoefficients[baseColumns + k] = column.objective;
    lower[baseColumns + k] = column.lower;
    upper[baseColumns + k] = column.upper;
  });
  const rows = baseRows(layout, withFloor);
  for (const row of objective.rows ?? [])
    rows.push(objectiveRow(layout, row.itemCoefficients, row.auxiliaryCoefficients, row.lower, row.upper));
  rows.push(...extraRows);
  return {
    sense: objective.sense,
    objective: objectiveCoefficients,
    columnLower: lower,
    columnUpper: upper,
    integer,
    rows,
  };
}

/** A row over item and auxiliary columns (zero coefficients left out). */
export function objectiveRow(
  layout: ModelLayout,
  itemCoefficients: ArrayLike<number>,
  auxiliaryCoefficients: ArrayLike<number>,
  lower: number,
  upper: number,
): MilpRow {
  const { n, baseColumns } = layout;
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const value = itemCoefficients[i] ?? 0;
    if (value !== 0) {
      indices.push(i);
      values.push(value);
    }
  }
  for (let k = 0; k < auxiliaryCoefficients.length; k++) {
    const value = auxiliaryCoefficients[k] ?? 0;
    if (value !== 0) {
      indices.push(baseColumns + k);
      values.push(value);
    }
  }
  return { indices, values, lower, upper };
}

/** Round the integer item columns of an LP solution down (a feasible point for ≤-rows with x ≥ 0). */
export function roundDown(layout: ModelLayout, values: Float64Array): Float64Array {
  const { n } = layout;
  return Float64Array.from({ length: n }, (_, i) => Math.floor((values[i] ?? 0) + 1e-9));
}

/** The selection an MILP solution encodes (0/1 items, or fractions in fractional mode, snapped at the ends). */
export function toSelection(layout: ModelLayout, values: Float64Array): Float64Array {
  const { n, fractional } = layout;
  const selection = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const value = values[i] ?? 0;
    selection[i] = fractional ? (value < 1e-9 ? 0 : value > 1 - 1e-9 ? 1 : value) : value > 0.5 ? 1 : 0;
  }
  return selection;
}
