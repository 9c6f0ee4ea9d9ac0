import { AllocationError } from '../errors';
import { type AllocationProblem, compareIds } from '../problem/problem';
import { dot } from '../rules/linear';
import type { RuleObjective } from '../rules/rule';
import type { MilpModel, MilpRow, RelaxationOutcome, SolverAdapter } from '../solvers/model';
import { buildModel, type ModelLayout, objectiveRow, toSelection } from './milp-build';
import { type ColumnFixing, fixByReducedCost } from './reduce';
import { FIX_TOLERANCE, loosen, type SolveRunner } from './solve-run';

/**
 * At most this many alternative optima are enumerated when breaking ties (`tie_break.complete` is false
 * when the cap is hit).
 *
 * @example
 * ```ts
 * if (result.detail.tie_break.candidates >= MAX_TIE_CANDIDATES) console.warn('tie-break truncated');
 * ```
 */
export const MAX_TIE_CANDIDATES = 64;

/** Relative tolerance under which two objective values (or costs) count as tied. */
const TIE_TOLERANCE = 1e-9;

const tied = (a: number, b: number): boolean =>
  Math.abs(a - b) <= TIE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));

/** What the tie-break works from: the main solve's optimum and how to evaluate a selection. */
export interface TieBreakInput {
  problem: AllocationProblem;
  layout: ModelLayout;
  solver: SolverAdapter;
  runner: SolveRunner;
  /** The rule's objective and its MILP (with the LP relaxation, when solved). */
  objective: RuleObjective;
  mainModel: MilpModel;
  mainRelaxation: RelaxationOutcome | null;
  /** The main solve's optimal selection and its objective value. */
  selection: Float64Array;
  best: number;
  evaluate: (selection: ArrayLike<number>) => number;
  /**
   * Every portfolio in the tie region (objective within the fix slack of the optimum), when the main
   * solve collected them completely: then they are the candidates and nothing is enumerated.
   */
  ties?: Float64Array[];
}

/**
 * Break ties at a proved optimum (binary mode): enumerate the alternative optima with no-good cuts and
 * choose among them exactly with {@link chooseAmongTies}; in fractional mode take the cheapest optimum.
 */
export async function breakTies(input: TieBreakInput): Promise<{
  selection: Float64Array;
  objective: number;
  tieBreak: { candidates: number; complete: boolean };
}> {
  const { problem, layout, runner, objective, mainModel, mainRelaxation, selection, best, evaluate } = input;
  // Fix the objective at its optimum (with a little slack; ties are then decided exactly below).
  const slack = FIX_TOLERANCE * Math.max(1, Math.abs(best));
  const fixRow = objectiveRow(
    layout,
    objective.itemCoefficients,
    (objective.auxiliary ?? []).map((column) => column.objective),
    objective.sense === 'max' ? best - slack : Number.NEGATIVE_INFINITY,
    objective.sense === 'min' ? best + slack : Number.POSITIVE_INFINITY,
  );
  const costObjective: RuleObjective = {
    ...objective,
    sense: 'min',
    itemCoefficients: problem.costs,
    auxiliary: (objective.auxiliary ?? []).map((column) => ({ ...column, objective: 0 })),
  };
  const candidates: Float64Array[] = [selection];
  let complete = false;
  // Every tie lies in the region the fix row defines, so columns fixed for that region stay fixed.
  const tieFixing =
    mainRelaxation === null
      ? null
      : fixByReducedCost(mainModel, mainRelaxation.rowDuals, loosen(objective.sense, best));
  if (layout.fractional) {
    // Fractional optima form a continuum: prefer the cheapest one (no id-order step).
    const cheapest = await runner.run(buildModel(layout, costObjective, [fixRow]));
    if (cheapest.status === 'optimal') {
      candidates.push(toSelection(layout, cheapest.values));
      complete = true;
    }
  } else if (input.ties !== undefined && input.ties.length > 0) {
    candidates.splice(0, candidates.length, ...input.ties);
    complete = true;
  } else {
    complete = await enumerateTies(input, fixRow, costObjective, tieFixing, candidates);
  }
  const chosen = chooseAmongTies(problem, candidates, evaluate, objective.sense);
  return {
    selection: chosen,
    objective: evaluate(chosen),
    tieBreak: { candidates: candidates.length, complete },
  };
}

/**
 * The alternative optima of a binary problem, appended to `candidates` (the first is the main optimum);
 * returns whether the list is complete.
 */
