import type { Highs } from 'highs';
import { AllocationError } from '../errors';
import type { MilpModel, RelaxationOutcome, SolveOptions, SolveOutcome, SolverAdapter } from './model';

/** Options for {@link createHighsSolver}. */
export interface HighsSolverOptions {
  /** An already-loaded HiGHS runtime (`await (await import('highs')).default()`); loaded lazily otherwise. */
  lib?: Highs;
}

/**
 * The process-wide HiGHS runtime: imported and its WebAssembly compiled on the first solve, once, then
 * shared by every adapter that was not given its own `lib`.
 */
let sharedRuntime: Promise<Highs> | undefined;

/**
 * A {@link SolverAdapter} on the MIT-licensed `highs` package (HiGHS compiled to WebAssembly), the default
 * engine and a regular dependency. The runtime is loaded lazily on the first solve and shared by the whole
 * process; `ALLOCATION_SOLVER_MISSING` when the package cannot be imported (a broken install).
 * Gaps are solved to zero (`mip_rel_gap = mip_abs_gap = 0`) so results are exact.
 *
 * @example
 * ```ts
 * const result = await allocate(reviews, { budget: 10, solver: createHighsSolver() });
 * ```
 */
export function createHighsSolver(options: HighsSolverOptions = {}): SolverAdapter {
  const injected = options.lib ? Promise.resolve(options.lib) : undefined;
  const load = (): Promise<Highs> => {
    if (injected) return injected;
    sharedRuntime ??= importHighs().catch((error: unknown) => {
      sharedRuntime = undefined;
      throw error;
    });
    return sharedRuntime;
  };
  return {
    name: 'highs',
    probeFeasibility: true,
    async relax(model: MilpModel, solveOptions: SolveOptions): Promise<RelaxationOutcome> {
      const highs = await load();
      try {
        return relaxWithHighs(highs, model, solveOptions);
      } catch (error) {
        throw new AllocationError(
          'ALLOCATION_SOLVER_FAILED',
          `solver "highs" failed on the LP relaxation: ${(error as Error).message}`,
          { field: 'solver', cause: error },
        );
      }
    },
    async solve(model: MilpModel, solveOptions: SolveOptions): Promise<SolveOutcome> {
      const highs = await load();
      try {
        return solveWithHighs(highs, model, solveOptions);
      } catch (error) {
        if (error instanceof AllocationError) throw error;
        throw new AllocationError(
          'ALLOCATION_SOLVER_FAILED',
          `solver "highs" failed: ${(error as Error).message}`,
          {
            field: 'solver',
            cause: error,
          },
        );
      }
    },
  };
}

async function importHighs(): Promise<Highs> {
  let loader: () => Promise<Highs>;
  try {
    const specifier = 'highs';
    const module = (await import(specifier)) as { default: () => Promise<Highs> };
    loader = module.default;
  } catch (error) {
    throw new AllocationError(
      'ALLOCATION_SOLVER_MISSING',
      'solver "highs" could not load the package highs (MIT), a dependency of @impact/allocate: reinstall it (npm install highs)',
      { field: 'solver', cause: error },
    );
  }
  // In Node the loader finds highs.wasm next to its own module file.
  return loader();
}

function relaxWithHighs(highs: Highs, model: MilpModel, options: SolveOptions): RelaxationOutcome {
  const started = performance.now();
  const { instance, numCols, numRows } = createHighsModel(highs, model, false);
  try {
    setHighsOptions(instance, options);
    instance.run();
    const status = instance.getModelStatus();
    const codes = highs.constants.modelStatus;
    const elapsed = performance.now() - started;
    if (status === codes.optimal || status === codes.empty) {
      const solution = instance.getSolution();
      return {
        status: 'optimal',
        values: Float64Array.from(solution.colValue, (v) => v + 0),
        objective: instance.getObjectiveValue(),
        rowDuals: Float64Array.from(solution.rowDual),
        timeMs: elapsed,
      };
    }
    const failed = status === codes.infeasible ? 'infeasible' : 'no_solution';
    return {
      status: failed,
      values: new Float64Array(numCols),
      objective: Number.NaN,
      rowDuals: new Float64Array(numRows),
      timeMs: elapsed,
    };
  } finally {
    instance.dispose();
  }
}

function setHighsOptions(instance: ReturnType<Highs['createModel']>, options: SolveOptions): void {
  instance.options.set({
    output_flag: false,
    mip_rel_gap: 0,
    mip_abs_gap: 0,
    // Allocation models are a few dense rows over binaries; on them this WebAssembly build spends most of
    // its time in presolve, the feasibility-jump heuristic, symmetry detection and restarts (a 13-item
    // knapsack took ~1.3 s with them, ~0.2 s without; 50 initiatives at a 7 % budget 2.3 s → 0.6 s).
    // Exactness is unaffected: the gaps stay 0.
    presolve: 'off',
    mip_heuristic_run_feasibility_jump: false,
    mip_detect_symmetry: false,
    mip_allow_restart: false,
    ...(options.timeLimitMs === undefined ? {} : { time_limit: Math.max(options.timeLimitMs / 1000, 0.001) }),
  });
}

