import { AllocationError } from '../errors';
import { createGlpkSolver } from './glpk';
import { createHighsSolver } from './highs';
import type { SolverAdapter } from './model';

/**
 * Check a solver adapter's shape and return it typed. Use it to write an adapter for another engine.
 *
 * @example
 * ```ts
 * const solver = defineSolver({ name: 'cbc', async solve(model, options) { return runCbc(model, options) } });
 * ```
 */
export function defineSolver(adapter: SolverAdapter): SolverAdapter {
  if (typeof adapter.name !== 'string' || adapter.name.length === 0 || typeof adapter.solve !== 'function') {
    throw new AllocationError(
      'ALLOCATION_INVALID_OPTIONS',
      'solver: expected an object with a non-empty `name` and a `solve(model, options)` method',
      { field: 'solver' },
    );
  }
  return adapter;
}

const builtInSolvers: Record<string, () => SolverAdapter> = {
  glpk: () => createGlpkSolver(),
  highs: () => createHighsSolver(),
};
const solverRegistry = new Map<string, SolverAdapter>();

/**
 * Make a solver selectable by name (`solver: <name>` in YAML). Refuses a name already taken, including the
 * built-in `glpk` and `highs`.
 *
 * @example
 * ```ts
 * registerSolver(defineSolver({ name: 'cbc', solve: solveWithCbc }));
 * ```
 */
export function registerSolver(adapter: SolverAdapter): SolverAdapter {
  const solver = defineSolver(adapter);
  if (solver.name in builtInSolvers || solverRegistry.has(solver.name)) {
    throw new AllocationError(
      'ALLOCATION_DUPLICATE_SOLVER',
      `solver: a solver named "${solver.name}" is already registered`,
      { field: 'solver' },
    );
  }
  solverRegistry.set(solver.name, solver);
  return solver;
}

/**
 * The solver adapter for a name (built-in `glpk`, `highs`, or a registered one) or an instance.
 * Built-in engines are created once and load their library lazily on the first solve.
 *
 * @example
 * ```ts
 * const solver = resolveSolver('highs');
 * ```
 */
export function resolveSolver(solver: string | SolverAdapter): SolverAdapter {
  if (typeof solver !== 'string') return defineSolver(solver);
  const registered = solverRegistry.get(solver);
  if (registered) return registered;
  const create = builtInSolvers[solver];
  if (create) {
    const adapter = create();
    solverRegistry.set(solver, adapter);
    return adapter;
  }
  const known = [...new Set([...Object.keys(builtInSolvers), ...solverRegistry.keys()])].sort();
  throw new AllocationError(
    'ALLOCATION_UNKNOWN_SOLVER',
    `solver: expected one of ${known.map((name) => `"${name}"`).join(', ')}, got "${solver}"`,
    { field: 'solver' },
  );
}
