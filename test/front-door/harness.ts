/**
 * The real app with a front door configured per test: one real server (SQLite, Bolt, the fake Slack)
 * from the e2e harness, and `createApp` over its services with the front-door part of `parseConfig`
 * swapped in, so each test states only the variables it is about and asks through `app.request()`.
 */
import { createHmac } from 'node:crypto';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { parseConfig } from '../../src/core/config.js';
import type { Clock } from '../../src/core/ports.js';
import { createApp } from '../../src/http/app.js';
import type { HttpServices } from '../../src/http/services.js';
import { alerts } from '../../src/store/schema.js';

import type { TestApp } from '../helpers/app-harness.js';

export type FrontDoorApp = ReturnType<typeof createApp>;

/** A fresh app (and so a fresh rate limiter) over the test server's services, configured by `env`. */
export function appWith(
  test: TestApp,
  env: Record<string, string>,
  clock?: Clock,
  overrides: Partial<HttpServices> = {},
): FrontDoorApp {
  const { frontDoor } = parseConfig(env);
  return createApp({ ...test.server.services, frontDoor, ...(clock ? { clock } : {}), ...overrides });
}

/** A clock the test moves by hand. */
export function manualClock(startMs: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = startMs;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export function post(
  app: FrontDoorApp,
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }),
  );
}

/** Grafana's HMAC: hex SHA-256 over the body, or over "<ts>:<body>" when a timestamp is sent. */
export function grafanaSignature(secret: string, body: string, timestamp?: string): string {
  return createHmac('sha256', secret)
    .update(timestamp === undefined ? body : `${timestamp}:${body}`)
    .digest('hex');
}

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256 with the decoded whsec_ key over "<id>.<ts>.<body>". */
export function standardSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** Every dedup key in the server's SQLite file, read through its own connection (what survives a restart). */
export function storedDedupKeys(dbPath: string): Set<string> {
  const sqlite = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return new Set(
      drizzle(sqlite)
        .select({ key: alerts.dedupKey })
        .from(alerts)
        .all()
        .map((row) => row.key),
    );
  } finally {
    sqlite.close();
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { pointer?: string; field?: string; detail: string }[];
}

export async function problemOf(res: Response): Promise<ProblemBody> {
  if (res.headers.get('content-type') !== 'application/problem+json') {
    throw new Error(`expected problem+json, got ${res.status} ${res.headers.get('content-type')}`);
  }
  return (await res.json()) as ProblemBody;
}
