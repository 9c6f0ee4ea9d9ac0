import { readFileSync } from 'node:fs';
import { MeasureResultSchema } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { scoreConfidence } from '../../src/scoring/confidence';

interface Golden {
  cases: { measurement: unknown; confidence: number }[];
}
const golden = JSON.parse(
  readFileSync(new URL('../fixtures/scores.json', import.meta.url), 'utf8'),
) as Golden;

describe('scoreConfidence against an independent Python implementation of the documented formula', () => {
  it.each(golden.cases.map((entry, index) => ({ ...entry, index })))(
    'case $index matches to 1e-9',
    ({ measurement, confidence }) => {
      const parsed = MeasureResultSchema.parse(measurement);
      // 1e-9, not 1e-12: the t-test power behind sample-size adequacy is a quadrature (≈1e-8 relative in λ_π
      // against scipy's nct, see test/stats/noncentral-t.test.ts), which moves the score by < 1e-10.
      expect(Math.abs(scoreConfidence(parsed).confidence - confidence)).toBeLessThan(1e-9);
    },
  );
});
