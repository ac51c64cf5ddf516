/**
 * The AlertStore contract on D1, inside workerd: the same suite the SQLite store passes on Node, so the
 * two drivers of one store cannot drift.
 */
import { applyD1Migrations, env } from 'cloudflare:test';
import { describeAlertStoreContract } from '../../src/store/alert-store.contract.js';
import { openD1Store } from '../../src/store/d1-store.js';
import { describeListenStoreContract } from '../../src/store/listen-store.contract.js';

/** Storage is per test file; each contract case gets an empty, freshly migrated database instead. */
async function freshDatabase(): Promise<void> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  if (results.length > 0) {
    await env.DB.batch([
      env.DB.prepare('PRAGMA defer_foreign_keys = on'),
      ...results.map(({ name }) => env.DB.prepare(`DROP TABLE IF EXISTS "${name}"`)),
    ]);
  }
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
}

describeAlertStoreContract('D1 store', async () => {
  await freshDatabase();
  return { store: openD1Store(env.DB), close: () => undefined };
});

describeListenStoreContract('D1 store', async () => {
  await freshDatabase();
  return { store: openD1Store(env.DB), close: () => undefined };
});