function createHighsModel(
  highs: Highs,
  model: MilpModel,
  withIntegrality: boolean,
): { instance: ReturnType<Highs['createModel']>; numCols: number; numRows: number; anyInteger: boolean } {
  const numCols = model.objective.length;
  const numRows = model.rows.length;
  const starts = new Int32Array(numRows + 1);
  let nonZeros = 0;
  model.rows.forEach((row, r) => {
    nonZeros += row.indices.length;
    starts[r + 1] = nonZeros;
  });
  const indices = new Int32Array(nonZeros);
  const values = new Float64Array(nonZeros);
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  let k = 0;
  model.rows.forEach((row, r) => {
    // HiGHS rejects duplicate indices within a row, so merge them.
    const merged = new Map<number, number>();
    row.indices.forEach((j, position) => {
      merged.set(j, (merged.get(j) ?? 0) + (row.values[position] ?? 0));
    });
    const begin = k;
    for (const [j, value] of [...merged].sort((a, b) => a[0] - b[0])) {
      indices[k] = j;
      values[k] = value;
      k++;
    }
    starts[r] = begin;
    rowLower[r] = Number.isFinite(row.lower) ? row.lower : -highs.infinity;
    rowUpper[r] = Number.isFinite(row.upper) ? row.upper : highs.infinity;
  });
  starts[numRows] = k;
  const integrality = new Int32Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  const colCost = new Float64Array(numCols);
  let anyInteger = false;
  for (let j = 0; j < numCols; j++) {
    integrality[j] = model.integer[j] === 1 ? highs.constants.variableType.integer : 0;
    anyInteger ||= model.integer[j] === 1;
    const lower = model.columnLower[j] ?? 0;
    const upper = model.columnUpper[j] ?? Number.POSITIVE_INFINITY;
    colLower[j] = Number.isFinite(lower) ? lower : -highs.infinity;
    colUpper[j] = Number.isFinite(upper) ? upper : highs.infinity;
    colCost[j] = model.objective[j] ?? 0;
  }
  const instance = highs.createModel({
    numCols,
    numRows,
    sense:
      model.sense === 'max'
        ? highs.constants.objectiveSense.maximize
        : highs.constants.objectiveSense.minimize,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    matrix: {
      format: 'csr',
      numRows,
      numCols,
      starts: starts.subarray(0, numRows + 1),
      indices: indices.subarray(0, k),
      values: values.subarray(0, k),
    },
    ...(anyInteger && withIntegrality ? { integrality } : {}),
  });
  return { instance, numCols, numRows, anyInteger: anyInteger && withIntegrality };
}

function solveWithHighs(highs: Highs, model: MilpModel, options: SolveOptions): SolveOutcome {
  const started = performance.now();
  const { instance, numCols, anyInteger } = createHighsModel(highs, model, true);
  try {
    setHighsOptions(instance, options);
    instance.run();
    const status = instance.getModelStatus();
    const codes = highs.constants.modelStatus;
    const elapsed = performance.now() - started;
    const solution = (): Float64Array => Float64Array.from(instance.getSolution().colValue, (v) => v + 0);
    if (status === codes.optimal || status === codes.empty) {
      const objective = instance.getObjectiveValue();
      return { status: 'optimal', values: solution(), objective, bound: objective, timeMs: elapsed };
    }
    if (status === codes.infeasible) {
      return {
        status: 'infeasible',
        values: new Float64Array(numCols),
        objective: Number.NaN,
        timeMs: elapsed,
      };
    }
    if (status === codes.unbounded || status === codes.unboundedOrInfeasible) {
      return {
        status: 'unbounded',
        values: new Float64Array(numCols),
        objective: Number.NaN,
        timeMs: elapsed,
      };
    }
    if (status === codes.timeLimit || status === codes.interrupted || status === codes.iterationLimit) {
      const primal = Number(instance.info.get('primal_solution_status'));
      if (anyInteger ? primal === 2 : false) {
        const bound = Number(instance.info.get('mip_dual_bound'));
        return {
          status: 'feasible',
          values: solution(),
          objective: instance.getObjectiveValue(),
          ...(Number.isFinite(bound) ? { bound } : {}),
          timeMs: elapsed,
        };
      }
      return {
        status: 'no_solution',
        values: new Float64Array(numCols),
        objective: Number.NaN,
        timeMs: elapsed,
      };
    }
    throw new AllocationError(
      'ALLOCATION_SOLVER_FAILED',
      `solver "highs" ended with model status ${status}; expected optimal, infeasible or a time limit`,
      { field: 'solver' },
    );
  } finally {
    instance.dispose();
  }
}
