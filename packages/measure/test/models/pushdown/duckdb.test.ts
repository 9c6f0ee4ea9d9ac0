import { afterAll, beforeAll } from 'vitest';
import { createDuckDbEngine } from '../../../src/sql/duckdb';
import type { SqlEngine } from '../../../src/sql/engine';
import { createEngineTable } from '../../sql/helpers';
import { describeExperimentAgreement, experimentData } from './agreement';

let duckdb: SqlEngine;
beforeAll(async () => {
  duckdb = await createDuckDbEngine();
  await createEngineTable(duckdb, 'experiment', experimentData);
});
afterAll(async () => {
  await duckdb.close();
});
describeExperimentAgreement('DuckDB', () => duckdb, 'experiment');
