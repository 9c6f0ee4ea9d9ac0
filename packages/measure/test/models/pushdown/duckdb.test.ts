import { afterAll, beforeAll } from 'vitest';
import { createDuckDbEngine } from '../../../src/sql/duckdb';
import type { SqlEngine } from '../../../src/sql/engine';
import { createEngineTable } from '../../sql/helpers';
import {
  describeDidAgreement,
  describeExperimentAgreement,
  experimentData,
  numericPanelData,
  panelData,
} from './agreement';

let duckdb: SqlEngine;
beforeAll(async () => {
  duckdb = await createDuckDbEngine();
  await createEngineTable(duckdb, 'experiment', experimentData);
  await createEngineTable(duckdb, 'panel', panelData);
  await createEngineTable(duckdb, 'panel_2x2', numericPanelData);
});
afterAll(async () => {
  await duckdb.close();
});
describeExperimentAgreement('DuckDB', () => duckdb, 'experiment');
describeDidAgreement('DuckDB', () => duckdb);
