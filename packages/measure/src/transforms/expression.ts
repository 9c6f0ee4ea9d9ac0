import type { ColumnValues, Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';

/**
 * Row conditions for `filter` and `indicator`: a small expression language, parsed (never evaluated as
 * code) into a tree, or the same thing as structured `{ column, op, value }` objects.
 *
 * Expression grammar: comparisons `column op literal` or `column op column` with `== != < <= > >=`,
 * `column in (1, 2, 'a')`, `column not in (...)`, `is_missing(column)`, combined with `and`, `or`, `not`
 * and parentheses. Literals: decimal numbers, `'text'` or `"text"`, `true`/`false` (1/0). A column name
 * with other characters is written in backticks: `` `unit id` == 'a' ``.
 *
 * A comparison with a missing value (NaN, or an empty / `NA` text cell) is false — `!=` too — as in SQL.
 */
export type Condition =
  | { kind: 'and' | 'or'; parts: Condition[] }
  | { kind: 'not'; part: Condition }
  | { kind: 'missing'; column: string }
  | { kind: 'compare'; left: Operand; op: CompareOp; right: Operand }
  | { kind: 'in'; column: string; values: (number | string)[]; negate: boolean };

/** A comparison operator. */
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
/** One side of a comparison. */
export type Operand = { column: string } | { value: number | string };

const COMPARE_OPS: readonly CompareOp[] = ['==', '!=', '<=', '>=', '<', '>'];

type Token =
  | { type: 'name'; text: string; quoted: boolean }
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'op'; text: string }
  | { type: 'punct'; text: '(' | ')' | ',' };

