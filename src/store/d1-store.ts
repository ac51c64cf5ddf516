/**
 * The store on Cloudflare Workers: the same AlertStore as on Node (`alert-store.ts`), its units of work
 * committed with one `db.batch` each (D1 runs a batch as one transaction). No Node import here.
 * @module
 */
import type { AlertStore } from '../core/ports.js';
import { SqlAlertStore } from './alert-store.js';
import type { SqlDriver, Statement, StatementResult } from './sql-driver.js';

/** The part of Cloudflare's `D1Database` binding the store uses. */
export interface D1Like {
  prepare(sql: string): { bind(...values: unknown[]): D1PreparedLike };
  batch(statements: D1PreparedLike[]): Promise<{ results?: unknown[]; meta?: { changes?: number } }[]>;
}
// biome-ignore lint/suspicious/noEmptyInterface: an opaque handle that only D1 itself reads.
export interface D1PreparedLike {}

export class D1Driver implements SqlDriver {
  constructor(private readonly db: D1Like) {}

  async unit(statements: readonly Statement[]): Promise<StatementResult[]> {
    if (statements.length === 0) return [];
    const results = await this.db.batch(statements.map((s) => this.db.prepare(s.sql).bind(...s.params)));
    return results.map((result) => ({
      rows: (result.results ?? []) as Record<string, unknown>[],
      changes: result.meta?.changes ?? 0,
    }));
  }
}

export function openD1Store(db: D1Like): AlertStore {
  return new SqlAlertStore(new D1Driver(db));
}
