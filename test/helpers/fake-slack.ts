/**
 * A fake Slack Web API on 127.0.0.1 for end-to-end tests: the app's real Slack client (WebClient, Bolt)
 * talks HTTP to it, so serialisation, retries and error handling are exercised, not mocked away.
 *
 * Point the client at `apiUrl` (WebClient `slackApiUrl`, the app's SLACK_API_URL) and hand out
 * `responseUrl(id)` as the response_url of simulated slash commands and interactions. Every request is
 * recorded in `calls`; `failNext` injects the failures Slack produces (FORMATS.md §3.1, §3.7, §3.9).
 * @module
 */

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseBody } from './fake-slack-body.js';
import {
  callMethod,
  type FakeEphemeral,
  type FakeMessage,
  type FakeWorkspace,
  FakeWorkspaceState,
  type MethodResult,
} from './fake-slack-methods.js';

export type { FakeEphemeral, FakeMessage } from './fake-slack-methods.js';

/** Method name recorded for POSTs to a `responseUrl(id)`; it has no dot, so it never clashes with an API method. */
export const RESPONSE_URL = 'response_url';

export type FakeFailure =
  /** HTTP 429 + `Retry-After`, body `{ok:false,error:"ratelimited"}`. */
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  /** A bare 5xx from Slack's edge (no JSON body). */
  | { kind: 'http'; status: 500 | 502 | 503 | 504 }
  /** HTTP 200 `{ok:false,error}` (plus e.g. `needed`/`provided` for missing_scope). */
  | { kind: 'error'; error: string; extra?: Record<string, unknown> }
  /** Hold the request `ms`, then answer normally (the call takes effect) or drop the connection (it does not). */
  | { kind: 'hang'; ms: number; after?: 'answer' | 'close' }
  /** The call takes effect, then the connection drops without an answer: the caller cannot know it worked. */
  | { kind: 'lost-answer' };

export interface RecordedCall {
  /** Web API method (`chat.postMessage`) or `response_url`. */
  method: string;
  /** The `<id>` of a response_url POST. */
  responseId?: string;
  /** Parsed args: form fields with JSON args (`blocks`…) and booleans decoded, or the JSON body. No `token`. */
  args: Record<string, unknown>;
  token?: string;
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  rawBody: string;
  /** `Date.now()` when the request arrived. Calls are appended when answered, so order is by completion. */
  at: number;
  /** HTTP status sent; 0 when the connection was dropped without an answer. */
  status: number;
  /** HTTP 200 with `ok: true`: the call took effect. */
  ok: boolean;
  error?: string;
  /** Set when the call consumed a `failNext` rule. */
  injected?: FakeFailure['kind'];
  /** The JSON body sent back, if any. */
  response?: Record<string, unknown>;
}

export interface FakeSlackOptions extends Partial<Omit<FakeWorkspace, 'channels' | 'tokens'>> {
  /** Only these channel IDs exist (others: `channel_not_found`). Default: every channel exists. */
  channels?: readonly string[];
  /** Only these tokens are valid (others: `invalid_auth`). Default: any token; none is `not_authed`. */
  tokens?: readonly string[];
  /** Seconds part of the first ts handed out. Default 1700000000. */
  firstTsSeconds?: number;
}

export interface FakeSlack {
  /** `http://127.0.0.1:PORT/api/` — ends in a slash, as WebClient expects. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:PORT` */
  readonly baseUrl: string;
  /** Every request, failed ones included, in order of completion. Cleared in place by `reset()`. */
  readonly calls: readonly RecordedCall[];
  /** Calls to `method` that took effect (ok), in order. */
  callsTo(method: string): RecordedCall[];
  /** Fail the next `times` requests to `method`; `'*'` means any Web API method (not response_url).
   * Rules are consumed in the order they were added. */
  failNext(method: string, failure: FakeFailure, times?: number): void;
  /** Resolves with the first recorded call (already recorded or future) matching; a string means
   * "an ok call to this method". Rejects after `timeoutMs` listing what was seen. */
  waitFor(predicate: string | ((call: RecordedCall) => boolean), timeoutMs?: number): Promise<RecordedCall>;
  /** Messages in a channel, thread replies included, in posting order (copies). */
  messages(channel: string): FakeMessage[];
  /** The replies in the thread under `parentTs` (not the parent itself), in order (copies). */
  thread(channel: string, parentTs: string): FakeMessage[];
  /** Ephemeral messages posted, optionally only those in `channel` (copies). */
  ephemerals(channel?: string): FakeEphemeral[];
  /** `http://127.0.0.1:PORT/response/<id>` to use as a slash command's or interaction's response_url. */
  responseUrl(id: string): string;
  /** Ok POSTs to response URLs (all, or one id's), in order; the posted message is in `args`. */
  responses(id?: string): RecordedCall[];
  /** Forget calls, messages and pending failures (the ts counter keeps counting). */
  reset(): void;
  close(): Promise<void>;
}

