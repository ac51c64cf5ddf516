/**
 * The SQLite driver on a worker thread: the thread owns the database file and commits units of work in
 * groups (one transaction and one fsync for every unit that arrived meanwhile), while the main thread goes
 * on parsing requests. better-sqlite3 is synchronous, so on the main thread every commit's fsync stalls
 * every connection (median 0.5 ms, worst tens of ms on this kind of disk: see BENCHMARKS.md); here it stalls
 * only the writer. Each caller still gets its answer only after its own unit is committed.
 *
 * The thread's code is a string evaluated by `new Worker(..., { eval: true })`, so the same module works
 * from TypeScript sources (tsx, Vitest) and from the compiled `dist/`.
 * @module
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqlDriver, Statement, StatementResult } from './sql-driver.js';

interface Reply {
  id: number;
  results?: StatementResult[];
  error?: { message: string; code?: string };
}

// Runs inside the worker thread (CommonJS, evaluated). Units that arrive while a group is being committed
// wait for the next group; a failing unit does not fail the others (the group is retried unit by unit).
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
// Statements arrive by number once their text has been sent: the text of the hot upserts is not copied
// across threads on every request.
const texts = new Map();
const prepared = new Map();
const prepare = (ref) => {
  let statement = prepared.get(ref);
  if (!statement) {
    statement = db.prepare(texts.get(ref));
    prepared.set(ref, statement);
  }
  return statement;
};
const runUnit = (statements) =>
  statements.map((s) => {
    const statement = prepare(s.ref);
    if (statement.reader) return { rows: statement.all(...s.params), changes: 0 };
    return { rows: [], changes: statement.run(...s.params).changes };
  });
let pending = [];
let scheduled = false;
const flush = () => {
  scheduled = false;
  const group = pending;
  pending = [];
  if (group.length === 0) return;
  try {
    const results = db.transaction(() => group.map((unit) => runUnit(unit.statements)))();
    group.forEach((unit, i) => parentPort.postMessage({ id: unit.id, results: results[i] }));
  } catch {
    for (const unit of group) {
      try {
        parentPort.postMessage({ id: unit.id, results: db.transaction(() => runUnit(unit.statements))() });
      } catch (error) {
        parentPort.postMessage({ id: unit.id, error: { message: String(error && error.message), code: error && error.code } });
      }
    }
  }
};
parentPort.on('message', (message) => {
  if (message === 'close') {
    if (pending.length > 0) flush(); // what was sent before close is committed first
    db.close();
    parentPort.close();
    return;
  }
  if (message.texts) for (const [ref, sql] of message.texts) texts.set(ref, sql);
  pending.push(message);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
`;

/** An error raised by SQLite in the writer thread, with its code (`SQLITE_CONSTRAINT_UNIQUE`, ...). */
export class SqliteThreadError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqliteThreadError';
  }
}

export class SqliteThreadDriver implements SqlDriver {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { resolve: (r: StatementResult[]) => void; reject: (e: unknown) => void }
  >();
  private nextId = 1;
  private closed: Promise<void> | undefined;
  private dead: Error | undefined;
  /** SQL texts already sent to the thread, by number. The store's texts are a fixed few dozen. */
  private readonly refs = new Map<string, number>();

  /** The file must exist and be migrated already (the caller migrates on the main thread first). */
  constructor(path: string) {
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { path, driverPath } });
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.error) waiter.reject(new SqliteThreadError(reply.error.message, reply.error.code));
      else waiter.resolve(reply.results ?? []);
    });
    // A thread that failed or ended answers nothing more: settle what waits, and refuse what comes, so that a
    // request fails (500, logged) instead of hanging.
    const fail = (error: unknown) => {
      this.dead ??= error instanceof Error ? error : new Error(String(error));
      for (const waiter of this.waiting.values()) waiter.reject(this.dead);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the SQLite writer thread ended (exit code ${code})`)));
  }

  unit(statements: readonly Statement[]): Promise<StatementResult[]> {
    if (this.closed) return Promise.reject(new Error('the database is closed'));
    if (this.dead) return Promise.reject(this.dead);
    const texts: [number, string][] = [];
    const refs = statements.map((s) => {
      let ref = this.refs.get(s.sql);
      if (ref === undefined) {
        ref = this.refs.size + 1;
        this.refs.set(s.sql, ref);
        texts.push([ref, s.sql]);
      }
      return { ref, params: s.params };
    });
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage(texts.length > 0 ? { id, statements: refs, texts } : { id, statements: refs });
    });
  }

  /** Finishes the units already sent, then closes the database and ends the thread. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.postMessage('close');
    });
    return this.closed;
  }
}
