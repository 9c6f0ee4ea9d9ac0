import { z } from 'zod';
import { ContractError } from '../errors';
import { type ParseContext, parseContract } from '../validation/parse';
import {
  type OutcomeRecord,
  type OutcomeReport,
  type OutcomeReportInput,
  OutcomeReportSchema,
} from './outcome';

/**
 * One finished cycle of the loop: its number (1 for the first) and its outcome report.
 *
 * @example
 * ```ts
 * LoopHistoryCycleSchema.parse({ cycle: 1, report });
 * ```
 */
export const LoopHistoryCycleSchema = z.strictObject({
  cycle: z.number().int().min(1),
  report: OutcomeReportSchema,
});
/** One finished cycle (parsed form). */
export type LoopHistoryCycle = z.output<typeof LoopHistoryCycleSchema>;

/**
 * The explicit memory of the loop: the outcome reports of earlier cycles, oldest first. A run reads it as an
 * input and writes an updated one as an output; nothing else carries state between runs. Invariant: cycle
 * numbers are strictly increasing (hence unique).
 *
 * @example
 * ```ts
 * const history = LoopHistorySchema.parse(JSON.parse(fs.readFileSync('history.json', 'utf8')));
 * ```
 */
export const LoopHistorySchema = z
  .strictObject({
    schema_version: z.literal(1),
    cycles: z.array(LoopHistoryCycleSchema).default([]),
  })
  .superRefine((value, ctx) => {
    value.cycles.forEach((entry, index) => {
      const previous = index === 0 ? undefined : value.cycles[index - 1];
      if (previous !== undefined && entry.cycle <= previous.cycle) {
        ctx.addIssue({
          code: 'custom',
          path: ['cycles', index, 'cycle'],
          input: entry.cycle,
          message: `expected a cycle number > ${previous.cycle} (cycles strictly increasing)`,
        });
      }
    });
  });
/** The loop's history (parsed form). */
export type LoopHistory = z.output<typeof LoopHistorySchema>;
/** The loop's history as accepted on input. */
export type LoopHistoryInput = z.input<typeof LoopHistorySchema>;

/**
 * Parse a history file's content. Throws `ContractError` naming the field, e.g.
 * `LoopHistory contract violated: cycles[1].cycle: expected a cycle number > 2 (cycles strictly increasing), got 2`.
 *
 * @example
 * ```ts
 * const history = parseLoopHistory(JSON.parse(text), { file: 'history.json' });
 * ```
 */
export function parseLoopHistory(value: unknown, context?: ParseContext): LoopHistory {
  return parseContract(LoopHistorySchema, value, 'LoopHistory', context);
}

/**
 * A history with no cycles: the input of a first run.
 *
 * @example
 * ```ts
 * const history = appendCycle(emptyLoopHistory(), report); // cycle 1
 * ```
 */
export function emptyLoopHistory(): LoopHistory {
  return { schema_version: 1, cycles: [] };
}

/**
 * Return a new history with `report` appended as the next cycle (the last cycle number + 1, or 1), or as
 * `cycle` when given (it must exceed the last one). Pure: neither argument is modified, and the same inputs
 * always give the same output. The report is validated; throws `ContractError` naming the field when it
 * breaks the OutcomeReport contract or when `cycle` would not be strictly increasing.
 *
 * @example
 * ```ts
 * const next = appendCycle(history, report); // next.cycles.at(-1).cycle === history.cycles.length + 1 for 1, 2, 3, …
 * ```
 */
export function appendCycle(
  history: LoopHistory | LoopHistoryInput,
  report: OutcomeReport | OutcomeReportInput,
  cycle?: number,
): LoopHistory {
  const parsedHistory = parseLoopHistory(history);
  const parsedReport = parseContract(OutcomeReportSchema, report, 'OutcomeReport');
  const last = parsedHistory.cycles.at(-1)?.cycle ?? 0;
  const next = cycle ?? last + 1;
  if (!Number.isInteger(next) || next <= last) {
    const expected = `an integer > ${last} (cycles strictly increasing)`;
    throw new ContractError(`LoopHistory contract violated: cycle: expected ${expected}, got ${next}`, {
      contract: 'LoopHistory',
      issues: [
        {
          path: 'cycle',
          expected,
          found: String(next),
          message: `cycle: expected ${expected}, got ${next}`,
        },
      ],
    });
  }
  return {
    schema_version: 1,
    cycles: [...parsedHistory.cycles, { cycle: next, report: parsedReport }],
  };
}

/** One outcome record together with the cycle it came from. */
export interface CycleOutcomeRecord {
  cycle: number;
  record: OutcomeRecord;
}

/**
 * Every outcome record of a history, oldest cycle first, each with its cycle number: the accumulated
 * predicted-vs-actual evidence that calibration reads.
 *
 * @example
 * ```ts
 * const records = historyRecords(history).map((entry) => entry.record);
 * ```
 */
export function historyRecords(history: LoopHistory): CycleOutcomeRecord[] {
  return history.cycles.flatMap((entry) =>
    entry.report.records.map((record) => ({ cycle: entry.cycle, record })),
  );
}
