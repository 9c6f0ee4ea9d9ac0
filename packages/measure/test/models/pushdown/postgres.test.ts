import { afterAll, beforeAll } from 'vitest';
import type { SqlEngine } from '../../../src/sql/engine';
import { createPostgresEngine } from '../../../src/sql/postgres';
import { createEngineTable } from '../../sql/helpers';
import { pgForTests } from '../../sql/pg-lib';
import {
  describeDidAgreement,
  describeExperimentAgreement,
  experimentData,
  numericPanelData,
  panelData,
} from './agreement';

/** Set by scripts/with-postgres.sh (CI runs the tests under it); without it these tests report skipped. */
const url = process.env.IMPACT_TEST_PG_URL;

let postgres: SqlEngine;
beforeAll(async () => {
  if (url === undefined) return;
  postgres = await createPostgresEngine({ url, lib: pgForTests() });
  await createEngineTable(postgres, 'experiment', experimentData);
  await createEngineTable(postgres, 'panel', panelData);
  await createEngineTable(postgres, 'panel_2x2', numericPanelData);
});
afterAll(async () => {
  await postgres?.close();
});
describeExperimentAgreement('PostgreSQL', () => postgres, 'experiment', url === undefined);
describeDidAgreement('PostgreSQL', () => postgres, url === undefined);
