import { type SimulationResult, simulate } from '@impact/simulate';

/**
 * The small retail panel the panel-model tests share: 60 products × 60 days (2024-01-01 … 02-29), 40% of
 * products enriched at random from 2024-02-10 with revenue × 1.2.
 */
export function simulateRetailPanel(seed: number): SimulationResult {
  return simulate({
    seed,
    products: 60,
    start_date: '2024-01-01',
    end_date: '2024-02-29',
    treatment: {
      assignment: 'random',
      fraction: 0.4,
      start_date: '2024-02-10',
      metric: 'revenue',
      effect: { type: 'multiplicative', size: 0.2 },
    },
  });
}
