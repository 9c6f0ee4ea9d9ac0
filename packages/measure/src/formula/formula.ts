import type { Table } from '@impact/contracts';
import { numericColumn, stringColumn } from '../data/columns';
import { MeasureError } from '../errors';

/** One factor of a formula term: a numeric column, or `C(column)` expanded to level dummies. */
export interface FormulaFactor {
  column: string;
  categorical: boolean;
}

/** A right-hand-side term: one factor, or an interaction `a:b` of several. */
export interface FormulaTerm {
  /** The term as written, e.g. `enriched:price`. */
  label: string;
  factors: FormulaFactor[];
}

/** A parsed R-style formula `y ~ a + C(b) + a:c`. */
export interface ParsedFormula {
  outcome: string;
  terms: FormulaTerm[];
  /** False when the formula contains `- 1` or `+ 0`. */
  intercept: boolean;
}

const NAME = /^[A-Za-z_.][A-Za-z0-9_.]*$/;

function parseFactor(text: string, formula: string): FormulaFactor {
  const trimmed = text.trim();
  const categorical = /^C\(\s*([^()]+?)\s*\)$/.exec(trimmed);
  const column = categorical ? (categorical[1] as string) : trimmed;
  if (!NAME.test(column)) {
    throw new MeasureError(
      'MODEL_FORMULA_INVALID',
      `formula "${formula}": "${trimmed}" is not a column name or C(column)`,
      {
        parameter: 'formula',
      },
    );
  }
  return { column, categorical: categorical !== null };
}

/**
 * Parse an R/patsy-style formula: `outcome ~ term + term`, where a term is a column, `C(column)`
 * (categorical dummies, first level in sorted order as reference), or an interaction `a:b`. `- 1` / `+ 0`
 * remove the intercept. Throws `MODEL_FORMULA_INVALID`.
 *
 * @example
 * ```ts
 * parseFormula('revenue ~ enriched + price + C(category)');
 * ```
 */
export function parseFormula(formula: string): ParsedFormula {
  const sides = formula.split('~');
  if (sides.length !== 2) {
    throw new MeasureError(
      'MODEL_FORMULA_INVALID',
      `formula "${formula}" must have the form "outcome ~ term + term"`,
      {
        parameter: 'formula',
      },
    );
  }
  const outcome = (sides[0] as string).trim();
  if (!NAME.test(outcome)) {
    throw new MeasureError(
      'MODEL_FORMULA_INVALID',
      `formula "${formula}": outcome "${outcome}" is not a column name`,
      {
        parameter: 'formula',
      },
    );
  }
  let intercept = true;
  const rhs = (sides[1] as string).replace(/-\s*1\b/g, () => {
    intercept = false;
    return '';
  });
  const terms: FormulaTerm[] = [];
  for (const raw of rhs.split('+')) {
    const text = raw.trim();
    if (text === '') continue;
    if (text === '0') {
      intercept = false;
      continue;
    }
    if (text === '1') continue;
    const factors = text.split(':').map((part) => parseFactor(part, formula));
    const label = factors.map((f) => (f.categorical ? `C(${f.column})` : f.column)).join(':');
    if (!terms.some((term) => term.label === label)) terms.push({ label, factors });
  }
  if (terms.length === 0) {
    throw new MeasureError('MODEL_FORMULA_INVALID', `formula "${formula}" has no right-hand-side terms`, {
      parameter: 'formula',
    });
  }
  return { outcome, terms, intercept };
}

/** Columns of one expanded factor: one numeric column, or one dummy per non-reference level. */
interface ExpandedFactor {
  names: string[];
  columns: Float64Array[];
}

/** Options for {@link buildDesign}. */
export interface BuildDesignOptions {
  /** Subtract the mean of each numeric factor and dummy before forming terms (keeps coefficients, moves the intercept to the covariate means). */
  centerExcept?: ReadonlySet<string>;
}

/**
 * Expand formula terms into design columns over a table: numeric factors as-is (optionally centered),
 * `C(x)` as dummies for every level but the first (sorted), interactions as element-wise products of
 * every combination. Prepends `(Intercept)` when the formula has one.
 *
 * @example
 * ```ts
 * const { names, columns } = buildDesign(table, parseFormula('y ~ d + C(region)'));
 * ```
 */
export function buildDesign(
  table: Table,
  formula: ParsedFormula,
  options: BuildDesignOptions = {},
): { names: string[]; columns: Float64Array[]; termColumns: number[][] } {
  const n = table.rowCount;
  const cache = new Map<string, ExpandedFactor>();
  const expand = (factor: FormulaFactor): ExpandedFactor => {
    const key = `${factor.categorical ? 'C' : 'N'}:${factor.column}`;
    const cached = cache.get(key);
    if (cached) return cached;
    let expanded: ExpandedFactor;
    const center = !options.centerExcept?.has(factor.column) && options.centerExcept !== undefined;
    if (factor.categorical) {
      const values = stringColumn(table, factor.column, 'categorical');
      const levels = [...new Set(values)].sort();
      const names: string[] = [];
      const columns: Float64Array[] = [];
      for (const level of levels.slice(1)) {
        const dummy = new Float64Array(n);
        for (let i = 0; i < n; i++) if (values[i] === level) dummy[i] = 1;
        names.push(`C(${factor.column})[${level}]`);
        columns.push(center ? centered(dummy) : dummy);
      }
      expanded = { names, columns };
    } else {
      const values = numericColumn(table, factor.column, 'regressor');
      expanded = { names: [factor.column], columns: [center ? centered(values) : values] };
    }
    cache.set(key, expanded);
    return expanded;
  };
  const names: string[] = [];
  const columns: Float64Array[] = [];
  const termColumns: number[][] = [];
  if (formula.intercept) {
    names.push('(Intercept)');
    columns.push(new Float64Array(n).fill(1));
  }
  for (const term of formula.terms) {
    const [first, ...rest] = term.factors as [FormulaFactor, ...FormulaFactor[]];
    let current: ExpandedFactor = expand(first);
    for (const factor of rest) {
      const next = expand(factor);
      const combined: ExpandedFactor = { names: [], columns: [] };
      for (let a = 0; a < current.names.length; a++) {
        for (let b = 0; b < next.names.length; b++) {
          const left = current.columns[a] as Float64Array;
          const right = next.columns[b] as Float64Array;
          const product = new Float64Array(n);
          for (let i = 0; i < n; i++) product[i] = (left[i] as number) * (right[i] as number);
          combined.names.push(`${current.names[a]}:${next.names[b]}`);
          combined.columns.push(product);
        }
      }
      current = combined;
    }
    const indices: number[] = [];
    for (let k = 0; k < current.names.length; k++) {
      indices.push(columns.length);
      names.push(current.names[k] as string);
      columns.push(current.columns[k] as Float64Array);
    }
    termColumns.push(indices);
  }
  return { names, columns, termColumns };
}

function centered(values: Float64Array): Float64Array {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] as number;
  mean /= n || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (values[i] as number) - mean;
  return out;
}
