import { describe, expect, it } from 'vitest';
import { DESIGN_LAWS_POLICY, designLaws, withDesignLaws } from '../../src/index';
import { detail as pilot, world } from '../helpers/world-outcomes';

const detail = (id: string, design: string, cost: number, estimate: number, se: number, truth: number) =>
  pilot(id, cost, estimate, se, truth, design);

describe('designLaws', () => {
  it('takes the median error as the bias and the MAD of the SE-scaled errors as the scale', () => {
    // Errors 10, 30, 50, 1e6 (one wild pilot): median bias 40; |e − 40| / SE = 3, 1, 1, 99996 → median 2.
    const worlds = [
      world(1, 0, [detail('a', 'matching', 1, 110, 10, 100), detail('b', 'matching', 1, 130, 10, 100)]),
      world(2, 0, [detail('c', 'matching', 1, 150, 10, 100), detail('d', 'matching', 1, 1e6 + 100, 10, 100)]),
      world(3, 0, [detail('e', 'experiment', 1, 5, 0, 5)]),
    ];
    const laws = designLaws(worlds);
    expect(laws.get('matching')).toEqual({ bias: 40, seScale: 2 / 0.6744897501960817, pilots: 4 });
    // A design whose only pilot has SE 0 keeps scale 1 (no SE to rescale).
    expect(laws.get('experiment')).toEqual({ bias: 0, seScale: 1, pilots: 1 });
    expect([...laws.keys()]).toEqual(['experiment', 'matching']);
  });
});

describe('withDesignLaws', () => {
  it('de-biases and rescales each pilot by its design’s law from the other worlds, then shrinks to the population', () => {
    // World 1 sees world 2's truth only: prior mean 200, variance 20,000; world 2's 'sc' pilots err by
    // +100 with SE 100 each → bias 100. |e − bias| = 0 for both → scale 0: the de-biased estimate is trusted.
    const worlds = [
      world(1, 50, [detail('a', 'sc', 40, 1_100, 100, 1_000), detail('b', 'sc', 30, 400, 100, -7_000)]),
      world(2, 50, [detail('c', 'sc', 10, 200, 100, 100), detail('d', 'sc', 10, 400, 100, 300)]),
    ];
    const [first] = withDesignLaws(worlds);
    const outcome = first?.outcomes.find((entry) => entry.policy === DESIGN_LAWS_POLICY);
    // a: 1,100 − 100 = 1,000, net 960; b: 300, net 270 → only one fits the budget of 50: a.
    expect(outcome?.funded).toEqual(['a']);
    expect(outcome?.trueNetReturn).toBe(1_000 - 40);
    expect(outcome?.overPromise).toBeCloseTo(0, 9);
    expect(first?.outcomes.map((entry) => entry.policy)).toEqual([
      'naive_ratio',
      DESIGN_LAWS_POLICY,
      'oracle',
    ]);
    expect(withDesignLaws(withDesignLaws(worlds))).toEqual(withDesignLaws(worlds));
  });

  it('is the population-prior rule when every design is unbiased with honest SEs', () => {
    // Errors ±SE·Φ⁻¹(0.75) around 0 give bias 0 and scale exactly 1.
    const q = 0.6744897501960817;
    const worlds = [1, 2, 3].map((seed) =>
      world(seed, 30, [
        detail(`x${seed}`, 'experiment', 20, 50 * seed + 10 * q, 10, 50 * seed),
        detail(`y${seed}`, 'experiment', 15, 40 * seed - 10 * q, 10, 40 * seed),
      ]),
    );
    for (const [index, laws] of worlds
      .map((_, k) => designLaws(worlds.filter((__, j) => j !== k)))
      .entries()) {
      expect(laws.get('experiment')?.bias, `world ${index}`).toBeCloseTo(0, 9);
      expect(laws.get('experiment')?.seScale, `world ${index}`).toBeCloseTo(1, 12);
    }
  });
});
