/**
 * Starts the real apierr server (Hono on @hono/node-server, a real SQLite file, Bolt's receiver, Slack's
 * own Web API client) against the fake Slack Web API on 127.0.0.1, and signs requests exactly as Slack does.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/core/ports.js';
import { type RunningServer, type StartOptions, startServer } from '../../src/runtime/node.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from './fake-slack.js';
import { eventBody, interactivityBody, signSlackRequest, slashCommandBody } from './slack-signing.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const WEBHOOK_TOKEN = 'test-webhook-token';
export const API_TOKEN = 'test-api-token';
export const TEAM_ID = 'T0123ABCD45';
export const ALERT_CHANNEL = 'C07ALERTS01';

export const WEBHOOK_FIXTURES = new URL('../fixtures/webhooks/', import.meta.url);

export function webhookFixture(name: string): string {
  return readFileSync(new URL(name, WEBHOOK_FIXTURES), 'utf8');
}

export interface TestApp {
  server: RunningServer;
  slack: FakeSlack;
  url: string;
  dbPath: string;
  webhook(source: string, body: string | object, headers?: Record<string, string>): Promise<Response>;
  slackRequest(
    body: string,
    contentType: string,
    options?: { timestamp?: number; secret?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  slash(text: string, fields?: Record<string, string>): Promise<Response>;
  event(event: Record<string, unknown>, envelope?: Record<string, unknown>): Promise<Response>;
  action(payload: unknown): Promise<Response>;
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Resolves once the outbox has nothing due (bounded). */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTestApp(
  options: {
    env?: Record<string, string>;
    slack?: FakeSlackOptions;
    clock?: Clock;
    dbPath?: string;
    start?: Omit<StartOptions, 'clock' | 'hostname'>;
  } = {},
): Promise<TestApp> {
  // Real Slack ts are the time of posting; recovery searches by time, so the fake's must be too.
  const slack = await startFakeSlack({
    teamId: TEAM_ID,
    firstTsSeconds: Math.floor(Date.now() / 1000),
    ...options.slack,
  });
  const dir = mkdtempSync(join(tmpdir(), 'apierr-e2e-'));
  const dbPath = options.dbPath ?? join(dir, 'apierr.db');
  const server = await startServer(
    {
      PORT: '0',
      DATABASE_PATH: dbPath,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ALERT_CHANNEL: ALERT_CHANNEL,
      WEBHOOK_TOKEN,
      API_TOKEN,
      LOG_LEVEL: 'silent',
      ...options.env,
    },
    { hostname: '127.0.0.1', pacingMs: 20, ...options.start, ...(options.clock ? { clock: options.clock } : {}) },
  );
  const url = server.url;

  const slackRequest: TestApp['slackRequest'] = (body, contentType, opts = {}) =>
    fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        ...signSlackRequest({
          signingSecret: opts.secret ?? SIGNING_SECRET,
          body,
          timestamp: opts.timestamp ?? Math.floor(Date.now() / 1000),
        }),
        ...opts.headers,
      },
      body,
    });

  return {
    server,
    slack,
    url,
    dbPath,
    webhook: (source, body, headers = {}) =>
      fetch(`${url}/webhooks/${source}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}`, ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    slackRequest,
    slash: (text, fields = {}) =>
      slackRequest(
        slashCommandBody({ command: '/apierr', text, response_url: slack.responseUrl('slash'), ...fields }),
        'application/x-www-form-urlencoded',
      ),
    event: (event, envelope = {}) => slackRequest(eventBody(event, envelope), 'application/json'),
    action: (payload) => slackRequest(interactivityBody(payload), 'application/x-www-form-urlencoded'),
    api: (path, init = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json', ...init.headers },
      }),
    async settle(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await server.services.drainOutbox();
        const pending = await server.services.store.listDeliveries(['pending'], 1);
        const stale = await server.services.store.staleDigests(1);
        if (pending.length === 0 && stale.length === 0) return;
        if (Date.now() > deadline) throw new Error(`outbox still busy: ${JSON.stringify({ pending, stale })}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await server.close();
      await slack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Block Kit text of a message, flattened, for assertions about what people read. */
export function blockText(message: unknown): string {
  return JSON.stringify(message ?? {});
}
