import { ContractError, ReviewResultSchema } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { ReviewError } from '../../src/errors';
import { createDeterministicReviewer } from '../../src/reviewer/deterministic';
import { scoreConfidence } from '../../src/scoring/confidence';
import { measurement } from '../helpers';

describe('createDeterministicReviewer', () => {
  it('returns a valid ReviewResult with the band score, scenarios through the valuation, and cost passed through', async () => {
    const m = measurement({ model_type: 'quasi-experiment', diagnostics: { pretrend_p_value: 0.5 } });
    const review = await createDeterministicReviewer().review({
      measurement: m,
      cost: 12_000,
      valuation: { value_per_unit: 2, units: 1000, currency: 'USD' },
    });
    expect(ReviewResultSchema.parse(review)).toEqual(review);
    expect(review).toMatchObject({
      id: 'init-a',
      cost: 12_000,
      R_best: 11.96 * 2000,
      R_med: 10 * 2000,
      R_worst: 8.04 * 2000,
      model_type: 'quasi-experiment',
      reviewer: { name: 'deterministic', kind: 'deterministic' },
    });
    expect(review.confidence).toBe(scoreConfidence(m).confidence);
    expect(review.rationale).toMatch(/quasi-experiment band \[0\.6, 0\.84\]/);
    expect(review.rationale).toMatch(/R_med 20000 USD/);
  });

  it('is deterministic: the same input gives byte-identical output', async () => {
    const reviewer = createDeterministicReviewer();
    const input = { measurement: measurement({ p_value: 0.2 }), cost: 5 };
    expect(JSON.stringify(await reviewer.review(input))).toBe(JSON.stringify(await reviewer.review(input)));
  });

  it('applies rule overrides', async () => {
    const m = measurement({ p_value: 0.5 });
    const strict = await createDeterministicReviewer({ adjustments: { significance: { weight: 1 } } }).review(
      {
        measurement: m,
        cost: 1,
      },
    );
    const lenient = await createDeterministicReviewer({
      adjustments: { significance: { weight: 0 } },
    }).review({
      measurement: m,
      cost: 1,
    });
    expect(strict.confidence).toBeLessThan(lenient.confidence);
  });

  it('flags a relative effect without a valuation and a negative effect', async () => {
    const review = await createDeterministicReviewer().review({
      measurement: measurement({
        effect_unit: 'relative',
        effect_estimate: -0.1,
        ci_lower: -0.2,
        ci_upper: 0,
        p_value: 0.05,
      }),
      cost: 1,
    });
    const codes = review.flags.map((flag) => flag.code);
    expect(codes).toContain('RELATIVE_EFFECT_UNVALUED');
    expect(codes).toContain('NEGATIVE_EFFECT');
  });

  it('rejects a measurement that breaks its contract with a ContractError naming the field', async () => {
    await expect(
      createDeterministicReviewer().review({ measurement: { ...measurement(), p_value: 3 }, cost: 1 }),
    ).rejects.toThrow(ContractError);
    await expect(
      createDeterministicReviewer().review({ measurement: { ...measurement(), p_value: 3 }, cost: 1 }),
    ).rejects.toThrow(/measurement\.p_value/);
  });

  it('rejects a negative cost naming the field', async () => {
    await expect(
      createDeterministicReviewer().review({ measurement: measurement(), cost: -1 }),
    ).rejects.toThrow(/cost/);
  });

  it('rejects invalid rules at construction', () => {
    expect(() => createDeterministicReviewer({ power: 2 })).toThrow(/power/);
  });

  it('throws REVIEW_ABORTED when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const review = createDeterministicReviewer().review(
      { measurement: measurement(), cost: 1 },
      { signal: controller.signal },
    );
    await expect(review).rejects.toBeInstanceOf(ReviewError);
    await expect(review).rejects.toMatchObject({ code: 'REVIEW_ABORTED' });
  });
});