async function enumerateTies(
  input: TieBreakInput,
  fixRow: MilpRow,
  costObjective: RuleObjective,
  tieFixing: ColumnFixing | null,
  candidates: Float64Array[],
): Promise<boolean> {
  const { problem, layout, solver, runner, objective, selection, best, evaluate } = input;
  const { n } = layout;
  let complete = false;
  // Enumerate the other portfolios at the optimum, cheapest first, cutting off each one found; once the
  // cheapest is known only portfolios at that cost are still of interest. Infeasibility proves the list
  // complete (for a unique optimum this costs a single extra solve).
  const cuts: MilpRow[] = [noGoodCut(n, selection)];
  let costCap = dot(problem.costs, selection);
  let bestValue = best;
  while (candidates.length < MAX_TIE_CANDIDATES) {
    const costRow: MilpRow = {
      indices: Array.from({ length: n }, (_, i) => i),
      values: Array.from(problem.costs),
      lower: Number.NEGATIVE_INFINITY,
      upper: costCap + FIX_TOLERANCE * Math.max(1, Math.abs(costCap)),
    };
    const tieModel = buildModel(layout, costObjective, [fixRow, costRow, ...cuts]);
    if (solver.probeFeasibility === true) {
      // Same rows, zero objective: HiGHS proves an empty set ~10x faster without an objective to bound.
      // Only a proved infeasibility is used; otherwise the cheapest-first solve below runs unchanged, so
      // the enumeration order and the outcome are the same.
      const probe = await runner.runFixed(
        { ...tieModel, objective: new Float64Array(tieModel.objective.length) },
        tieFixing,
      );
      if (probe.status === 'infeasible') {
        complete = true;
        break;
      }
    }
    const next = await runner.runFixed(tieModel, tieFixing);
    if (next.status === 'infeasible') {
      complete = true;
      break;
    }
    if (next.status !== 'optimal') break;
    const found = toSelection(layout, next.values);
    candidates.push(found);
    cuts.push(noGoodCut(n, found));
    // Only a portfolio that ties the best objective (or beats it: solver round-off) may lower the cap;
    // a merely near-optimal one (within the solver slack) must not hide the true ties.
    const value = evaluate(found);
    const cost = dot(problem.costs, found);
    if (tied(value, bestValue)) {
      costCap = Math.min(costCap, cost);
    } else if (objective.sense === 'min' ? value < bestValue : value > bestValue) {
      bestValue = value;
      costCap = cost;
    }
  }
  return complete;
}

/** The no-good cut that excludes the 0/1 portfolio `cut`. */
function noGoodCut(n: number, cut: Float64Array): MilpRow {
  // Σ_{i∉S} x_i − Σ_{i∈S} x_i ≥ 1 − |S|: any other 0/1 portfolio.
  const indices: number[] = [];
  const values: number[] = [];
  let size = 0;
  for (let i = 0; i < n; i++) {
    indices.push(i);
    const inSet = (cut[i] ?? 0) > 0.5;
    values.push(inSet ? -1 : 1);
    if (inSet) size++;
  }
  return { indices, values, lower: 1 - size, upper: Number.POSITIVE_INFINITY };
}

/**
 * The tie-break, decided exactly: best objective (ties within 1e-9 relative), then lowest total cost (same
 * tolerance), then the lexicographically smallest sorted id list (at the first position where the lists
 * differ the smaller id wins; a list that is a prefix of another wins).
 */
function chooseAmongTies(
  problem: AllocationProblem,
  candidates: Float64Array[],
  evaluate: (selection: ArrayLike<number>) => number,
  sense: 'min' | 'max',
): Float64Array {
  const scored = candidates.map((selection) => ({
    selection,
    objective: evaluate(selection),
    cost: dot(problem.costs, selection),
    ids: problem.ids.filter((_, i) => (selection[i] ?? 0) > 0),
  }));
  scored.sort((a, b) => {
    if (!tied(a.objective, b.objective))
      return sense === 'min' ? a.objective - b.objective : b.objective - a.objective;
    if (!tied(a.cost, b.cost)) return a.cost - b.cost;
    return compareIdLists(a.ids, b.ids);
  });
  const winner = scored[0];
  if (!winner) throw new AllocationError('ALLOCATION_SOLVER_FAILED', 'no candidate portfolio to choose from');
  return winner.selection;
}

/**
 * Lexicographic order of two ascending id lists.
 *
 * @example
 * ```ts
 * compareIdLists(['B', 'D'], ['C', 'D']); // < 0
 * ```
 */
export function compareIdLists(a: readonly string[], b: readonly string[]): number {
  const length = Math.min(a.length, b.length);
  for (let k = 0; k < length; k++) {
    const order = compareIds(a[k] ?? '', b[k] ?? '');
    if (order !== 0) return order;
  }
  return a.length - b.length;
}
