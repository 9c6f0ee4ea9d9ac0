import { z } from 'zod';
import { CurrencySchema, DiagnosticsSchema, FiniteNumberSchema, InitiativeIdSchema } from './primitives';
import { atMost } from './tolerance';

/**
 * Allocate → Scale: the chosen portfolio. `predicted_returns` has one entry per selected initiative;
 * `budget_allocated` may only name selected initiatives; allocations and `total_cost` never exceed `budget`.
 * `detail` holds rule-specific results (per-scenario optima, regrets, solver status and time).
 *
 * @example
 * ```ts
 * AllocationResultSchema.parse({ selected_initiatives: ['a'], predicted_returns: { a: 10 },
 *   budget_allocated: { a: 4 }, rule: 'minimax_regret', objective_value: 0, total_cost: 4, budget: 10 });
 * ```
 */
export const AllocationResultSchema = z
  .strictObject({
    selected_initiatives: z.array(InitiativeIdSchema),
    predicted_returns: z.record(InitiativeIdSchema, FiniteNumberSchema),
    budget_allocated: z.record(InitiativeIdSchema, CurrencySchema),
    rule: z.string().min(1),
    objective_value: FiniteNumberSchema,
    total_cost: CurrencySchema,
    budget: CurrencySchema,
    /**
     * `optimal` when the portfolio is proved optimal; `time_limit` when a solve was stopped by the time limit
     * and the portfolio is the best one found, not proved optimal (see `optimality_gap`).
     */
    status: z.enum(['optimal', 'time_limit']).optional(),
    /** Relative optimality gap of a time-limited solve (0 when optimal, null when the engine gave no bound). */
    optimality_gap: z.number().min(0).nullable().optional(),
    detail: DiagnosticsSchema.default({}),
  })
  .superRefine((value, ctx) => {
    const selected = new Set<string>();
    value.selected_initiatives.forEach((id, index) => {
      if (selected.has(id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['selected_initiatives', index],
          input: id,
          message: 'expected each initiative to be selected at most once',
        });
      }
      selected.add(id);
      if (!(id in value.predicted_returns)) {
        ctx.addIssue({
          code: 'custom',
          path: ['predicted_returns', id],
          input: undefined,
          message: `expected a predicted return for selected initiative "${id}"`,
        });
      }
    });
    for (const field of ['predicted_returns', 'budget_allocated'] as const) {
      for (const id of Object.keys(value[field])) {
        if (!selected.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: [field, id],
            input: value[field][id],
            message: 'expected only initiatives listed in selected_initiatives',
          });
        }
      }
    }
    const allocated = Object.values(value.budget_allocated).reduce((sum, amount) => sum + amount, 0);
    if (!atMost(allocated, value.budget)) {
      ctx.addIssue({
        code: 'custom',
        path: ['budget_allocated'],
        input: allocated,
        message: `expected allocations summing to at most the budget (${value.budget})`,
      });
    }
    if (!atMost(value.total_cost, value.budget)) {
      ctx.addIssue({
        code: 'custom',
        path: ['total_cost'],
        input: value.total_cost,
        message: `expected total_cost ≤ budget (${value.budget})`,
      });
    }
  });
/** Allocate → Scale contract (parsed form). */
export type AllocationResult = z.output<typeof AllocationResultSchema>;
/** Allocate → Scale contract as accepted on input. */
export type AllocationResultInput = z.input<typeof AllocationResultSchema>;
