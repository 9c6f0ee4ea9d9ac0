import { describe, expect, it } from 'vitest';
import {
  appendCycle,
  ContractError,
  emptyLoopHistory,
  historyRecords,
  type LoopHistoryInput,
  LoopHistorySchema,
  parseLoopHistory,
  stableStringify,
} from '../../src/index';
import { validRecord, validReport, violation } from '../helpers';

const historyOf = (...cycles: number[]): LoopHistoryInput => ({
  schema_version: 1,
  cycles: cycles.map((cycle) => ({ cycle, report: validReport() })),
});

describe('LoopHistory', () => {
  it('accepts an empty history and defaults missing cycles to []', () => {
    expect(parseLoopHistory({ schema_version: 1 }).cycles).toEqual([]);
    expect(parseLoopHistory(emptyLoopHistory())).toEqual({ schema_version: 1, cycles: [] });
  });

  it('accepts strictly increasing cycles, gaps allowed', () => {
    const history = parseLoopHistory(historyOf(1, 2, 5));
    expect(history.cycles.map((entry) => entry.cycle)).toEqual([1, 2, 5]);
  });

  it('rejects a repeated cycle number, naming the entry', () => {
    const error = violation(() => parseLoopHistory(historyOf(1, 2, 2)));
    expect(error.contract).toBe('LoopHistory');
    expect(error.path).toBe('cycles[2].cycle');
    expect(error.message).toContain('expected a cycle number > 2 (cycles strictly increasing), got 2');
  });

  it('rejects decreasing cycles', () => {
    expect(violation(() => parseLoopHistory(historyOf(3, 1))).path).toBe('cycles[1].cycle');
  });

  it.each([
    [0, 'a number ≥ 1'],
    [1.5, 'an integer'],
  ])('rejects cycle %d', (cycle, expected) => {
    const error = violation(() => parseLoopHistory(historyOf(cycle)));
    expect(error.path).toBe('cycles[0].cycle');
    expect(error.expected).toBe(expected);
  });

  it('rejects an unknown schema_version and unknown keys', () => {
    expect(LoopHistorySchema.safeParse({ schema_version: 2, cycles: [] }).success).toBe(false);
    const error = violation(() => parseLoopHistory({ schema_version: 1, cycles: [], state: {} }));
    expect(error.path).toBe('state');
  });

  it('checks the OutcomeReport invariants of every cycle', () => {
    const history = historyOf(1);
    const report = history.cycles?.[0]?.report;
    if (report === undefined) throw new Error('fixture');
    report.total_allocated = 11;
    const error = violation(() => parseLoopHistory(history));
    expect(error.path).toBe('cycles[0].report.total_allocated');
  });

  it('names the file in the message when given', () => {
    const error = violation(() => parseLoopHistory({ schema_version: 1, cycles: 3 }, { file: 'h.json' }));
    expect(error.file).toBe('h.json');
    expect(error.message).toMatch(/^h\.json: LoopHistory contract violated: cycles: /);
  });
});

describe('appendCycle', () => {
  it('numbers the first cycle 1 and each next one last + 1', () => {
    const first = appendCycle(emptyLoopHistory(), validReport());
    const second = appendCycle(first, validReport());
    expect(second.cycles.map((entry) => entry.cycle)).toEqual([1, 2]);
    const afterGap = appendCycle(parseLoopHistory(historyOf(1, 4)), validReport());
    expect(afterGap.cycles.at(-1)?.cycle).toBe(5);
  });

  it('accepts an explicit cycle above the last and refuses one at or below it', () => {
    const history = parseLoopHistory(historyOf(1, 2));
    expect(appendCycle(history, validReport(), 7).cycles.at(-1)?.cycle).toBe(7);
    const error = violation(() => appendCycle(history, validReport(), 2));
    expect(error.path).toBe('cycle');
    expect(error.message).toBe(
      'LoopHistory contract violated: cycle: expected an integer > 2 (cycles strictly increasing), got 2',
    );
    expect(() => appendCycle(history, validReport(), 3.5)).toThrow(ContractError);
  });

  it('does not modify its inputs', () => {
    const history = parseLoopHistory(historyOf(1));
    const report = validReport();
    const historyBefore = stableStringify(history);
    const reportBefore = stableStringify(report);
    const next = appendCycle(history, report);
    expect(stableStringify(history)).toBe(historyBefore);
    expect(stableStringify(report)).toBe(reportBefore);
    expect(history.cycles).toHaveLength(1);
    expect(next.cycles).toHaveLength(2);
  });

  it('is deterministic: same inputs give byte-identical output', () => {
    const run = () => stableStringify(appendCycle(historyOf(1, 2), validReport()));
    expect(run()).toBe(run());
  });

  it('validates the appended report and fills its defaults', () => {
    const { dropped: _dropped, ...withoutDropped } = validReport();
    expect(appendCycle(emptyLoopHistory(), withoutDropped).cycles[0]?.report.dropped).toEqual([]);
    const error = violation(() => appendCycle(emptyLoopHistory(), { ...validReport(), total_allocated: 99 }));
    expect(error.contract).toBe('OutcomeReport');
    expect(error.path).toBe('total_allocated');
  });

  it('round-trips through JSON', () => {
    const history = appendCycle(appendCycle(emptyLoopHistory(), validReport()), validReport());
    expect(parseLoopHistory(JSON.parse(JSON.stringify(history)))).toEqual(history);
  });
});

describe('historyRecords', () => {
  it('lists every record oldest cycle first with its cycle number', () => {
    const second = { ...validReport(), records: [{ ...validRecord(), initiative_id: 'C' }] };
    const history = appendCycle(appendCycle(emptyLoopHistory(), validReport()), second);
    expect(historyRecords(history).map((entry) => [entry.cycle, entry.record.initiative_id])).toEqual([
      [1, 'A'],
      [2, 'C'],
    ]);
  });
});
