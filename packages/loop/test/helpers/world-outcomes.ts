import type { WorldOutcome } from '../../src/index';

/** One initiative's saved pilot and truth, as `runDecisionBenchmark` records it. */
export const detail = (
  id: string,
  cost: number,
  estimatedReturn: number,
  estimatedReturnSe: number,
  trueReturn: number,
  design = 'experiment',
): WorldOutcome['initiativeDetails'][number] => ({
  id,
  design,
  methodology: design,
  cost,
  estimatedReturn,
  estimatedReturnSe,
  trueReturn,
});

const empty = (policy: string, trueNetReturn: number) => ({
  policy,
  funded: [],
  trueNetReturn,
  spent: 0,
  fundedNegativeTrue: 0,
  fundedNegativeNet: 0,
  overPromise: 0,
});

/** A benchmark world with the given pilots and two placeholder outcomes: naive (0) and the oracle (1). */
export const world = (
  seed: number,
  budget: number,
  details: WorldOutcome['initiativeDetails'],
): WorldOutcome => ({
  seed,
  budget,
  initiatives: details.length,
  failedPilots: 0,
  oracleNetReturn: 1,
  outcomes: [empty('naive_ratio', 0), empty('oracle', 1)],
  initiativeDetails: details,
});
