import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AllocateConfigInput, allocateFromConfig } from '../../src/index';
import { referenceReviews, SOLVERS } from '../helpers';

interface DocExample {
  options: AllocateConfigInput;
  selected?: string[];
  objective?: number;
  error?: string;
}

const docs = readFileSync(fileURLToPath(new URL('../../../../docs/allocate.md', import.meta.url)), 'utf8');
const block = /```json allocate-examples\n([\s\S]*?)```/.exec(docs)?.[1];
const examples = JSON.parse(block ?? '[]') as DocExample[];

describe('docs/allocate.md hand-checked examples', () => {
  it('has the examples block', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });

  describe.each(SOLVERS)('%s', (solver) => {
    it.each(examples.map((example) => [JSON.stringify(example.options), example] as const))(
      '%s',
      async (_name, example) => {
        const run = allocateFromConfig(referenceReviews(), {
          objective: 'gross',
          ...example.options,
          solver,
        });
        if (example.error) {
          await expect(run).rejects.toMatchObject({ code: example.error });
          return;
        }
        const result = await run;
        expect(result.selected_initiatives).toEqual(example.selected);
        expect(result.objective_value).toBeCloseTo(example.objective ?? Number.NaN, 9);
      },
    );
  });
});
