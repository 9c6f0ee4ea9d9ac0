import { ConfigError } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { type SimulationConfigInput, simulate } from '../../src/index';

function configErrorOf(input: unknown): ConfigError {
  try {
    simulate(input as SimulationConfigInput);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration errors', () => {
  it.each([
    [{ products: -5 }, 'products'],
    [{ products: 0 }, 'products'],
    [{ start_date: '2024-02-01', end_date: '2024-01-01' }, 'end_date'],
    [{ start_date: '2024-02-30' }, 'start_date'],
    [{ treatment: { fraction: 1.5 } }, 'treatment.fraction'],
    [{ treatment: { fraction: -0.1 } }, 'treatment.fraction'],
    [{ treatment: { metric: 'clicks' } }, 'treatment.metric'],
    [{ treatment: { start_date: '2025-01-01' } }, 'treatment.start_date'],
    [{ treatment: { effect: { size: -1 } } }, 'treatment.effect.size'],
    [{ treatment: { ramp_days: -2 } }, 'treatment.ramp_days'],
    [
      { treatment: { heterogeneity: { by_category: { Gadgets: 2 } } } },
      'treatment.heterogeneity.by_category.Gadgets',
    ],
    [{ seasonality: { weekday: [1, 1, 1] } }, 'seasonality.weekday'],
    [{ catalog: { categories: ['Books', 'Spaceships'] } }, 'catalog.categories[1]'],
    [{ produts: 10 }, 'produts'],
  ])('rejects %j naming %s', (input, field) => {
    const error = configErrorOf(input);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.path).toBe(field);
    expect(error.message).toContain(field);
  });
});

describe('size limits', () => {
  it('refuses an in-memory panel above MAX_IN_MEMORY_ROWS, naming products and the streaming alternative', () => {
    const error = configErrorOf({ products: 1_000_000, start_date: '2024-01-01', end_date: '2024-12-31' });
    expect(error.path).toBe('products');
    expect(error.message).toMatch(/366000000 rows.*simulateByDay/);
  });
});
