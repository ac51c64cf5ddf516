/**
 * Issue #11 on the Cloudflare Worker (wrangler dev, local D1, the drainer Durable Object), with the fake
 * Slack Web API: listening to another tool's message, fix reactions on the reply, routing to the team's
 * channel, the message shortcut, the App Home and a correction, through the same router and store as Node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerMessage, LISTEN_CHANNEL, personMessage } from '../fixtures/listened-messages.js';
import { ALERT_CHANNEL, API_TOKEN, blockText, TEAM_ID } from '../helpers/app-harness.js';
import type { FakeSlack } from '../helpers/fake-slack.js';
import { eventBody, interactivityBody, newEventId } from '../helpers/slack-signing.js';
import { startWorkerApp, type WorkerApp } from '../helpers/worker-app.js';
import type { WorkerProcess } from '../helpers/worker-process.js';

const TEAM_A = 'C07TEAMA001';
const TEAM_B = 'C07TEAMB001';

let app: WorkerApp;
let slack: FakeSlack;
let worker: WorkerProcess;

beforeAll(async () => {
  app = await startWorkerApp({
    SLACK_LISTEN_CHANNELS: LISTEN_CHANNEL,
    SLACK_ALLOWED_CHANNELS: `${ALERT_CHANNEL},${TEAM_A},${TEAM_B}`,
  });
  ({ slack, worker } = app);
}, 90_000);
afterAll(async () => {
  await app?.close();
});

let seq = 0;
const ts = () => `${1_780_000_000 + ++seq}.000300`;

const signed = (body: string, contentType: string) => app.signed(body, contentType);

const event = (e: Record<string, unknown>, eventId = newEventId()) =>
  signed(eventBody(e, { event_id: eventId }), 'application/json');

const webhook = (query: string, body: unknown) => app.webhook('generic', body as object, query);

const eventually = (check: () => boolean, what: string, timeoutMs?: number) => app.eventually(check, what, timeoutMs);

const quiet = (ms = 1000) => new Promise((resolve) => setTimeout(resolve, ms));

describe('issue #11 on Cloudflare Workers (wrangler dev)', () => {
  it('answers another tool’s Alertmanager message once in its thread; its retry, an edit and a person’s message add nothing', async () => {
    const message = alertmanagerMessage(ts());
    const eventId = newEventId();
    expect((await event(message, eventId)).status).toBe(200);
    await eventually(() => slack.thread(LISTEN_CHANNEL, message.ts).length === 1, 'the threaded explanation');
    expect(blockText(slack.thread(LISTEN_CHANNEL, message.ts)[0])).toContain('503 Service Unavailable');

    await event(message, eventId);
    await event({ type: 'message', subtype: 'message_changed', channel: LISTEN_CHANNEL, ts: ts(), message });
    const person = personMessage(ts());
    await event(person);
    await event({ ...alertmanagerMessage(ts()), channel: 'C07NOTLISTN' });
    await quiet();
    expect(slack.thread(LISTEN_CHANNEL, message.ts)).toHaveLength(1);
    expect(slack.thread(LISTEN_CHANNEL, person.ts)).toHaveLength(0);
    expect(slack.messages('C07NOTLISTN')).toHaveLength(0);

    // A fix reaction on the reply counts in /api/stats.
    const reply = slack.thread(LISTEN_CHANNEL, message.ts)[0];
    const reaction = await event({
      type: 'reaction_added',
      user: 'U04ONCALL9Z',
      reaction: 'one',
      item: { type: 'message', channel: LISTEN_CHANNEL, ts: reply?.ts },
      item_user: 'U07BOTUSER1',
    });
    expect(reaction.status).toBe(200);
    const stats = (await (
      await fetch(`${worker.url}/api/stats`, { headers: { authorization: `Bearer ${API_TOKEN}` } })
    ).json()) as { entries: { id: string; marked: number }[] };
    expect(stats.entries.find((e) => e.id === 'http-503')?.marked).toBe(1);
  });

  it('routes two webhooks to the two channels they name, and refuses a channel outside SLACK_ALLOWED_CHANNELS with 422', async () => {
    const a = await webhook(`?channel=${TEAM_A}`, {
      id: 'w-route-a',
      title: 'Checkout throttled',
      message: '429 Too Many Requests',
    });
    const b = await webhook('', {
      id: 'w-route-b',
      title: 'Login failing',
      message: '401 Unauthorized',
      channel: TEAM_B,
    });
    expect([a.status, b.status]).toEqual([202, 202]);
    await eventually(
      () =>
        slack.messages(TEAM_A).filter((m) => !m.thread_ts).length === 1 &&
        slack.messages(TEAM_B).filter((m) => !m.thread_ts).length === 1,
      'a parent in each team channel',
    );
    expect(blockText(slack.messages(TEAM_A)[0])).toContain('Checkout throttled');
    expect(blockText(slack.messages(TEAM_B)[0])).toContain('Login failing');

    const refused = await webhook('?channel=C07OTHER001', { id: 'w-route-x', title: 'x' });
    expect(refused.status).toBe(422);
    expect(blockText(await refused.json())).toContain('"field":"channel"');
  });

  it('explains a message from the shortcut in its thread, and publishes the App Home', async () => {
    const message = {
      type: 'message',
      user: 'U04ONCALL9Z',
      ts: ts(),
      text: 'checkout answers 504 Gateway Timeout again',
    };
    const res = await signed(
      interactivityBody({
        type: 'message_action',
        callback_id: 'apierr_explain',
        team: { id: TEAM_ID },
        user: { id: 'U04ONCALL9Z', team_id: TEAM_ID },
        channel: { id: ALERT_CHANNEL },
        message_ts: message.ts,
        message,
        response_url: slack.responseUrl('w-shortcut'),
        trigger_id: '1.2.3',
      }),
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(200);
    await eventually(() => slack.thread(ALERT_CHANNEL, message.ts).length === 1, 'the shortcut explanation');
    expect(blockText(slack.thread(ALERT_CHANNEL, message.ts)[0])).toContain('504 Gateway Timeout');

    await event({ type: 'app_home_opened', user: 'U04ONCALL9Z', channel: 'D07HOME0001', tab: 'home' });
    const published = await slack.waitFor('views.publish', 10_000);
    expect(blockText(published.args.view)).toContain('Patterns seen most');
  });

  it('edits the explanation when the team corrects the match, and matches the next alert of that name to it', async () => {
    const alert = (id: string) => ({
      id,
      title: 'PaymentsSlow',
      message: 'POST /v1/charges failed with 500 Internal Server Error',
    });
    const parentsNamed = () =>
      slack.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts && blockText(m).includes('PaymentsSlow'));
    expect((await webhook('', alert('w-corr-1'))).status).toBe(202);
    await eventually(
      () => parentsNamed().length === 1 && slack.thread(ALERT_CHANNEL, parentsNamed()[0]?.ts ?? '').length === 1,
      'the first alert',
    );
    const explanation = slack.thread(ALERT_CHANNEL, parentsNamed()[0]?.ts ?? '')[0];
    const res = await signed(
      interactivityBody({
        type: 'block_actions',
        user: { id: 'U04ONCALL9Z', team_id: TEAM_ID },
        team: { id: TEAM_ID },
        channel: { id: ALERT_CHANNEL },
        container: { type: 'message', channel_id: ALERT_CHANNEL, message_ts: explanation?.ts },
        response_url: slack.responseUrl('w-correct'),
        actions: [{ type: 'static_select', action_id: 'apierr_correct', selected_option: { value: 'http-504' } }],
      }),
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(200);
    await slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'w-correct', 10_000);
    const edited = slack.messages(ALERT_CHANNEL).find((m) => m.ts === explanation?.ts);
    expect(blockText(edited)).toContain('Corrected by');

    expect((await webhook('', alert('w-corr-2'))).status).toBe(202);
    await eventually(
      () => parentsNamed().length === 2 && slack.thread(ALERT_CHANNEL, parentsNamed()[1]?.ts ?? '').length === 1,
      'the next alert',
    );
    expect(blockText(slack.thread(ALERT_CHANNEL, parentsNamed()[1]?.ts ?? '')[0])).toContain('corrected by the team');
  });
});
