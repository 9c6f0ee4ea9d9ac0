import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReviewResult } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { createDefaultStages, type LoopStages, runLoop } from '../../src/index';
import { fakePipeline, fakeStages } from '../helpers/fake-stages';

const RAW_P: Record<string, number> = { 'init-0': 0.01, 'init-1': 0.04, 'init-2': 0.03 };

/** Fake stages whose pilots report the p-values above, recording what the review stage is shown. */
function stagesWithPValues(review?: LoopStages['review']) {
  const { stages } = fakeStages();
  const seen: Record<string, number | undefined> = {};
  const wrapped: LoopStages = {
    ...stages,
    async measure(request) {
      const outcome = await stages.measure(request);
      const id = outcome.result.initiative_id;
      return { ...outcome, result: { ...outcome.result, p_value: RAW_P[id] ?? 0.5 } };
    },
    async review(request) {
      seen[request.measurement.initiative_id] = request.measurement.p_value;
      return (review ?? stages.review)(request);
    },
  };
  return { stages: wrapped, seen };
}

function outDir(): string {
  return mkdtempSync(join(tmpdir(), 'impact-loop-mt-'));
}

describe('review.multiple_testing in the loop', () => {
  it('reviews each pilot with its Holm-adjusted p-value over the cycle and flags both values', async () => {
    const { stages, seen } = stagesWithPValues();
    const dir = outDir();
    await runLoop({
      config: fakePipeline([2, 1, 3], [40, 50, 30], { review: { multiple_testing: 'holm' } }),
      outDir: dir,
      stages,
    });
    // Holm by hand: sorted 0.01, 0.03, 0.04 → 3·0.01, max(0.03, 2·0.03), max(0.06, 1·0.04).
    expect(seen['init-0']).toBeCloseTo(0.03, 12);
    expect(seen['init-2']).toBeCloseTo(0.06, 12);
    expect(seen['init-1']).toBeCloseTo(0.06, 12);
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as {
      initiatives: { initiative_id: string; review?: ReviewResult }[];
    };
    for (const initiative of run.initiatives) {
      const flag = initiative.review?.flags.find((entry) => entry.code === 'MULTIPLE_TESTING');
      expect(flag?.message).toContain('Holm-adjusted over 3 initiatives');
      expect(flag?.message).toContain(`p = ${RAW_P[initiative.initiative_id]}`);
    }
  });

  it('Benjamini–Hochberg: adjusted p = min over larger ranks of p·m/rank', async () => {
    const { stages, seen } = stagesWithPValues();
    await runLoop({
      config: fakePipeline([2, 1, 3], [40, 50, 30], { review: { multiple_testing: 'bh' } }),
      outDir: outDir(),
      stages,
    });
    // BH by hand: 0.04·3/3 = 0.04; 0.03·3/2 = 0.045 → min(0.045, 0.04) = 0.04; 0.01·3/1 = 0.03.
    expect(seen['init-1']).toBeCloseTo(0.04, 12);
    expect(seen['init-2']).toBeCloseTo(0.04, 12);
    expect(seen['init-0']).toBeCloseTo(0.03, 12);
  });

  it('without it each review sees the raw p-value and no flag', async () => {
    const { stages, seen } = stagesWithPValues();
    const dir = outDir();
    await runLoop({ config: fakePipeline([2, 1, 3], [40, 50, 30]), outDir: dir, stages });
    expect(seen).toEqual(RAW_P);
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).not.toContain('MULTIPLE_TESTING');
  });

  it('the default reviewer accepts the setting and a Holm-adjusted p lowers significance, hence confidence', async () => {
    const real = createDefaultStages({ review: { reviewer: 'deterministic', multiple_testing: 'holm' } });
    const plain = createDefaultStages({ review: { reviewer: 'deterministic' } });
    const confidences: Record<string, Record<string, number>> = { holm: {}, none: {} };
    for (const [name, base, extra] of [
      ['holm', real, { review: { reviewer: 'deterministic', multiple_testing: 'holm' } }],
      ['none', plain, { review: { reviewer: 'deterministic' } }],
    ] as const) {
      const { stages } = stagesWithPValues(base.review.bind(base));
      const dir = outDir();
      await runLoop({ config: fakePipeline([2, 1, 3], [40, 50, 30], extra), outDir: dir, stages });
      const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as {
        initiatives: { initiative_id: string; review?: ReviewResult }[];
      };
      for (const initiative of run.initiatives)
        (confidences[name] as Record<string, number>)[initiative.initiative_id] =
          initiative.review?.confidence ?? Number.NaN;
    }
    for (const id of Object.keys(RAW_P)) {
      expect(confidences.holm?.[id]).toBeLessThanOrEqual(confidences.none?.[id] as number);
    }
    expect(
      Object.keys(RAW_P).some(
        (id) => (confidences.holm?.[id] as number) < (confidences.none?.[id] as number),
      ),
    ).toBe(true);
  });
});
