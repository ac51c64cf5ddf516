/**
 * Socket Mode end to end: with SLACK_APP_TOKEN set, the real server opens a connection through the fake
 * Web API's `apps.connections.open` and takes slash commands, events and button presses as envelopes over
 * a real WebSocket from the fake Socket Mode server, acking each one on the socket instead of over HTTP.
 */
import { LogLevel, WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, blockText, startTestApp, TEAM_ID, type TestApp } from '../helpers/app-harness.js';
import { startFakeSlack } from '../helpers/fake-slack.js';
import { type FakeSocketMode, type FakeSocketModeOptions, startFakeSocketMode } from '../helpers/fake-socket-mode.js';
import { readSlackFixture } from '../helpers/slack-fixtures.js';
import { buttonPressPayload, newEventId } from '../helpers/slack-signing.js';

const APP_TOKEN = 'xapp-1-test';
const BOT_TOKEN = 'xoxb-test-token';

interface Running {
  app: TestApp;
  socket: FakeSocketMode;
  /** Stops the app, then the fake servers; safe to call twice. */
  close(): Promise<void>;
}

const running: Running[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

/** The app in Socket Mode: an app-level token and no signing secret (Socket Mode requests are not signed). */
async function start(socketOptions: FakeSocketModeOptions = {}): Promise<Running> {
  const socket = await startFakeSocketMode(socketOptions);
  let app: TestApp;
  try {
    app = await startTestApp({
      env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '' },
      slack: { socketModeUrl: socket.url, tokens: [BOT_TOKEN, APP_TOKEN] },
    });
  } catch (error) {
    await socket.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const r: Running = {
    app,
    socket,
    close() {
      closing ??= (async () => {
        await app.close();
        await socket.close();
      })();
      return closing;
    },
  };
  running.push(r);
  return r;
}

interface Stats {
  entries: { id: string; fixes: { id: string; resolved: number }[] }[];
}

async function resolvedCount(app: TestApp, entryId: string, fixId: string): Promise<number> {
  const body = (await (await app.api('/api/stats')).json()) as Stats;
  return body.entries.find((e) => e.id === entryId)?.fixes.find((f) => f.id === fixId)?.resolved ?? 0;
}

/** Listeners run after the ack, so what they record is polled for, within a bound. */
async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (last !== expected) {
    if (Date.now() > deadline) throw new Error(`still ${String(last)}, expected ${String(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    last = await read();
  }
}

/** Posts an alert through the generic webhook; returns its explanation message and fix buttons. */
async function postAlert(app: TestApp, id: string) {
  const res = await app.webhook('generic', {
    id,
    title: `Checkout throttled ${id}`,
    message: 'POST /v1/charges returned 429 Too Many Requests (rate limit exceeded)',
    status_code: 429,
    service: 'checkout-api',
  });
  expect(res.status).toBe(202);
  await app.settle();
  const parent = app.slack.messages(ALERT_CHANNEL).find((m) => !m.thread_ts);
  if (!parent) throw new Error('no parent posted');
  const explanation = app.slack.thread(ALERT_CHANNEL, parent.ts)[0];
  if (!explanation) throw new Error('no explanation posted');
  const actions = (explanation.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find(
    (b) => b.type === 'actions',
  );
  return { explanation, buttons: actions?.elements ?? [] };
}

/** A slash command payload as Socket Mode carries it: the HTTP form fields, parsed, all strings. */
function slashPayload(text: string, responseUrl: string): Record<string, unknown> {
  return {
    token: 'PLACEHOLDER_VERIFICATION_TOKEN',
    team_id: TEAM_ID,
    team_domain: 'example-corp',
    channel_id: ALERT_CHANNEL,
    channel_name: 'alerts-payments',
    user_id: 'U04ONCALL9Z',
    user_name: 'ana.oncall',
    command: '/apierr',
    text,
    api_app_id: 'A07BOT12345',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: '7284561390033.4505123456.0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  };
}

/** The recorded events_api fixture's payload, pointed at another message and reaction. */
function reactionPayload(type: 'reaction_added' | 'reaction_removed', reaction: string, ts: string) {
  const { payload } = JSON.parse(readSlackFixture('socket-mode-events-api.json')) as {
    payload: { event: Record<string, unknown>; event_id: string };
  };
  return {
    ...payload,
    event_id: newEventId(),
    event: { ...payload.event, type, reaction, item: { type: 'message', channel: ALERT_CHANNEL, ts } },
  };
}

describe('Socket Mode', () => {
  it('connects with the app-level token, keeps the bot token for the Web API and answers pings', async () => {
    const { app, socket } = await start({ pingIntervalMs: 50 });

    const opens = app.slack.calls.filter((c) => c.method === 'apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]).toMatchObject({ ok: true, token: APP_TOKEN, response: { ok: true, url: socket.url } });
    // start() resolved on hello, so the connection is already there when startTestApp returns.
    expect(socket.connections).toHaveLength(1);
    expect(socket.connections[0]?.path).toMatch(/^\/link\/\?ticket=/);
    expect(app.server.config.slack?.signingSecret).toBe('');

    await postAlert(app, 'socket-connect');
    const webApi = app.slack.calls.filter((c) => c.method !== 'apps.connections.open' && c.method !== 'response_url');
    expect(webApi.length).toBeGreaterThan(0);
    expect(new Set(webApi.map((c) => c.token))).toEqual(new Set([BOT_TOKEN]));

    await expect.poll(() => socket.connections[0]?.pongs ?? 0, { timeout: 2_000 }).toBeGreaterThan(0);
    expect(socket.otherFrames).toEqual([]);
  });

  it('acks a /apierr 429 slash command with the ephemeral explanation as the response payload', async () => {
    const { app, socket } = await start();
    const id = socket.send('slash_commands', slashPayload('429', app.slack.responseUrl('socket-slash')));

    const ack = await socket.waitForAck(id, 5_000);
    expect(ack.payload?.response_type).toBe('ephemeral');
    const text = blockText(ack.payload);
    expect(text).toContain('429 Too Many Requests');
    expect(text).toContain('Check first');
    expect(text).toContain('Share in channel');
    // The answer travels in the ack, exactly once; nothing is posted to the response_url.
    expect(socket.acks.filter((a) => a.envelope_id === id)).toHaveLength(1);
    expect(app.slack.responses('socket-slash')).toEqual([]);
  });

  it('records the fix from a reaction on an alert explanation, and takes it back when the reaction is removed', async () => {
    const { app, socket } = await start();
    const { explanation, buttons } = await postAlert(app, 'socket-reaction');
    const secondFix = buttons[1]?.value.split(':')[1];
    if (!secondFix) throw new Error('no second fix button');
    const before = await resolvedCount(app, 'http-429', secondFix);

    const added = socket.send('events_api', reactionPayload('reaction_added', 'two', explanation.ts));
    // Events are acked at once, with nothing to say.
    expect((await socket.waitForAck(added)).payload ?? {}).toEqual({});
    await eventually(() => resolvedCount(app, 'http-429', secondFix), before + 1);

    const removed = socket.send('events_api', reactionPayload('reaction_removed', 'two', explanation.ts));
    await socket.waitForAck(removed);
    await eventually(() => resolvedCount(app, 'http-429', secondFix), before);
  });

  it('records a "Fix worked" button press from an interactive envelope and confirms it on the response_url', async () => {
    const { app, socket } = await start();
    const { explanation, buttons } = await postAlert(app, 'socket-button');
    const first = buttons[0];
    if (!first) throw new Error('no fix buttons');
    const fixId = first.value.split(':')[1] ?? '';
    const before = await resolvedCount(app, 'http-429', fixId);

    const id = socket.send(
      'interactive',
      buttonPressPayload({
        team: TEAM_ID,
        channel: ALERT_CHANNEL,
        messageTs: explanation.ts,
        button: first,
        responseUrl: app.slack.responseUrl('socket-button'),
      }),
    );

    expect((await socket.waitForAck(id)).payload ?? {}).toEqual({});
    const reply = await app.slack.waitFor(
      (c) => c.method === 'response_url' && c.responseId === 'socket-button',
      5_000,
    );
    expect(String(reply.args.text)).toMatch(/recorded/i);
    expect(await resolvedCount(app, 'http-429', fixId)).toBe(before + 1);
  });

  it('does not serve POST /slack/events: a signed Slack request gets a 404 problem saying Socket Mode is in use', async () => {
    const { app, socket } = await start();
    // Signed with a secret this app does not even have: the route never reaches a receiver to check it.
    const res = await app.slash('429');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.status).toBe(404);
    expect(JSON.stringify(body)).toContain('Socket Mode');
    expect(body).not.toHaveProperty('response_type');
    expect(socket.acks).toEqual([]);
  });

  it('reconnects through apps.connections.open when Slack asks for a refresh, and keeps answering', async () => {
    const { app, socket } = await start();
    socket.disconnect('refresh_requested');
    // The client closes its side normally, then waits its fixed 5 s before it opens a new connection.
    expect((await socket.waitForClose(1)).closeCode).toBe(1000);
    const second = await socket.waitForConnection(2, 10_000);
    expect(app.slack.calls.filter((c) => c.method === 'apps.connections.open' && c.token === APP_TOKEN)).toHaveLength(
      2,
    );

    const id = socket.send('slash_commands', slashPayload('help', app.slack.responseUrl('after-refresh')));
    const ack = await socket.waitForAck(id, 5_000);
    expect(ack.connection).toBe(second.id);
    expect(blockText(ack.payload)).toContain('/apierr 401 vs 403');
  }, 20_000);

  it('finishes the close handshake with Slack before the app has stopped', async () => {
    const { app, socket } = await start();
    await app.server.close();
    // Drop the fake at once: only a close handshake completed before close() resolved shows as 1000 (a
    // normal close the client started), not 1006 (the connection just went away).
    await socket.close();
    expect(socket.connections).toHaveLength(1);
    expect(socket.connections[0]?.closeCode).toBe(1000);
    expect(app.slack.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(1);
  });
});

describe("the fake Slack's apps.connections.open", () => {
  it('opens a connection only for an app-level token', async () => {
    const url = 'ws://127.0.0.1:9/link/?ticket=t';
    const slack = await startFakeSlack({ socketModeUrl: url });
    try {
      const open = (token: string) =>
        new WebClient(token, { slackApiUrl: slack.apiUrl, logLevel: LogLevel.ERROR }).apps.connections.open();
      await expect(open(APP_TOKEN)).resolves.toMatchObject({ ok: true, url });
      await expect(open(BOT_TOKEN)).rejects.toMatchObject({ data: { error: 'not_allowed_token_type' } });
      await expect(open('xoxp-user-token')).rejects.toMatchObject({ data: { error: 'not_allowed_token_type' } });
      await expect(open('not-a-token')).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    } finally {
      await slack.close();
    }
  });
});