function syntaxError(expression: string, message: string): MeasureError {
  return new MeasureError('MODEL_PARAMS_INVALID', `condition "${expression}": ${message}`, {
    parameter: 'where',
  });
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const ch = expression[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: 'punct', text: ch });
      i++;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      const end = expression.indexOf(ch, i + 1);
      if (end < 0) throw syntaxError(expression, `unterminated ${ch} at position ${i + 1}`);
      const text = expression.slice(i + 1, end);
      tokens.push(ch === '`' ? { type: 'name', text, quoted: true } : { type: 'string', value: text });
      i = end + 1;
    } else if (/[<>=!]/.test(ch)) {
      const two = expression.slice(i, i + 2);
      const op = COMPARE_OPS.find((candidate) => two.startsWith(candidate));
      if (!op) throw syntaxError(expression, `unknown operator at position ${i + 1} (use == != < <= > >=)`);
      tokens.push({ type: 'op', text: op });
      i += op.length;
    } else {
      const match = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?(?![A-Za-z0-9_.])/.exec(expression.slice(i));
      const previous = tokens[tokens.length - 1];
      const signAllowed = previous === undefined || previous.type === 'op' || previous.type === 'punct';
      if (match && (signAllowed || !/^[+-]/.test(match[0]))) {
        tokens.push({ type: 'number', value: Number(match[0]) });
        i += match[0].length;
        continue;
      }
      const name = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(expression.slice(i));
      if (!name) throw syntaxError(expression, `unexpected ${JSON.stringify(ch)} at position ${i + 1}`);
      tokens.push({ type: 'name', text: name[0], quoted: false });
      i += name[0].length;
    }
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly expression: string,
  ) {}

  parse(): Condition {
    const condition = this.or();
    if (this.position < this.tokens.length) throw this.fail('unexpected text after the condition');
    return condition;
  }

  private fail(message: string): MeasureError {
    return syntaxError(this.expression, `${message} (at token ${this.position + 1})`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    if (token?.type === 'name' && !token.quoted && token.text.toLowerCase() === word) {
      this.position++;
      return true;
    }
    return false;
  }

  private punct(text: '(' | ')' | ','): boolean {
    const token = this.peek();
    if (token?.type === 'punct' && token.text === text) {
      this.position++;
      return true;
    }
    return false;
  }

  private expect(text: '(' | ')'): void {
    if (!this.punct(text)) throw this.fail(`expected "${text}"`);
  }

  private or(): Condition {
    const parts = [this.and()];
    while (this.keyword('or')) parts.push(this.and());
    return parts.length === 1 ? (parts[0] as Condition) : { kind: 'or', parts };
  }

  private and(): Condition {
    const parts = [this.not()];
    while (this.keyword('and')) parts.push(this.not());
    return parts.length === 1 ? (parts[0] as Condition) : { kind: 'and', parts };
  }

  private not(): Condition {
    if (this.keyword('not')) return { kind: 'not', part: this.not() };
    return this.atom();
  }

  private atom(): Condition {
    if (this.punct('(')) {
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    const token = this.peek();
    if (token?.type === 'name' && !token.quoted && token.text === 'is_missing') {
      this.position++;
      this.expect('(');
      const column = this.columnName();
      this.expect(')');
      return { kind: 'missing', column };
    }
    const left = this.operand();
    if ('column' in left) {
      const negate = this.keyword('not');
      if (this.keyword('in')) return { kind: 'in', column: left.column, values: this.list(), negate };
      if (negate) throw this.fail('expected "in" after "not"');
    }
    const op = this.peek();
    if (op?.type !== 'op') throw this.fail('expected a comparison (== != < <= > >=)');
    this.position++;
    const right = this.operand();
    if (!('column' in left) && !('column' in right))
      throw this.fail('a comparison needs a column on one side');
    return { kind: 'compare', left, op: op.text as CompareOp, right };
  }

  private columnName(): string {
    const token = this.peek();
    if (token?.type !== 'name') throw this.fail('expected a column name');
    this.position++;
    return token.text;
  }

  private operand(): Operand {
    const token = this.peek();
    if (token === undefined) throw this.fail('unexpected end of the condition');
    this.position++;
    if (token.type === 'number') return { value: token.value };
    if (token.type === 'string') return { value: token.value };
    if (token.type === 'name') {
      if (!token.quoted && (token.text === 'true' || token.text === 'false'))
        return { value: token.text === 'true' ? 1 : 0 };
      return { column: token.text };
    }
    this.position--;
    throw this.fail('expected a column, number or quoted text');
  }

  private list(): (number | string)[] {
    this.expect('(');
    const values: (number | string)[] = [];
    do {
      const operand = this.operand();
      if ('column' in operand) throw this.fail('an "in" list holds numbers or quoted text only');
      values.push(operand.value);
    } while (this.punct(','));
    this.expect(')');
    return values;
  }
}

/**
 * Parse a condition expression. Throws `MODEL_PARAMS_INVALID` naming the position.
 *
 * @example
 * ```ts
 * parseCondition("state == 'California' and year >= 1989");
 * ```
 */
export function parseCondition(expression: string): Condition {
  return new Parser(tokenize(expression), expression).parse();
}

const LiteralSchema = z.union([z.number(), z.string(), z.boolean().transform((b) => (b ? 1 : 0))]);

/** A structured condition `{ column, op, value }` (`op`: == != < <= > >= in not_in is_missing). */
export const StructuredConditionSchema = z.strictObject({
  column: z.string().min(1),
  op: z.enum(['==', '!=', '<', '<=', '>', '>=', 'in', 'not_in', 'is_missing']),
  value: z.union([LiteralSchema, z.array(z.union([z.number(), z.string()]))]).optional(),
});

function fromStructured(spec: z.output<typeof StructuredConditionSchema>): Condition {
  if (spec.op === 'is_missing') return { kind: 'missing', column: spec.column };
  if (spec.op === 'in' || spec.op === 'not_in') {
    if (!Array.isArray(spec.value)) throw new Error(`op ${spec.op} needs a list value`);
    return { kind: 'in', column: spec.column, values: spec.value, negate: spec.op === 'not_in' };
  }
  if (spec.value === undefined || Array.isArray(spec.value)) throw new Error(`op ${spec.op} needs one value`);
  return { kind: 'compare', left: { column: spec.column }, op: spec.op, right: { value: spec.value } };
}

/**
 * `where:` of `filter` / `indicator`: an expression string, one structured condition, or a list of them
 * (all must hold). Parsed at config time, so a syntax error is reported before any data is read.
 *
 * @example
 * ```ts
 * ConditionSchema.parse([{ column: 'fte', op: 'is_missing' }]);
 * ```
 */
export const ConditionSchema = z
  .union([z.string().min(1), StructuredConditionSchema, z.array(StructuredConditionSchema).min(1)])
  .transform((value, context): Condition => {
    try {
      if (typeof value === 'string') return parseCondition(value);
      if (Array.isArray(value)) return { kind: 'and', parts: value.map(fromStructured) };
      return fromStructured(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const MISSING_TEXT = new Set(['', 'NA']);

function columnOf(table: Table, name: string): ColumnValues {
  const values = table.columns[name];
  if (values === undefined) {
    throw new MeasureError(
      'DATA_MISSING_COLUMN',
      `condition: column "${name}" not found (available: ${Object.keys(table.columns).join(', ') || 'none'})`,
      { column: name },
    );
  }
  return values;
}

function isMissingAt(values: ColumnValues, i: number): boolean {
  const value = values[i];
  return typeof value === 'number' ? Number.isNaN(value) : MISSING_TEXT.has((value as string).trim());
}

function compare(a: number | string, op: CompareOp, b: number | string): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

function operandReader(
  table: Table,
  operand: Operand,
  other: Operand,
): (i: number) => number | string | undefined {
  if ('value' in operand) {
    const value = operand.value;
    if ('column' in other) {
      const values = columnOf(table, other.column);
      const numeric = !Array.isArray(values);
      if (numeric !== (typeof value === 'number')) {
        throw new MeasureError(
          'MODEL_PARAMS_INVALID',
          `condition: column "${other.column}" is ${numeric ? 'numeric' : 'text'} but is compared with ${JSON.stringify(value)}; write ${numeric ? 'a number' : 'quoted text'}`,
          { column: other.column, parameter: 'where' },
        );
      }
    }
    return () => value;
  }
  const values = columnOf(table, operand.column);
  return (i) => (isMissingAt(values, i) ? undefined : (values[i] as number | string));
}

/**
 * Evaluate a condition on every row: a 0/1 mask. Throws `DATA_MISSING_COLUMN` for an unknown column and
 * `MODEL_PARAMS_INVALID` when a numeric column is compared with text (or the reverse).
 *
 * @example
 * ```ts
 * const keep = evaluateCondition(table, parseCondition('fte > 0'));
 * ```
 */
export function evaluateCondition(table: Table, condition: Condition): Uint8Array {
  const n = table.rowCount;
  const out = new Uint8Array(n);
  switch (condition.kind) {
    case 'and':
    case 'or': {
      const masks = condition.parts.map((part) => evaluateCondition(table, part));
      for (let i = 0; i < n; i++) {
        let value = condition.kind === 'and' ? 1 : 0;
        for (const mask of masks)
          value = condition.kind === 'and' ? value & (mask[i] as number) : value | (mask[i] as number);
        out[i] = value;
      }
      return out;
    }
    case 'not': {
      const inner = evaluateCondition(table, condition.part);
      for (let i = 0; i < n; i++) out[i] = inner[i] ? 0 : 1;
      return out;
    }
    case 'missing': {
      const values = columnOf(table, condition.column);
      for (let i = 0; i < n; i++) out[i] = isMissingAt(values, i) ? 1 : 0;
      return out;
    }
    case 'in': {
      const values = columnOf(table, condition.column);
      const numeric = !Array.isArray(values);
      const set = new Set(condition.values.map((v) => (numeric ? Number(v) : String(v))));
      for (let i = 0; i < n; i++) {
        if (isMissingAt(values, i)) continue;
        out[i] = set.has(values[i] as number | string) !== condition.negate ? 1 : 0;
      }
      return out;
    }
    default: {
      const left = operandReader(table, condition.left, condition.right);
      const right = operandReader(table, condition.right, condition.left);
      if ('column' in condition.left && 'column' in condition.right) {
        const a = Array.isArray(columnOf(table, condition.left.column));
        const b = Array.isArray(columnOf(table, condition.right.column));
        if (a !== b) {
          throw new MeasureError(
            'MODEL_PARAMS_INVALID',
            `condition: columns "${condition.left.column}" and "${condition.right.column}" are not both numeric or both text`,
            { parameter: 'where' },
          );
        }
      }
      for (let i = 0; i < n; i++) {
        const a = left(i);
        const b = right(i);
        if (a === undefined || b === undefined) continue;
        out[i] = compare(a, condition.op, b) ? 1 : 0;
      }
      return out;
    }
  }
}
