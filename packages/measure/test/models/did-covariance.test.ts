import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTable, type Table } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { DifferenceInDifferencesParamsSchema, differenceInDifferencesModel } from '../../src/models/did';

interface OptionGolden {
  estimate: number;
  classical: { se: number; df: number; p: number };
  HC1: { se: number; df: number; p: number };
  CR1_clusters: { se: number; df: number; p: number };
  CR1_within: { se: number; df: number; p: number };
}
const fixtures = join(__dirname, '..', 'fixtures', 'panel');
const golden = JSON.parse(readFileSync(join(fixtures, 'did-covariance.json'), 'utf8')) as Record<
  'card_krueger_2x2' | 'card_krueger_twfe' | 'panel_twfe',
  OptionGolden
>;
const context = { ciLevel: 0.95, seed: 1 };
const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

function cardKrueger(): Table {
  const lines = readFileSync('/work/shared/datasets/card-krueger.csv', 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',').map((name) => name.replaceAll('"', ''));
  const rows = lines.slice(1).map((line) => line.split(','));
  const kept = rows.filter((cells) => cells[header.indexOf('fte')] !== 'NA');
  const column = (name: string) => kept.map((cells) => cells[header.indexOf(name)] as string);
  return createTable({
    id: column('id'),
    nj: Float64Array.from(column('nj'), Number),
    d: Float64Array.from(column('d'), Number),
    fte: Float64Array.from(column('fte'), Number),
  });
}

function panelTable(): Table {
  const { rows } = JSON.parse(readFileSync(join(fixtures, 'panel-twfe.json'), 'utf8')) as {
    rows: { unit: string[]; time: number[]; treated: number[]; post: number[]; y: number[] };
  };
  return createTable({
    unit: rows.unit,
    time: Float64Array.from(rows.time),
    treated: Float64Array.from(rows.treated),
    post: Float64Array.from(rows.post),
    y: Float64Array.from(rows.y),
  });
}

const cases = [
  {
    name: 'Card & Krueger 2×2 (group_time)',
    golden: golden.card_krueger_2x2,
    table: cardKrueger(),
    params: { outcome: 'fte', unit: 'id', time: 'd', treated: 'nj', post: 'd', fixed_effects: 'group_time' },
  },
  {
    name: 'Card & Krueger store + wave effects',
    golden: golden.card_krueger_twfe,
    table: cardKrueger(),
    params: { outcome: 'fte', unit: 'id', time: 'd', treated: 'nj', post: 'd' },
  },
  {
    name: 'unbalanced panel TWFE',
    golden: golden.panel_twfe,
    table: panelTable(),
    params: { outcome: 'y', unit: 'unit', time: 'time', treated: 'treated', post: 'post' },
  },
] as const;

const options = [
  { key: 'classical', covariance: 'classical', df: 'clusters' },
  { key: 'HC1', covariance: 'HC1', df: 'clusters' },
  { key: 'CR1_clusters', covariance: 'CR1', df: 'clusters' },
  { key: 'CR1_within', covariance: 'CR1', df: 'within' },
] as const;

describe('difference_in_differences covariance: vs statsmodels OLS with dummies', () => {
  for (const example of cases) {
    for (const option of options) {
      if (example.name.includes('2×2') && option.key === 'CR1_within') continue; // no nested effects
      it(`${example.name}, covariance ${option.covariance}, df ${option.df}: SE, df and p to 1e-6`, () => {
        const estimate = differenceInDifferencesModel.fit(
          example.table,
          DifferenceInDifferencesParamsSchema.parse({
            ...example.params,
            covariance: option.covariance,
            df: option.df,
          }),
          context,
        );
        const reference = example.golden[option.key];
        expect(relative(estimate.effect_estimate, example.golden.estimate)).toBeLessThan(1e-9);
        expect(relative(estimate.standard_error, reference.se)).toBeLessThan(1e-6);
        expect(estimate.diagnostics.df).toBe(reference.df);
        expect(relative(estimate.p_value, reference.p)).toBeLessThan(1e-6);
        expect(estimate.diagnostics.covariance).toBe(option.covariance);
      });
    }
  }

  it('Card & Krueger: the classical OLS SE (1.69) via DiD carries no sample-ratio diagnostic', () => {
    const estimate = differenceInDifferencesModel.fit(
      cardKrueger(),
      DifferenceInDifferencesParamsSchema.parse({ ...cases[0].params, covariance: 'classical' }),
      context,
    );
    expect(estimate.standard_error).toBeCloseTo(1.688, 3);
    expect(estimate.diagnostics.srm_p_value).toBeUndefined();
  });

  it('rejects df: within without CR1', () => {
    expect(() => DifferenceInDifferencesParamsSchema.parse({ covariance: 'HC1', df: 'within' })).toThrow(
      /df: within applies to covariance: CR1 only/,
    );
  });
});
