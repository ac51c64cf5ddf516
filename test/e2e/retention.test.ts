import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { startTestApp } from '../helpers/app-harness.js';

const DAY = 24 * 60 * 60 * 1000;

describe('retention', () => {
  it('prunes alert payloads older than RETENTION_DAYS at start, keeping the alert and its fix outcomes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apierr-retention-'));
    const dbPath = join(dir, 'apierr.db');
    const then = Date.UTC(2026, 0, 1);
    const seed = openSqliteStore(dbPath);
    await seed.store.receiveAlerts(
      [
        {
          source: 'generic',
          dedupKey: 'generic:old',
          status: 'firing',
          title: 'Old alert',
          description: 'secret payload',
          labels: { pod: 'x' },
        },
      ],
      'C1',
      then,
    );
    await seed.store.recordFix({
      alertId: 1,
      entryId: 'http-429',
      fixId: 'backoff',
      service: undefined,
      userId: 'U1',
      teamId: 'T1',
      at: then,
    });
    seed.close();

    const app = await startTestApp({ dbPath, env: { RETENTION_DAYS: '30' }, clock: { now: () => then + 31 * DAY } });
    try {
      await expect.poll(async () => (await app.server.services.store.getAlert(1))?.description).toBe('');
      const alert = await app.server.services.store.getAlert(1);
      expect(alert).toMatchObject({ title: 'Old alert', labels: {} });
      expect((await app.server.services.store.fixTallies('http-429')).fixes).toEqual([
        { fixId: 'backoff', resolved: 1 },
      ]);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
