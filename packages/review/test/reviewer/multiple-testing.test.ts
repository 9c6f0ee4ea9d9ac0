import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReviewConfigSchema } from '../../src/config/review-config';
import { createDeterministicReviewer } from '../../src/reviewer/deterministic';
import { reviewAll } from '../../src/reviewer/review-all';
import { adjustPValues } from '../../src/stats/multiplicity';
import { measurement } from '../helpers';

const golden = JSON.parse(
  readFileSync(new URL('../fixtures/multipletests.json', import.meta.url), 'utf8'),
) as { families: { p: number[]; holm: number[]; bh: number[] }[] };

describe('adjustPValues vs statsmodels multipletests', () => {
  golden.families.forEach((family, index) => {
    it(`holm and fdr_bh match to 1e-12 (family ${index}, m = ${family.p.length})`, () => {
      const holm = adjustPValues(family.p, 'holm');
      const bh = adjustPValues(family.p, 'bh');
      family.p.forEach((_, i) => {
        expect(holm[i]).toBeCloseTo(family.holm[i] as number, 12);
        expect(bh[i]).toBeCloseTo(family.bh[i] as number, 12);
      });
    });
  });
  it('leaves p-values alone with none', () => {
    expect(adjustPValues([0.2, 0.01], 'none')).toEqual([0.2, 0.01]);
  });
});

describe('reviewAll with multipleTesting', () => {
  const inputs = [0.004, 0.03, 0.2, 0.8].map((p, index) => ({
    measurement: measurement({ initiative_id: `i${index}`, p_value: p, ci_lower: 9, ci_upper: 11 }),
    cost: 1000,
  }));
  const reviewer = createDeterministicReviewer();

  it('feeds the Holm-adjusted p-values to the significance ramp and flags each review', async () => {
    const plain = await reviewAll(inputs, reviewer);
    const holm = await reviewAll(inputs, reviewer, { multipleTesting: 'holm' });
    // p = 0.03 is significant alone (0.03 < 0.05) but not after Holm over 4 (0.09).
    expect(plain[1]?.flags.map((flag) => flag.code)).not.toContain('NOT_SIGNIFICANT');
    expect(holm[1]?.flags.map((flag) => flag.code)).toContain('NOT_SIGNIFICANT');
    expect(holm[1]?.confidence).toBeLessThan(plain[1]?.confidence as number);
    const flag = holm[1]?.flags.find((entry) => entry.code === 'MULTIPLE_TESTING');
    expect(flag?.message).toContain('p = 0.03; Holm-adjusted over 4 initiatives: p = 0.09');
    expect(holm.every((review) => review.flags.some((entry) => entry.code === 'MULTIPLE_TESTING'))).toBe(
      true,
    );
  });

  it('never raises a confidence and changes nothing with none or a single initiative', async () => {
    const plain = await reviewAll(inputs, reviewer);
    const bh = await reviewAll(inputs, reviewer, { multipleTesting: 'bh' });
    for (const [index, review] of bh.entries()) {
      expect(review.confidence).toBeLessThanOrEqual(plain[index]?.confidence as number);
    }
    const single = await reviewAll(inputs.slice(0, 1), reviewer, { multipleTesting: 'bh' });
    expect(single).toEqual(plain.slice(0, 1));
  });

  it('is a review config key (multiple_testing), default none, unknown methods rejected', () => {
    expect(ReviewConfigSchema.parse({}).multiple_testing).toBe('none');
    expect(ReviewConfigSchema.parse({ multiple_testing: 'bh' }).multiple_testing).toBe('bh');
    expect(() => ReviewConfigSchema.parse({ multiple_testing: 'bonferroni' })).toThrow();
  });
});

describe('multiple_testing outside a batch review', () => {
  it('is refused by createReviewerFromConfig unless the caller reviews in a batch', async () => {
    const { createReviewerFromConfig } = await import('../../src/config/review-config');
    expect(() => createReviewerFromConfig({ multiple_testing: 'holm' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', path: 'multiple_testing' }),
    );
    expect(() => createReviewerFromConfig({ multiple_testing: 'holm' }, { batch: true })).not.toThrow();
    expect(() => createReviewerFromConfig({ multiple_testing: 'none' })).not.toThrow();
  });
});
