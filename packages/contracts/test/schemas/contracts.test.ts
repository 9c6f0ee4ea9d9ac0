import { describe, expect, it } from 'vitest';
import {
  assertSelectionWithinReviews,
  InitiativeIdSchema,
  MeasureResultSchema,
  OutcomeRecordSchema,
  parseAllocationResult,
  parseContract,
  parseMeasureResult,
  parseOutcomeReport,
  parseReviewResult,
} from '../../src/index';
import { validAllocation, validMeasure, validRecord, validReport, validReview, violation } from '../helpers';

describe('shared types', () => {
  it('accepts ids of letters, digits, dash and underscore', () => {
    expect(InitiativeIdSchema.parse('abc-DEF_123')).toBe('abc-DEF_123');
  });
  it.each(['', 'has space', 'dot.ted', 'slash/'])('rejects the id %j', (id) => {
    expect(InitiativeIdSchema.safeParse(id).success).toBe(false);
  });
});

describe('MeasureResult', () => {
  it('accepts a valid result and fills defaults', () => {
    const parsed = parseMeasureResult(validMeasure());
    expect(parsed.ci_level).toBe(0.95);
    expect(parsed.effect_unit).toBe('absolute');
    expect(parsed.diagnostics).toEqual({});
  });

  it('accepts a degenerate interval where all three are equal', () => {
    expect(() =>
      parseMeasureResult({ ...validMeasure(), ci_lower: 1, effect_estimate: 1, ci_upper: 1 }),
    ).not.toThrow();
  });

  it('rejects ci_lower above the estimate, naming the field and the invariant', () => {
    const error = violation(() => parseMeasureResult({ ...validMeasure(), ci_lower: 13 }));
    expect(error.code).toBe('CONTRACT_VIOLATION');
    expect(error.contract).toBe('MeasureResult');
    expect(error.path).toBe('ci_lower');
    expect(error.message).toContain('ci_lower: expected ci_lower ≤ effect_estimate (12.5), got 13');
  });

  it('rejects ci_upper below the estimate', () => {
    const error = violation(() => parseMeasureResult({ ...validMeasure(), ci_upper: 12 }));
    expect(error.path).toBe('ci_upper');
    expect(error.expected).toContain('ci_upper ≥ effect_estimate');
  });

  it.each([
    [-0.01, 'a number ≥ 0'],
    [1.5, 'a number ≤ 1'],
  ])('rejects p_value %d', (p, expected) => {
    const error = violation(() => parseMeasureResult({ ...validMeasure(), p_value: p }));
    expect(error.path).toBe('p_value');
    expect(error.expected).toBe(expected);
  });

  it.each([
    [0, 'a number ≥ 1'],
    [10.5, 'an integer'],
  ])('rejects sample_size %d', (n, expected) => {
    const error = violation(() => parseMeasureResult({ ...validMeasure(), sample_size: n }));
    expect(error.path).toBe('sample_size');
    expect(error.expected).toBe(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects a non-finite estimate (%d)',
    (v) => {
      const error = violation(() => parseMeasureResult({ ...validMeasure(), effect_estimate: v }));
      expect(error.path).toBe('effect_estimate');
      expect(error.found).toBe(String(v));
    },
  );

  it('rejects a missing p-value instead of defaulting it', () => {
    const { p_value: _omitted, ...rest } = validMeasure();
    const error = violation(() => parseMeasureResult(rest));
    expect(error.message).toContain('p_value: expected a number, got nothing (the field is missing)');
  });

  it('rejects an unknown model type, listing the allowed ones', () => {
    const error = violation(() => parseMeasureResult({ ...validMeasure(), model_type: 'rct' }));
    expect(error.expected).toBe('one of "experiment" | "quasi-experiment" | "time-series" | "observational"');
  });

  it('rejects unknown top-level keys but passes diagnostics through', () => {
    const error = violation(() => parseMeasureResult({ ...validMeasure(), efect_estimate: 1 }));
    expect(error.path).toBe('efect_estimate');
    const parsed = parseMeasureResult({
      ...validMeasure(),
      diagnostics: { r_squared: 0.4, custom: { a: [1] } },
    });
    expect(parsed.diagnostics).toEqual({ r_squared: 0.4, custom: { a: [1] } });
  });

  it('rejects non-finite numbers inside diagnostics', () => {
    const error = violation(() =>
      parseMeasureResult({ ...validMeasure(), diagnostics: { rmspe: Number.NaN } }),
    );
    expect(error.path).toBe('diagnostics.rmspe');
  });

  it('rejects a ci_level outside (0, 1)', () => {
    expect(violation(() => parseMeasureResult({ ...validMeasure(), ci_level: 1 })).expected).toBe(
      'a number < 1',
    );
    expect(violation(() => parseMeasureResult({ ...validMeasure(), ci_level: 0 })).expected).toBe(
      'a number > 0',
    );
  });

  it('rejects a negative standard error', () => {
    expect(violation(() => parseMeasureResult({ ...validMeasure(), standard_error: -1 })).path).toBe(
      'standard_error',
    );
  });

  it('names the source file when given one', () => {
    const error = violation(() =>
      parseMeasureResult({ ...validMeasure(), p_value: 2 }, { file: 'pilot.json' }),
    );
    expect(error.file).toBe('pilot.json');
    expect(error.message.startsWith('pilot.json: MeasureResult contract violated: p_value')).toBe(true);
  });
});

describe('ReviewResult', () => {
  it('accepts ordered scenarios, including negative returns', () => {
    expect(parseReviewResult(validReview()).R_med).toBe(10);
    expect(() => parseReviewResult({ ...validReview(), R_best: -1, R_med: -2, R_worst: -3 })).not.toThrow();
  });

  it('rejects R_worst above R_med', () => {
    const error = violation(() => parseReviewResult({ ...validReview(), R_worst: 11 }));
    expect(error.path).toBe('R_worst');
    expect(error.expected).toBe('R_worst ≤ R_med (10)');
  });

  it('rejects R_med above R_best', () => {
    const error = violation(() => parseReviewResult({ ...validReview(), R_best: 9 }));
    expect(error.path).toBe('R_best');
  });

  it.each([
    ['confidence', 1.2, 'a number ≤ 1'],
    ['confidence', -0.1, 'a number ≥ 0'],
    ['cost', -5, 'a number ≥ 0'],
  ] as const)('rejects %s = %d', (field, value, expected) => {
    const error = violation(() => parseReviewResult({ ...validReview(), [field]: value }));
    expect(error.path).toBe(field);
    expect(error.expected).toBe(expected);
  });

  it('rejects a cost given as text, quoting what was found', () => {
    const error = violation(() => parseReviewResult({ ...validReview(), cost: 'ten' }));
    expect(error.message).toContain('cost: expected a number, got "ten"');
  });

  it('validates flags as upper-snake codes with a message', () => {
    const ok = parseReviewResult({
      ...validReview(),
      flags: [{ code: 'NOT_SIGNIFICANT', message: 'p = 0.3' }],
    });
    expect(ok.flags[0]?.severity).toBe('warning');
    const error = violation(() =>
      parseReviewResult({ ...validReview(), flags: [{ code: 'bad code', message: 'x' }] }),
    );
    expect(error.path).toBe('flags[0].code');
  });
});

describe('AllocationResult', () => {
  it('accepts a consistent allocation', () => {
    expect(parseAllocationResult(validAllocation()).detail).toEqual({});
  });

  it('accepts an empty selection', () => {
    expect(() =>
      parseAllocationResult({
        ...validAllocation(),
        selected_initiatives: [],
        predicted_returns: {},
        budget_allocated: {},
        total_cost: 0,
      }),
    ).not.toThrow();
  });

  it('rejects allocations above the budget', () => {
    const error = violation(() =>
      parseAllocationResult({ ...validAllocation(), budget_allocated: { A: 8, B: 3 } }),
    );
    expect(error.path).toBe('budget_allocated');
    expect(error.expected).toBe('allocations summing to at most the budget (10)');
  });

  it('rejects a total cost above the budget', () => {
    expect(violation(() => parseAllocationResult({ ...validAllocation(), total_cost: 11 })).path).toBe(
      'total_cost',
    );
  });

  it('tolerates floating-point rounding in sums', () => {
    expect(() =>
      parseAllocationResult({
        ...validAllocation(),
        budget: 0.3,
        budget_allocated: { A: 0.1, B: 0.2 },
        total_cost: 0.1 + 0.2,
      }),
    ).not.toThrow();
  });

  it('rejects duplicates in the selection', () => {
    const error = violation(() =>
      parseAllocationResult({ ...validAllocation(), selected_initiatives: ['A', 'B', 'A'] }),
    );
    expect(error.path).toBe('selected_initiatives[2]');
  });

  it('rejects allocations to initiatives that were not selected', () => {
    const error = violation(() =>
      parseAllocationResult({ ...validAllocation(), budget_allocated: { A: 4, C: 1 } }),
    );
    expect(error.path).toBe('budget_allocated.C');
  });

  it('requires a predicted return for every selected initiative', () => {
    const error = violation(() =>
      parseAllocationResult({ ...validAllocation(), predicted_returns: { A: 10 } }),
    );
    expect(error.path).toBe('predicted_returns.B');
  });

  it('checks that selected ids are among the reviewed ones', () => {
    const reviews = [{ id: 'A' }, { id: 'B' }];
    expect(() => assertSelectionWithinReviews({ selected_initiatives: ['A'] }, reviews)).not.toThrow();
    const error = violation(() =>
      assertSelectionWithinReviews({ selected_initiatives: ['A', 'Z'] }, reviews),
    );
    expect(error.path).toBe('selected_initiatives[1]');
    expect(error.found).toBe('"Z"');
  });
});

describe('OutcomeRecord and OutcomeReport', () => {
  it('accepts a consistent report', () => {
    expect(parseOutcomeReport(validReport()).records).toHaveLength(1);
  });

  it('rejects a prediction error that is not actual − predicted', () => {
    const error = violation(() =>
      parseContract(OutcomeRecordSchema, { ...validRecord(), prediction_error: 1 }, 'OutcomeRecord'),
    );
    expect(error.path).toBe('prediction_error');
    expect(error.expected).toBe('actual_return − predicted_return (-1)');
  });

  it('rejects an actual CI that does not contain the actual return', () => {
    const error = violation(() =>
      parseContract(OutcomeRecordSchema, { ...validRecord(), actual_ci_lower: 9.5 }, 'OutcomeRecord'),
    );
    expect(error.path).toBe('actual_ci_lower');
    const upper = violation(() =>
      parseContract(OutcomeRecordSchema, { ...validRecord(), actual_ci_upper: 8 }, 'OutcomeRecord'),
    );
    expect(upper.path).toBe('actual_ci_upper');
  });

  it('accepts a null ROI (nothing allocated) but not a non-finite one', () => {
    expect(() =>
      parseContract(OutcomeRecordSchema, { ...validRecord(), roi: null }, 'OutcomeRecord'),
    ).not.toThrow();
    expect(
      violation(() =>
        parseContract(
          OutcomeRecordSchema,
          { ...validRecord(), roi: Number.POSITIVE_INFINITY },
          'OutcomeRecord',
        ),
      ).path,
    ).toBe('roi');
  });

  it('rejects a non-boolean within_pilot_ci', () => {
    const error = violation(() =>
      parseContract(OutcomeRecordSchema, { ...validRecord(), within_pilot_ci: 'yes' }, 'OutcomeRecord'),
    );
    expect(error.expected).toBe('true or false');
  });

  it('rejects a report allocating more than its budget', () => {
    const error = violation(() => parseOutcomeReport({ ...validReport(), total_allocated: 12 }));
    expect(error.path).toBe('total_allocated');
  });

  it('rejects an initiative both scaled and dropped', () => {
    const report = validReport();
    const error = violation(() =>
      parseOutcomeReport({ ...report, dropped: [{ initiative_id: 'A', reason: 'budget', message: 'x' }] }),
    );
    expect(error.path).toBe('dropped[0].initiative_id');
  });

  it('carries pilot evidence for initiatives of the report, once each, with a non-negative SE', () => {
    const evidence = (id: string, se = 5) => ({
      initiative_id: id,
      model_type: 'experiment' as const,
      confidence: 0.8,
      cost: 4,
      estimated_return: 12,
      estimated_return_se: se,
    });
    const report = validReport();
    expect(parseOutcomeReport({ ...report, evidence: [evidence('A'), evidence('B')] }).evidence).toHaveLength(
      2,
    );
    expect(parseOutcomeReport(report).evidence).toBeUndefined();
    expect(
      violation(() => parseOutcomeReport({ ...report, evidence: [evidence('A'), evidence('A')] })).path,
    ).toBe('evidence[1].initiative_id');
    expect(violation(() => parseOutcomeReport({ ...report, evidence: [evidence('Z')] })).message).toContain(
      'an initiative of records or dropped',
    );
    expect(violation(() => parseOutcomeReport({ ...report, evidence: [evidence('A', -1)] })).path).toBe(
      'evidence[0].estimated_return_se',
    );
  });

  it('rejects a malformed config hash in the metadata', () => {
    const report = validReport();
    const error = violation(() =>
      parseOutcomeReport({ ...report, metadata: { ...report.metadata, config_hash: 'xyz' } }),
    );
    expect(error.path).toBe('metadata.config_hash');
    expect(error.expected).toBe('a lowercase hex SHA-256 digest');
  });

  it('reports every problem, not only the first', () => {
    const error = violation(() =>
      parseContract(MeasureResultSchema, { ...validMeasure(), p_value: 2, sample_size: 0 }, 'MeasureResult'),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['p_value', 'sample_size']);
    expect(error.message).toContain('(and 1 more problem)');
  });
});
