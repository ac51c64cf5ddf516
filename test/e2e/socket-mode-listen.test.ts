/**
 * Issue #11 over Socket Mode: the same router behind Bolt's listeners takes another tool's `message` event,
 * the "Explain with apierr" shortcut and `app_home_opened` as envelopes over a real WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerMessage, LISTEN_CHANNEL } from '../fixtures/listened-messages.js';
import { blockText, startTestApp, TEAM_ID, type TestApp } from '../helpers/app-harness.js';
import { type FakeSocketMode, startFakeSocketMode } from '../helpers/fake-socket-mode.js';
import { newEventId } from '../helpers/slack-signing.js';

const APP_TOKEN = 'xapp-1-test';
const BOT_TOKEN = 'xoxb-test-token';

let app: TestApp;
let socket: FakeSocketMode;

beforeAll(async () => {
  socket = await startFakeSocketMode();
  app = await startTestApp({
    env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '', SLACK_LISTEN_CHANNELS: LISTEN_CHANNEL },
    slack: { socketModeUrl: socket.url, tokens: [BOT_TOKEN, APP_TOKEN] },
  });
});
afterAll(async () => {
  await app?.close();
  await socket?.close();
});

const envelope = (event: Record<string, unknown>, eventId = newEventId()) => ({
  token: 'PLACEHOLDER_VERIFICATION_TOKEN',
  team_id: TEAM_ID,
  api_app_id: 'A07BOT12345',
  event,
  type: 'event_callback',
  event_id: eventId,
  event_time: Math.floor(Date.now() / 1000),
  authorizations: [{ team_id: TEAM_ID, user_id: 'U07BOTUSER1', is_bot: true }],
});

describe('issue #11 over Socket Mode', () => {
  it('answers another tool’s alert message once in its thread, even when the envelope comes again', async () => {
    const message = alertmanagerMessage('1790000001.000100');
    const eventId = newEventId();
    await socket.waitForAck(socket.send('events_api', envelope(message, eventId)), 5_000);
    await socket.waitForAck(socket.send('events_api', envelope(message, eventId)), 5_000);
    await app.settle();
    const replies = app.slack.thread(LISTEN_CHANNEL, message.ts);
    expect(replies).toHaveLength(1);
    expect(blockText(replies[0])).toContain('503 Service Unavailable');
  });

  it('explains a message from the shortcut in its thread', async () => {
    const message = {
      type: 'message',
      user: 'U04ONCALL9Z',
      ts: '1790000002.000100',
      text: 'login gives 401 Unauthorized',
    };
    const id = socket.send('interactive', {
      type: 'message_action',
      callback_id: 'apierr_explain',
      team: { id: TEAM_ID },
      user: { id: 'U04ONCALL9Z', team_id: TEAM_ID },
      channel: { id: 'C07SOCKET01' },
      message_ts: message.ts,
      message,
      response_url: app.slack.responseUrl('socket-shortcut'),
      trigger_id: '1.2.3',
    });
    await socket.waitForAck(id, 5_000);
    await app.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === message.ts, 5_000);
    expect(blockText(app.slack.thread('C07SOCKET01', message.ts)[0])).toContain('401 Unauthorized');
  });

  it('takes a "Wrong pattern?" pick from an interactive envelope and edits the explanation', async () => {
    const message = alertmanagerMessage('1790000003.000100');
    message.attachments = [
      { ...(message.attachments as object[])[0], title: '[FIRING:1] SocketCorrection (api critical)' },
    ];
    await socket.waitForAck(socket.send('events_api', envelope(message)), 5_000);
    await app.settle();
    const [explanation] = app.slack.thread(LISTEN_CHANNEL, message.ts);
    if (!explanation) throw new Error('no explanation');
    const id = socket.send('interactive', {
      type: 'block_actions',
      user: { id: 'U04ONCALL9Z', team_id: TEAM_ID },
      team: { id: TEAM_ID },
      channel: { id: LISTEN_CHANNEL },
      container: { type: 'message', channel_id: LISTEN_CHANNEL, message_ts: explanation.ts },
      response_url: app.slack.responseUrl('socket-correct'),
      actions: [{ type: 'static_select', action_id: 'apierr_correct', selected_option: { value: 'http-502' } }],
    });
    await socket.waitForAck(id, 5_000);
    await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'socket-correct', 5_000);
    const edited = app.slack.messages(LISTEN_CHANNEL).find((m) => m.ts === explanation.ts);
    expect(blockText(edited)).toContain('502 Bad Gateway');
    expect(blockText(edited)).toContain('Corrected by');
  });

  it('publishes the App Home when a user opens it', async () => {
    const id = socket.send(
      'events_api',
      envelope({ type: 'app_home_opened', user: 'U04ONCALL9Z', channel: 'D07HOME0001', tab: 'home' }),
    );
    await socket.waitForAck(id, 5_000);
    const call = await app.slack.waitFor('views.publish', 5_000);
    expect(blockText(call.args.view)).toContain('What apierr has learned');
  });
});
