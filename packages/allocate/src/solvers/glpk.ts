import type { GLPK, LP } from 'glpk.js/node';
import { AllocationError } from '../errors';
import type { MilpModel, RelaxationOutcome, SolveOptions, SolveOutcome, SolverAdapter } from './model';

/** Options for {@link createGlpkSolver}. */
export interface GlpkSolverOptions {
  /**
   * An already-loaded glpk.js instance (`await (await import('glpk.js/node')).default()`). Without it the
   * adapter imports `glpk.js/node` on the first solve.
   */
  lib?: GLPK;
}

/**
 * A {@link SolverAdapter} on glpk.js (GLPK compiled to WebAssembly). glpk.js is GPL-3.0: it is never
 * bundled with this package and is only imported, lazily, when a solve needs it, so installing it is
 * the user's choice (see the README's licence note). Throws `ALLOCATION_SOLVER_MISSING` when absent.
 *
 * @example
 * ```ts
 * const result = await allocate(reviews, { budget: 10, solver: createGlpkSolver() });
 * ```
 */
export function createGlpkSolver(options: GlpkSolverOptions = {}): SolverAdapter {
  let loading: Promise<GLPK> | undefined = options.lib ? Promise.resolve(options.lib) : undefined;
  const load = (): Promise<GLPK> => {
    loading ??= importGlpk();
    return loading;
  };
  return {
    name: 'glpk',
    async relax(model: MilpModel, solveOptions: SolveOptions): Promise<RelaxationOutcome> {
      const glpk = await load();
      try {
        return relaxWithGlpk(glpk, model, solveOptions);
      } catch (error) {
        if (!options.lib) loading = undefined;
        throw new AllocationError(
          'ALLOCATION_SOLVER_FAILED',
          `solver "glpk" aborted on the LP relaxation (${(error as Error).message}); rescale costs and returns, or use solver "highs"`,
          { field: 'solver', cause: error },
        );
      }
    },
    async solve(model: MilpModel, solveOptions: SolveOptions): Promise<SolveOutcome> {
      const glpk = await load();
      try {
        return solveWithGlpk(glpk, model, solveOptions);
      } catch (error) {
        // An aborted WebAssembly instance cannot be reused: load a fresh one next time (unless injected).
        if (!options.lib) loading = undefined;
        throw new AllocationError(
          'ALLOCATION_SOLVER_FAILED',
          `solver "glpk" aborted (${(error as Error).message}); GLPK rejects some numerically extreme data such as subnormal coefficients: rescale costs and returns, or use solver "highs"`,
          { field: 'solver', cause: error },
        );
      }
    },
  };
}

async function importGlpk(): Promise<GLPK> {
  let factory: () => Promise<GLPK>;
  try {
    // A variable specifier keeps bundlers from inlining the GPL-licensed engine into this package.
    const specifier = 'glpk.js/node';
    const module = (await import(specifier)) as { default: () => Promise<GLPK> };
    factory = module.default;
  } catch (error) {
    throw new AllocationError(
      'ALLOCATION_SOLVER_MISSING',
      'solver "glpk" needs the optional package glpk.js (GPL-3.0): install glpk.js (npm install glpk.js), or use solver "highs" (MIT) after installing highs',
      { field: 'solver', cause: error },
    );
  }
  return factory();
}

/** Column and row names are `c<index>` / `r<index>`: ids never reach the engine. */
const columnName = (index: number): string => `c${index}`;

function bounds(glpk: GLPK, lower: number, upper: number): { type: number; lb: number; ub: number } {
  const hasLower = Number.isFinite(lower);
  const hasUpper = Number.isFinite(upper);
  if (hasLower && hasUpper) {
    return { type: lower === upper ? glpk.GLP_FX : glpk.GLP_DB, lb: lower, ub: upper };
  }
  if (hasLower) return { type: glpk.GLP_LO, lb: lower, ub: 0 };
  if (hasUpper) return { type: glpk.GLP_UP, lb: 0, ub: upper };
  return { type: glpk.GLP_FR, lb: 0, ub: 0 };
}

