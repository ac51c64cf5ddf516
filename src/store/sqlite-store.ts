/**
 * The store on Node: one SQLite file through better-sqlite3, WAL mode, migrations (drizzle-kit's output)
 * applied on open by drizzle's migrator. The AlertStore itself is shared with D1 (`alert-store.ts`); this
 * file only runs its units of work.
 *
 * Group commit: the units of concurrent requests are written in one transaction (one fsync), and each
 * request still waits for that commit before its sender hears 2xx. A unit that fails does not fail the
 * others: the group is then committed unit by unit.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { AlertStore } from '../core/ports.js';
import { SqlAlertStore } from './alert-store.js';
import type { SqlDriver, Statement, StatementResult } from './sql-driver.js';
import { SqliteThreadDriver } from './sqlite-thread.js';

export { REPEAT_NOTE_AFTER_MS } from './alert-store.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface SqliteStoreHandle {
  store: AlertStore;
  sqlite: Database.Database;
  close(): void;
}

/** Opens the file (creating its folder), in WAL mode with `synchronous=FULL`, and applies the migrations. */
function openMigrated(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a receipt is on disk (the WAL is fsynced) before its sender is told 2xx. Group commit keeps
  // that affordable under load.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS_DIR });
  return sqlite;
}

export function openSqliteStore(path: string): SqliteStoreHandle {
  const sqlite = openMigrated(path);
  const driver = new SqliteDriver(sqlite);
  return { store: new SqlAlertStore(driver), sqlite, close: () => sqlite.close() };
}

/**
 * The store with its database on a writer thread (see `sqlite-thread.ts`): what the Node runtime uses, so
 * that commits and their fsyncs never stall the event loop. Migrations run here first, on the main thread.
 */
export function openThreadedSqliteStore(path: string): { store: AlertStore; close(): Promise<void> } {
  openMigrated(path).close();
  const driver = new SqliteThreadDriver(path);
  return { store: new SqlAlertStore(driver), close: () => driver.close() };
}

interface PendingUnit {
  statements: readonly Statement[];
  resolve: (results: StatementResult[]) => void;
  reject: (error: unknown) => void;
}

/** Most distinct SQL texts kept prepared; the store's are a fixed few dozen. */
const MAX_PREPARED = 256;

export class SqliteDriver implements SqlDriver {
  private pending: PendingUnit[] = [];
  private flushScheduled = false;
  // Preparing a statement costs more CPU than running these small writes (see BENCHMARKS.md): each SQL
  // text is prepared once.
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {}

  unit(statements: readonly Statement[]): Promise<StatementResult[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ statements, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const group = this.pending;
    this.pending = [];
    try {
      const results = this.sqlite.transaction(() => group.map((unit) => this.runUnit(unit.statements)))();
      for (const [i, unit] of group.entries()) unit.resolve(results[i] as StatementResult[]);
    } catch {
      for (const unit of group) {
        try {
          unit.resolve(this.sqlite.transaction(() => this.runUnit(unit.statements))());
        } catch (error) {
          unit.reject(error);
        }
      }
    }
  }

  private runUnit(statements: readonly Statement[]): StatementResult[] {
    return statements.map((statement) => {
      const prepared = this.prepare(statement.sql);
      if (prepared.reader) return { rows: prepared.all(...statement.params) as Record<string, unknown>[], changes: 0 };
      return { rows: [], changes: prepared.run(...statement.params).changes };
    });
  }

  private prepare(sql: string): Database.Statement {
    let prepared = this.prepared.get(sql);
    if (!prepared) {
      if (this.prepared.size >= MAX_PREPARED) this.prepared.clear();
      prepared = this.sqlite.prepare(sql);
      this.prepared.set(sql, prepared);
    }
    return prepared;
  }
}
