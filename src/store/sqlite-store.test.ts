import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alert, describeAlertStoreContract } from './alert-store.contract.js';
import { describeListenStoreContract } from './listen-store.contract.js';
import { openSqliteStore, openThreadedSqliteStore } from './sqlite-store.js';

function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), 'apierr-store-'));
  return { path: join(dir, 'apierr.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describeAlertStoreContract('SQLite store', async () => {
  const db = tempDb();
  const handle = openSqliteStore(db.path);
  return {
    store: handle.store,
    close: () => {
      handle.close();
      db.remove();
    },
  };
});

describeAlertStoreContract('SQLite store on a writer thread', async () => {
  const db = tempDb();
  const handle = openThreadedSqliteStore(db.path);
  return {
    store: handle.store,
    close: async () => {
      await handle.close();
      db.remove();
    },
  };
});

describe('SQLite store on a real file', () => {
  it('creates the file and its folder, in WAL mode, and migrates it once', () => {
    const db = tempDb();
    try {
      const first = openSqliteStore(join(db.path, '..', 'nested', 'apierr.db'));
      expect(first.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      first.close();
      // Opening again applies no migration twice (it would fail on CREATE TABLE).
      openSqliteStore(join(db.path, '..', 'nested', 'apierr.db')).close();
    } finally {
      db.remove();
    }
  });

  it('keeps one alert when two connections receive the same event at the same time', async () => {
    const db = tempDb();
    const a = openSqliteStore(db.path);
    const b = openSqliteStore(db.path);
    try {
      const outcomes = (
        await Promise.all([a.store.receiveAlerts([alert('x')], 'C1', 1), b.store.receiveAlerts([alert('x')], 'C1', 1)])
      ).flat();
      expect(outcomes.sort()).toEqual(['duplicate', 'new']);
      expect(await a.store.dueDeliveries(1, 10)).toHaveLength(1);
    } finally {
      a.close();
      b.close();
      db.remove();
    }
  });

  it('keeps what it stored across a reopen', async () => {
    const db = tempDb();
    try {
      const first = openSqliteStore(db.path);
      await first.store.receiveAlerts([alert('kept')], 'C1', 1);
      first.close();
      const second = openSqliteStore(db.path);
      expect(await second.store.receiveAlerts([alert('kept')], 'C1', 2)).toEqual(['duplicate']);
      second.close();
    } finally {
      db.remove();
    }
  });
});

describeListenStoreContract('SQLite store', async () => {
  const db = tempDb();
  const handle = openSqliteStore(db.path);
  return {
    store: handle.store,
    close: () => {
      handle.close();
      db.remove();
    },
  };
});
