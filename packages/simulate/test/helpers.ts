import type { SimulationConfigInput } from '../src/index';

/** A small experiment: 60 products × 28 days, half treated from day 14, conversion +20 %. */
export const smallExperiment: SimulationConfigInput = {
  seed: 11,
  products: 60,
  start_date: '2024-03-04',
  end_date: '2024-03-31',
  treatment: {
    assignment: 'random',
    fraction: 0.5,
    start_date: '2024-03-18',
    metric: 'conversion',
    effect: { type: 'multiplicative', size: 0.2 },
  },
};

/** Read a numeric column as a plain array. */
export function numbers(values: unknown): number[] {
  return Array.from(values as ArrayLike<number>);
}
