/**
 * Listening to other tools' alert messages, end to end: signed `message` events from Slack into the real
 * Node server, explanations posted by the outbox to the fake Slack Web API in the message's thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertmanagerMessage,
  datadogMessage,
  grafanaMessage,
  LISTEN_CHANNEL,
  pagerdutyMessage,
  personMessage,
  sentryMessage,
} from '../fixtures/listened-messages.js';
import { blockText, startTestApp, TEAM_ID, type TestApp } from '../helpers/app-harness.js';
import { newEventId } from '../helpers/slack-signing.js';

let app: TestApp;
let seq = 0;
/** A fresh Slack-like ts for a message another tool posts. */
const ts = () => `${1_760_000_000 + ++seq}.000100`;

beforeAll(async () => {
  app = await startTestApp({ env: { SLACK_LISTEN_CHANNELS: `${LISTEN_CHANNEL},C07LISTEN02` } });
});
afterAll(async () => {
  await app?.close();
});

async function post(event: Record<string, unknown>, eventId = newEventId(), headers: Record<string, string> = {}) {
  const res = await app.slackRequest(
    JSON.stringify({
      token: 'PLACEHOLDER_VERIFICATION_TOKEN',
      team_id: TEAM_ID,
      api_app_id: 'A07BOT12345',
      event: { ...event, event_ts: event.ts },
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: TEAM_ID, user_id: 'U07BOTUSER1', is_bot: true }],
    }),
    'application/json',
    { headers },
  );
  expect(res.status).toBe(200);
  await app.settle();
}

const thread = (parentTs: string, channel = LISTEN_CHANNEL) => app.slack.thread(channel, parentTs);

describe('listening to other tools’ alert messages', () => {
  it('answers Alertmanager’s default message once, in its thread, with the right entry; a retry and an edit add nothing', async () => {
    const first = alertmanagerMessage(ts());
    const eventId = newEventId();
    await post(first, eventId);
    const replies = thread(first.ts as string);
    expect(replies).toHaveLength(1);
    expect(blockText(replies[0])).toContain('503 Service Unavailable');
    expect(blockText(replies[0])).toContain('Fixes, best first');

    await post(first, eventId, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    await post(first); // the same message delivered again under a new event id
    await post({
      type: 'message',
      subtype: 'message_changed',
      channel: LISTEN_CHANNEL,
      ts: ts(),
      message: { ...first, text: 'edited' },
      previous_message: first,
    });
    expect(thread(first.ts as string)).toHaveLength(1);
  });

  it('notes a re-post "seen again" once, and the [RESOLVED] message in the first one’s thread with the time it took', async () => {
    const first = alertmanagerMessage(ts(), 'firing', 1);
    first.attachments = [
      { ...(first.attachments as object[])[0], title: '[FIRING:1] HighErrorRate (billing-api critical)' },
    ];
    await post(first);
    const again = { ...first, ts: ts() };
    await post(again);
    await post({ ...first, ts: ts() });
    expect(thread(again.ts as string)).toHaveLength(0);
    const notes = thread(first.ts as string);
    expect(notes).toHaveLength(2);
    expect(blockText(notes[1])).toContain('Seen again');

    const resolved = alertmanagerMessage(ts(), 'resolved');
    resolved.attachments = [
      { ...(resolved.attachments as object[])[0], title: '[RESOLVED] HighErrorRate (billing-api critical)' },
    ];
    await post(resolved);
    const after = thread(first.ts as string);
    expect(after).toHaveLength(3);
    expect(blockText(after[2])).toMatch(/Resolved after \d+s/);
    expect(thread(resolved.ts as string)).toHaveLength(0);
    // The tool's own message is left as it is: apierr cannot edit another app's message.
    expect(app.slack.calls.filter((c) => c.method === 'chat.update')).toHaveLength(0);
  });

  it.each([
    ['Grafana', grafanaMessage, '504 Gateway Timeout'],
    ['Datadog', datadogMessage, '401 Unauthorized'],
    ['Sentry', sentryMessage, 'CORS'],
    ['PagerDuty', pagerdutyMessage, '429 Too Many Requests'],
  ])('explains %s’s message with the right entry', async (_tool, make, expected) => {
    const message = make(ts());
    await post(message);
    const replies = thread(message.ts as string);
    expect(replies).toHaveLength(1);
    expect(blockText(replies[0])).toContain(expected);
  });

  it('leaves people’s messages, other channels, thread replies and its own messages alone', async () => {
    const person = personMessage(ts());
    await post(person);
    expect(thread(person.ts as string)).toHaveLength(0);

    const elsewhere = { ...alertmanagerMessage(ts()), channel: 'C07NOTLISTN' };
    await post(elsewhere);
    expect(thread(elsewhere.ts as string, 'C07NOTLISTN')).toHaveLength(0);

    const parentTs = ts();
    const reply = { ...grafanaMessage(ts()), thread_ts: parentTs };
    await post(reply);
    expect(thread(parentTs)).toHaveLength(0);

    const own = { ...datadogMessage(ts()), bot_id: 'B07BOT0001', app_id: 'A07BOT12345', user: 'U07BOTUSER1' };
    await post(own);
    expect(thread(own.ts as string)).toHaveLength(0);
  });

  it('says nothing about a message it does not recognize with confidence', async () => {
    const message = { ...datadogMessage(ts()), text: 'Deploy finished: checkout-web v1.42 is live', blocks: [] };
    await post(message);
    expect(thread(message.ts as string)).toHaveLength(0);
  });

  it('records a fix reaction on the reply, counted in /api/stats', async () => {
    const message = pagerdutyMessage(ts());
    message.channel = 'C07LISTEN02';
    await post(message);
    const [reply] = thread(message.ts as string, 'C07LISTEN02');
    if (!reply) throw new Error('no reply');
    const before = await statsFor('http-429');
    await post({
      type: 'reaction_added',
      user: 'U04ONCALL9Z',
      reaction: 'one',
      item: { type: 'message', channel: 'C07LISTEN02', ts: reply.ts },
      item_user: 'U07BOTUSER1',
      ts: reply.ts,
    });
    const after = await statsFor('http-429');
    expect(after?.marked).toBe((before?.marked ?? 0) + 1);
    expect(after?.alerts).toBeGreaterThanOrEqual(1);
  });
});

describe('listening to people when asked', () => {
  it('answers a person’s message when SLACK_LISTEN_PEOPLE=true', async () => {
    const people = await startTestApp({
      env: { SLACK_LISTEN_CHANNELS: '*', SLACK_LISTEN_PEOPLE: 'true' },
    });
    try {
      const message = personMessage(ts());
      const res = await people.event(message, { event_id: newEventId() });
      expect(res.status).toBe(200);
      await people.settle();
      const replies = people.slack.thread(LISTEN_CHANNEL, message.ts as string);
      expect(replies).toHaveLength(1);
      expect(blockText(replies[0])).toContain('503 Service Unavailable');
    } finally {
      await people.close();
    }
  });
});

async function statsFor(entryId: string) {
  const body = (await (await app.api('/api/stats')).json()) as {
    entries: { id: string; alerts: number; marked: number }[];
  };
  return body.entries.find((e) => e.id === entryId);
}