function toLp(glpk: GLPK, model: MilpModel, relax: boolean): LP {
  const columns = model.objective.length;
  const objectiveVars: { name: string; coef: number }[] = [];
  const columnBounds: NonNullable<LP['bounds']> = [];
  const binaries: string[] = [];
  const generals: string[] = [];
  for (let j = 0; j < columns; j++) {
    const name = columnName(j);
    objectiveVars.push({ name, coef: model.objective[j] ?? 0 });
    const lower = model.columnLower[j] ?? 0;
    const upper = model.columnUpper[j] ?? Number.POSITIVE_INFINITY;
    columnBounds.push({ name, ...bounds(glpk, lower, upper) });
    if (!relax && model.integer[j] === 1) {
      if (lower === 0 && upper === 1) binaries.push(name);
      else generals.push(name);
    }
  }
  return {
    name: 'allocation',
    objective: {
      direction: model.sense === 'max' ? glpk.GLP_MAX : glpk.GLP_MIN,
      name: 'objective',
      vars: objectiveVars,
    },
    subjectTo: model.rows.map((row, r) => ({
      name: `r${r}`,
      vars: row.indices.map((j, k) => ({ name: columnName(j), coef: row.values[k] ?? 0 })),
      bnds: bounds(glpk, row.lower, row.upper),
    })),
    bounds: columnBounds,
    binaries,
    generals,
  };
}

function solveWithGlpk(glpk: GLPK, model: MilpModel, options: SolveOptions): SolveOutcome {
  const started = performance.now();
  const columns = model.objective.length;
  const limitSeconds =
    options.timeLimitMs === undefined ? undefined : Math.max(options.timeLimitMs / 1000, 0.001);
  const result = glpk.solve(toLp(glpk, model, false), {
    msglev: glpk.GLP_MSG_OFF,
    presol: true,
    mipgap: 0,
    ...(limitSeconds === undefined ? {} : { tmlim: limitSeconds }),
  });
  const values = new Float64Array(columns);
  for (let j = 0; j < columns; j++) values[j] = result.result.vars[columnName(j)] ?? 0;
  const status = result.result.status;
  const elapsed = (): number => performance.now() - started;
  if (status === glpk.GLP_OPT) {
    return {
      status: 'optimal',
      values,
      objective: result.result.z,
      bound: result.result.z,
      timeMs: elapsed(),
    };
  }
  if (status === glpk.GLP_FEAS) {
    // GLPK does not expose its branch-and-bound bound; the LP relaxation is a valid (weaker) one.
    const relaxed = glpk.solve(toLp(glpk, model, true), { msglev: glpk.GLP_MSG_OFF, presol: true });
    const bound = relaxed.result.status === glpk.GLP_OPT ? relaxed.result.z : undefined;
    return {
      status: 'feasible',
      values,
      objective: result.result.z,
      ...(bound === undefined ? {} : { bound }),
      timeMs: elapsed(),
    };
  }
  if (status === glpk.GLP_UNBND)
    return { status: 'unbounded', values, objective: Number.NaN, timeMs: elapsed() };
  // GLP_NOFEAS is proved infeasibility; GLP_UNDEF means no integer point was found, which is infeasibility
  // unless the time limit cut the search short.
  const timedOut =
    status === glpk.GLP_UNDEF && options.timeLimitMs !== undefined && elapsed() >= options.timeLimitMs * 0.9;
  return {
    status: timedOut ? 'no_solution' : 'infeasible',
    values,
    objective: Number.NaN,
    timeMs: elapsed(),
  };
}

function relaxWithGlpk(glpk: GLPK, model: MilpModel, options: SolveOptions): RelaxationOutcome {
  const started = performance.now();
  const columns = model.objective.length;
  const result = glpk.solve(toLp(glpk, model, true), {
    msglev: glpk.GLP_MSG_OFF,
    presol: true,
    ...(options.timeLimitMs === undefined ? {} : { tmlim: Math.max(options.timeLimitMs / 1000, 0.001) }),
  });
  const values = new Float64Array(columns);
  for (let j = 0; j < columns; j++) values[j] = result.result.vars[columnName(j)] ?? 0;
  const rowDuals = new Float64Array(model.rows.length);
  const duals = result.result.dual ?? {};
  for (let r = 0; r < rowDuals.length; r++) rowDuals[r] = duals[`r${r}`] ?? 0;
  const status = result.result.status;
  return {
    status: status === glpk.GLP_OPT ? 'optimal' : status === glpk.GLP_NOFEAS ? 'infeasible' : 'no_solution',
    values,
    objective: status === glpk.GLP_OPT ? result.result.z : Number.NaN,
    rowDuals,
    timeMs: performance.now() - started,
  };
}
