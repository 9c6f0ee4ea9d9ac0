import { createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import { buildDesign, parseFormula } from '../../src/formula/formula';

describe('parseFormula', () => {
  it('parses terms, C() factors and interactions', () => {
    const formula = parseFormula('revenue ~ enriched + price + C(category) + enriched:price');
    expect(formula.outcome).toBe('revenue');
    expect(formula.intercept).toBe(true);
    expect(formula.terms.map((t) => t.label)).toEqual(['enriched', 'price', 'C(category)', 'enriched:price']);
    expect(formula.terms[2]?.factors[0]).toEqual({ column: 'category', categorical: true });
  });
  it('drops the intercept with - 1', () => {
    expect(parseFormula('y ~ x - 1').intercept).toBe(false);
  });
  it('rejects malformed formulas with MODEL_FORMULA_INVALID', () => {
    for (const bad of ['y = x', 'y ~', 'y ~ x + log(z)', '~ x']) {
      expect(() => parseFormula(bad)).toThrow(MeasureError);
    }
  });
});

describe('buildDesign', () => {
  const table = createTable({
    y: Float64Array.of(1, 2, 3, 4),
    x: Float64Array.of(1, 2, 3, 4),
    g: ['b', 'a', 'c', 'a'],
  });
  it('expands C() into dummies with the first sorted level as reference', () => {
    const design = buildDesign(table, parseFormula('y ~ x + C(g)'));
    expect(design.names).toEqual(['(Intercept)', 'x', 'C(g)[b]', 'C(g)[c]']);
    expect(Array.from(design.columns[2] as Float64Array)).toEqual([1, 0, 0, 0]);
    expect(Array.from(design.columns[3] as Float64Array)).toEqual([0, 0, 1, 0]);
  });
  it('forms interactions as products, one column per level', () => {
    const design = buildDesign(table, parseFormula('y ~ x:C(g)'));
    expect(design.names).toEqual(['(Intercept)', 'x:C(g)[b]', 'x:C(g)[c]']);
    expect(Array.from(design.columns[1] as Float64Array)).toEqual([1, 0, 0, 0]);
    expect(Array.from(design.columns[2] as Float64Array)).toEqual([0, 0, 3, 0]);
  });
  it('centers all but the excluded columns when asked', () => {
    const design = buildDesign(table, parseFormula('y ~ x'), { centerExcept: new Set() });
    expect(Array.from(design.columns[1] as Float64Array)).toEqual([-1.5, -0.5, 0.5, 1.5]);
  });
});
