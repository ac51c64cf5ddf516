/**
 * "Explain with apierr" message shortcuts, end to end: signed `message_action` payloads into the real Node
 * server, the explanation posted in the message's thread (or privately by response_url) on the fake Slack.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datadogMessage, grafanaMessage } from '../fixtures/listened-messages.js';
import { ALERT_CHANNEL, blockText, startTestApp, TEAM_ID, type TestApp } from '../helpers/app-harness.js';

const CHANNEL = 'C07SHORTCT1';
/** A channel apierr is not a member of: Slack answers channel_not_found. */
const CLOSED = 'C07CLOSED01';

let app: TestApp;
let seq = 0;
const ts = () => `${1_770_000_000 + ++seq}.000200`;

/** The real message_action payload shape (shared fixtures), pointed at one message and a response_url. */
const base = JSON.parse(
  readFileSync(new URL('../fixtures/slack/message-action.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

function shortcut(message: Record<string, unknown>, options: { channel?: string; callbackId?: string; id: string }) {
  return {
    ...base,
    callback_id: options.callbackId ?? 'apierr_explain',
    channel: { id: options.channel ?? CHANNEL, name: 'payments' },
    message_ts: message.ts,
    message,
    response_url: app.slack.responseUrl(options.id),
  };
}

beforeAll(async () => {
  app = await startTestApp({ slack: { channels: [ALERT_CHANNEL, CHANNEL] } });
});
afterAll(async () => {
  await app?.close();
});

describe('"Explain with apierr" on any message', () => {
  it('posts the explanation of the message in its thread, once', async () => {
    const message = datadogMessage(ts());
    message.channel = CHANNEL;
    const res = await app.action(shortcut(message, { id: 'sc-thread' }));
    expect(res.status).toBe(200);
    await app.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === message.ts, 5000);
    const replies = app.slack.thread(CHANNEL, message.ts);
    expect(replies).toHaveLength(1);
    expect(blockText(replies[0])).toContain('401 Unauthorized');

    await app.action(shortcut(message, { id: 'sc-thread-again' }));
    const again = await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'sc-thread-again');
    expect(blockText(again.args)).toContain('already explained');
    expect(app.slack.thread(CHANNEL, message.ts)).toHaveLength(1);
  });

  it('answers a message with nothing recognizable privately, with the closest guesses', async () => {
    const message = { type: 'message', user: 'U04ONCALL9Z', ts: ts(), text: 'lunch at noon?' };
    await app.action(shortcut(message, { id: 'sc-nothing' }));
    const answer = await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'sc-nothing');
    expect(answer.args).toMatchObject({ response_type: 'ephemeral' });
    expect(blockText(answer.args)).toContain('does not recognize');
    expect(app.slack.thread(CHANNEL, message.ts)).toHaveLength(0);
  });

  it('shows the explanation only to the user when asked, and posts it in the thread from its button', async () => {
    const message = grafanaMessage(ts());
    await app.action(shortcut(message, { id: 'sc-private', callbackId: 'apierr_explain_private' }));
    const answer = await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'sc-private');
    expect(answer.args).toMatchObject({ response_type: 'ephemeral' });
    expect(blockText(answer.args)).toContain('504');
    expect(app.slack.thread(CHANNEL, message.ts)).toHaveLength(0);
    const button = (answer.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'apierr_post_in_thread');
    if (!button) throw new Error('no Post in thread button');

    await app.action({
      type: 'block_actions',
      user: { id: 'U04ONCALL9Z', team_id: TEAM_ID },
      team: { id: TEAM_ID },
      channel: { id: CHANNEL },
      container: { type: 'message', is_ephemeral: true, channel_id: CHANNEL, message_ts: ts() },
      response_url: app.slack.responseUrl('sc-private-post'),
      actions: [{ type: 'button', action_id: 'apierr_post_in_thread', value: button.value }],
    });
    await app.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === message.ts, 5000);
    expect(blockText(app.slack.thread(CHANNEL, message.ts)[0])).toContain('504');
  });

  it('keeps the Post in thread button within Slack’s 2,000 characters for a long JSON error body', async () => {
    // A title line, then a JSON body full of quotes and backslashes: escaping grows it in the button's value.
    const body = `504 Gateway Timeout from the payments upstream\n${JSON.stringify({ trace: 'a"b\\c'.repeat(350) })}`;
    const message = { type: 'message', user: 'U04ONCALL9Z', text: body, ts: ts() };
    await app.action(shortcut(message, { id: 'sc-long', callbackId: 'apierr_explain_private' }));
    const answer = await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'sc-long');
    const button = (answer.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'apierr_post_in_thread');
    expect(button?.value.length).toBeGreaterThan(100);
    expect(button?.value.length).toBeLessThanOrEqual(2000);
    expect(JSON.parse(button?.value ?? '{}')).toMatchObject({ ts: message.ts });
  });

  it('shows the explanation privately when apierr cannot post in the channel', async () => {
    const message = { ...datadogMessage(ts()), channel: CLOSED };
    await app.action(shortcut(message, { id: 'sc-closed', channel: CLOSED }));
    const answer = await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'sc-closed', 10_000);
    expect(blockText(answer.args)).toContain('could not post in this thread');
    expect(blockText(answer.args)).toContain('apierr_post_in_thread');
  });
});
