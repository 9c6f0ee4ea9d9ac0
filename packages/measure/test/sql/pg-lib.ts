import { createRequire } from 'node:module';
import type { PgLibrary } from '../../src/sql/postgres';

/**
 * `pg`'s Client for tests. Vitest runs workers with the `import` export condition, under which `require('pg')`
 * picks pg-pool's ESM build and fails; the Client module alone loads fine. Users' runs import `pg` normally.
 */
export function pgForTests(): PgLibrary {
  const require = createRequire(import.meta.url);
  return { Client: require('pg/lib/client.js') as PgLibrary['Client'] };
}
