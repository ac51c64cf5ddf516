/**
 * The one thing the store needs from a database: run a fixed list of SQL statements as one unit of work,
 * all or nothing, in order. better-sqlite3 runs a unit in one transaction; D1 commits it with `db.batch`.
 * Both run the same SQL text, so the two drivers cannot drift: the store above them is written once.
 *
 * No awaits happen between the statements of a unit, which is what D1 (no interactive transactions)
 * requires: where a statement needs an earlier one's result, it reads it with a subquery or RETURNING.
 * @module
 */

export type SqlValue = string | number | null;

export interface Statement {
  sql: string;
  params: readonly SqlValue[];
}

export interface StatementResult {
  /** Rows of a SELECT, or of a write with RETURNING; empty otherwise. */
  rows: Record<string, unknown>[];
  /** Rows changed by a write. */
  changes: number;
}

export interface SqlDriver {
  /** Runs the statements as one unit of work: one transaction, or one batch. */
  unit(statements: readonly Statement[]): Promise<StatementResult[]>;
}

/** `sql('SELECT ... WHERE id = ?', id)`: a statement with positional parameters. */
export function stmt(sql: string, ...params: SqlValue[]): Statement {
  return { sql, params };
}
