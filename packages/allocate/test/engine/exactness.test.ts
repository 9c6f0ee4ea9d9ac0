import type { ReviewResultInput } from '@impact/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllocationError, allocate } from '../../src/index';
import { review, SOLVERS } from '../helpers';
import { type BruteOptions, bruteForce } from './brute-force';

const RULES = ['minimax_regret', 'expected_return', 'maximin'] as const;
const INSTANCES = 210;

const itemArbitrary = fc.record({
  cost: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 1, max: 10 }) },
    { weight: 1, arbitrary: fc.constant(0) },
  ),
  worst: fc.integer({ min: -5, max: 10 }),
  medUp: fc.integer({ min: 0, max: 10 }),
  bestUp: fc.integer({ min: 0, max: 10 }),
  confidenceTenths: fc.integer({ min: 0, max: 10 }),
});

/** `arbitrary` in about a third of the instances, `undefined` otherwise. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** A random instance: up to 15 initiatives with integer data and any subset of the shared constraints. */
const instanceArbitrary = fc
  .record({
    items: fc.array(itemArbitrary, { minLength: 1, maxLength: 15 }),
    budgetShare: fc.double({ min: 0, max: 1, noNaN: true }),
    minConfidence: sometimes(fc.integer({ min: 0, max: 6 })),
    mandatoryPick: sometimes(fc.nat()),
    excludedPick: sometimes(fc.nat()),
    maxSelected: sometimes(fc.integer({ min: 0, max: 6 })),
    floor: sometimes(fc.integer({ min: -10, max: 10 })),
    objective: fc.constantFrom<'net' | 'gross'>('net', 'gross'),
    weights: sometimes(
      fc.constantFrom<[number, number, number]>([0.1, 0.3, 0.6], [0.25, 0.5, 0.25], [0, 0, 1], [0.5, 0.5, 0]),
    ),
  })
  .map((raw) => {
    // ids mix '-' and '_' so that name collisions in the solver would show.
    const reviews: ReviewResultInput[] = raw.items.map((item, i) => {
      const id = `i${String.fromCharCode(97 + (i % 8))}${i >= 8 ? '_x' : '-x'}`;
      const med = item.worst + item.medUp;
      return review(id, item.cost, med + item.bestUp, med, item.worst, item.confidenceTenths / 10);
    });
    const total = reviews.reduce((sum, r) => sum + (r.cost as number), 0);
    const pick = (k: number | undefined): string | undefined =>
      k === undefined ? undefined : reviews[k % reviews.length]?.id;
    const mandatory = pick(raw.mandatoryPick);
    const excluded = pick(raw.excludedPick);
    return {
      reviews,
      budget: Math.round(total * raw.budgetShare),
      minConfidence: raw.minConfidence === undefined ? undefined : raw.minConfidence / 10,
      mandatory: mandatory === undefined ? [] : [mandatory],
      excluded: excluded === undefined || excluded === mandatory ? [] : [excluded],
      maxSelected: raw.maxSelected,
      floor: raw.floor,
      weights: raw.weights,
      objective: raw.objective,
    };
  });

describe.each(SOLVERS)('exactness against brute-force enumeration (%s)', (solver) => {
  it(`every rule's objective and portfolio equal enumeration of all subsets on ${INSTANCES} random instances`, async () => {
    let checked = 0;
    let infeasible = 0;
    await fc.assert(
      fc.asyncProperty(instanceArbitrary, async (instance) => {
        for (const rule of RULES) {
          const options: BruteOptions = {
            budget: instance.budget,
            rule,
            objective: instance.objective,
            mandatory: instance.mandatory,
            excluded: instance.excluded,
            ...(instance.minConfidence === undefined ? {} : { minConfidence: instance.minConfidence }),
            ...(instance.maxSelected === undefined ? {} : { maxSelected: instance.maxSelected }),
            ...(instance.floor === undefined ? {} : { minWorstCaseReturn: instance.floor }),
            ...(instance.weights === undefined ? {} : { weights: instance.weights }),
          };
          const expected = bruteForce(instance.reviews, options);
          const run = allocate(instance.reviews, {
            objective: instance.objective,
            budget: instance.budget,
            rule,
            solver,
            mandatory: instance.mandatory,
            excluded: instance.excluded,
            ...(instance.minConfidence === undefined ? {} : { minConfidence: instance.minConfidence }),
            ...(instance.maxSelected === undefined ? {} : { maxSelected: instance.maxSelected }),
            ...(instance.floor === undefined ? {} : { minWorstCaseReturn: instance.floor }),
            ...(instance.weights === undefined
              ? {}
              : {
                  scenarioWeights: {
                    best: instance.weights[0],
                    med: instance.weights[1],
                    worst: instance.weights[2],
                  },
                }),
          });
          if (expected.objective === null) {
            await expect(run).rejects.toMatchObject({ code: 'ALLOCATION_INFEASIBLE' });
            await expect(run).rejects.toBeInstanceOf(AllocationError);
            infeasible++;
            continue;
          }
          const result = await run;
          expect(result.objective_value).toBeCloseTo(expected.objective, 9);
          expect(result.selected_initiatives).toEqual(expected.selected);
          expect(result.total_cost).toBeLessThanOrEqual(instance.budget * (1 + 1e-12));
          const vStar = result.detail.v_star as Record<string, number>;
          expect([vStar.best, vStar.med, vStar.worst]).toEqual(
            expected.vStar?.map((v) => expect.closeTo(v, 9)),
          );
          checked++;
        }
      }),
      { seed: 20261122, numRuns: INSTANCES, endOnFailure: true },
    );
    expect(checked + infeasible).toBe(INSTANCES * RULES.length);
    // The generator must exercise both outcomes.
    expect(checked).toBeGreaterThan(INSTANCES);
    expect(infeasible).toBeGreaterThan(0);
    // Hundreds of exact solves per engine: the default 30 s is too short on a loaded 2-core machine.
  }, 120_000);
});