type Waiter = (call: RecordedCall) => void;

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const { channels, tokens, firstTsSeconds = 1_700_000_000, ...identity } = options;
  const workspace: FakeWorkspace = {
    teamId: 'T0123ABCD45',
    teamDomain: 'example-corp',
    teamName: 'Example Corp',
    botUserId: 'U07BOTUSER1',
    botUserName: 'apierr',
    botId: 'B07BOT0001',
    appId: 'A07BOT12345',
    ...identity,
    channels,
    tokens,
  };
  const state = new FakeWorkspaceState(firstTsSeconds);
  const calls: RecordedCall[] = [];
  const rules: { method: string; failure: FakeFailure; remaining: number }[] = [];
  const waiters = new Set<Waiter>();
  const closing = new AbortController();

  const record = (call: RecordedCall): void => {
    calls.push(call);
    for (const waiter of [...waiters]) waiter(call);
  };

  const takeFailure = (method: string): FakeFailure | undefined => {
    const index = rules.findIndex((r) => r.method === method || (r.method === '*' && method !== RESPONSE_URL));
    const rule = rules[index];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) rules.splice(index, 1);
    return rule.failure;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://fake-slack');
    const route = /^\/api\/([^/]+)$/.exec(url.pathname) ?? /^\/response\/([^/]+)$/.exec(url.pathname);
    const rawBody = await readBody(req);
    if (!route?.[1]) {
      send(res, 404, { ok: false, error: 'fake Slack: no such path' });
      return;
    }
    const isApi = url.pathname.startsWith('/api/');
    const name = decodeURIComponent(route[1]);
    const headers = flattenHeaders(req);
    const { args, token } = parseBody(rawBody, headers['content-type'], headers.authorization, url.searchParams);
    const base = {
      method: isApi ? name : RESPONSE_URL,
      ...(isApi ? {} : { responseId: name }),
      args,
      ...(token !== undefined && { token }),
      headers,
      rawBody,
      at,
    };

    const failure = takeFailure(base.method);
    if (failure?.kind === 'lost-answer') {
      const result: MethodResult = isApi ? callMethod(name, args, { state, workspace, token }) : { ok: true };
      res.socket?.destroy();
      record({ ...base, status: 0, ok: result.ok, injected: 'lost-answer', response: result });
      return;
    }
    if (failure?.kind === 'hang') {
      const aborted = await sleep(failure.ms, false, { signal: closing.signal }).catch(() => true);
      if (aborted || failure.after === 'close') {
        res.socket?.destroy();
        record({ ...base, status: 0, ok: false, injected: 'hang' });
        return;
      }
    } else if (failure) {
      const { status, body, extraHeaders } = failureResponse(failure);
      send(res, status, body, extraHeaders);
      record({
        ...base,
        status,
        ok: false,
        injected: failure.kind,
        ...(typeof body === 'object' && { error: String(body.error), response: body }),
      });
      return;
    }

    // response_url POSTs have no effect beyond being recorded; Slack answers them with a bare ok.
    const result: MethodResult = isApi ? callMethod(name, args, { state, workspace, token }) : { ok: true };
    send(res, 200, result);
    record({
      ...base,
      status: 200,
      ok: result.ok,
      ...(result.error !== undefined && { error: result.error }),
      ...(failure && { injected: failure.kind }),
      response: result,
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the fake must fail the test loudly, not look like a Slack outage.
      console.error('fake Slack crashed handling', req.url, error);
      if (!res.headersSent) send(res, 500, `fake Slack crashed: ${String(error)}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const matches = (predicate: string | ((call: RecordedCall) => boolean)) =>
    typeof predicate === 'string' ? (c: RecordedCall) => c.method === predicate && c.ok : predicate;

  return {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method && c.ok),
    failNext(method, failure, times = 1) {
      if (!Number.isInteger(times) || times < 1) throw new RangeError(`failNext times must be >= 1, got ${times}`);
      rules.push({ method, failure, remaining: times });
    },
    waitFor(predicate, timeoutMs = 2_000) {
      const test = matches(predicate);
      const seen = calls.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        const waiter: Waiter = (call) => {
          try {
            if (!test(call)) return;
            done();
            resolve(call);
          } catch (error) {
            done();
            reject(error);
          }
        };
        const timer = setTimeout(() => {
          done();
          const summary = calls.map((c) => `${c.method}→${c.status}${c.error ? `:${c.error}` : ''}`).join(', ');
          reject(new Error(`fake Slack: no matching call within ${timeoutMs} ms; calls: [${summary}]`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    messages: (channel) => (state.messages.get(channel) ?? []).map((m) => structuredClone(m)),
    thread: (channel, parentTs) =>
      (state.messages.get(channel) ?? []).filter((m) => m.thread_ts === parentTs).map((m) => structuredClone(m)),
    ephemerals: (channel) =>
      state.ephemerals.filter((e) => channel === undefined || e.channel === channel).map((e) => structuredClone(e)),
    responseUrl: (id) => `${baseUrl}/response/${encodeURIComponent(id)}`,
    responses: (id) =>
      calls.filter((c) => c.method === RESPONSE_URL && c.ok && (id === undefined || c.responseId === id)),
    reset() {
      calls.length = 0;
      rules.length = 0;
      state.clear();
    },
    async close() {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function failureResponse(failure: Exclude<FakeFailure, { kind: 'hang' | 'lost-answer' }>): {
  status: number;
  body: Record<string, unknown> | string;
  extraHeaders?: Record<string, string>;
} {
  switch (failure.kind) {
    case 'ratelimited':
      return {
        status: 429,
        body: { ok: false, error: 'ratelimited' },
        extraHeaders: { 'retry-after': String(failure.retryAfterSeconds) },
      };
    case 'http':
      return { status: failure.status, body: `fake Slack: HTTP ${failure.status}` };
    case 'error':
      return { status: 200, body: { ...failure.extra, ok: false, error: failure.error } };
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown> | string,
  extraHeaders: Record<string, string> = {},
): void {
  const json = typeof body === 'object';
  res.writeHead(status, {
    'content-type': json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
    ...extraHeaders,
  });
  res.end(json ? JSON.stringify(body) : body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
