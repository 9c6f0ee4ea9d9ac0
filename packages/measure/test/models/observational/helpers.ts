import { readFileSync } from 'node:fs';
import type { Table } from '@impact/contracts';

/** LaLonde (NSW treated + PSID controls, MatchIt's `lalonde`) with race expanded to black/hisp dummies. */
export function lalondeTable(): Table {
  const text = readFileSync(new URL('../../fixtures/lalonde.csv', import.meta.url), 'utf8').trim();
  const [head, ...lines] = text.split('\n');
  const names = (head as string).split(',');
  const rows = lines.map((line) => line.split(','));
  const column = (name: string) => Float64Array.from(rows, (row) => Number(row[names.indexOf(name)]));
  const race = rows.map((row) => row[names.indexOf('race')] as string);
  return {
    rowCount: rows.length,
    columns: {
      treat: Uint8Array.from(rows, (row) => Number(row[names.indexOf('treat')])),
      age: column('age'),
      educ: column('educ'),
      black: Float64Array.from(race, (r) => (r === 'black' ? 1 : 0)),
      hisp: Float64Array.from(race, (r) => (r === 'hispan' ? 1 : 0)),
      married: column('married'),
      nodegree: column('nodegree'),
      re74: column('re74'),
      re75: column('re75'),
      re78: column('re78'),
    },
  } as Table;
}

export const LALONDE_COVARIATES = ['age', 'educ', 'black', 'hisp', 'married', 'nodegree', 're74', 're75'];

/** A numeric CSV (e.g. the NHEFS fixture, with dummies and squares already expanded) as a Table. */
export function csvTable(path: URL): Table {
  const text = readFileSync(path, 'utf8').trim();
  const [head, ...lines] = text.split('\n');
  const names = (head as string).split(',');
  const rows = lines.map((line) => line.split(','));
  const columns: Record<string, Float64Array> = {};
  names.forEach((name, j) => {
    columns[name] = Float64Array.from(rows, (row) => Number(row[j]));
  });
  return { rowCount: rows.length, columns } as Table;
}
