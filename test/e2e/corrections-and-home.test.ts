/**
 * The team correcting a match, and the App Home, end to end through the real Node server and the fake
 * Slack Web API: a "Wrong pattern?" pick edits the explanation, the next alert with the same name matches
 * the corrected entry, an undo reverts it; app_home_opened publishes the home tab with the stats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, blockText, startTestApp, TEAM_ID, type TestApp } from '../helpers/app-harness.js';
import { newEventId } from '../helpers/slack-signing.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ start: { storm: { threshold: 1000, windowMs: 60_000 } } });
});
afterAll(async () => {
  await app?.close();
});

/** An alert whose text the matcher reads as a 500, though the team knows it is the upstream timing out. */
async function postAlert(id: string) {
  const before = new Set(app.slack.messages(ALERT_CHANNEL).map((m) => m.ts));
  const res = await app.webhook('generic', {
    id,
    title: 'PaymentsSlow',
    message: 'POST /v1/charges failed with 500 Internal Server Error',
    service: 'payments',
  });
  expect(res.status).toBe(202);
  await app.settle();
  const parent = app.slack.messages(ALERT_CHANNEL).find((m) => !before.has(m.ts) && !m.thread_ts);
  if (!parent) throw new Error('no parent posted');
  const explanation = app.slack.thread(ALERT_CHANNEL, parent.ts)[0];
  if (!explanation) throw new Error('no explanation posted');
  return { parent, explanation };
}

function pick(messageTs: string, value: string, responseId: string) {
  return app.action({
    type: 'block_actions',
    user: { id: 'U04ONCALL9Z', team_id: TEAM_ID },
    team: { id: TEAM_ID },
    channel: { id: ALERT_CHANNEL },
    container: { type: 'message', channel_id: ALERT_CHANNEL, message_ts: messageTs, is_ephemeral: false },
    response_url: app.slack.responseUrl(responseId),
    actions: [
      {
        type: 'static_select',
        action_id: 'apierr_correct',
        block_id: 'correct:1',
        selected_option: { text: { type: 'plain_text', text: value }, value },
      },
    ],
  });
}

const current = (ts: string) => app.slack.messages(ALERT_CHANNEL).find((m) => m.ts === ts);

describe('the team corrects the match', () => {
  it('shows a searchable "Wrong pattern?" menu of entries under the explanation', async () => {
    const { explanation } = await postAlert('corr-0');
    const text = blockText(explanation);
    expect(text).toContain('static_select');
    expect(text).toContain('Wrong pattern?');
    expect(text).toContain('"value":"http-504"');
  });

  it('edits the explanation to the chosen entry, and the next alert with the same name matches it first', async () => {
    const { explanation } = await postAlert('corr-1');
    expect(blockText(explanation)).toContain('Internal Server Error');

    expect((await pick(explanation.ts, 'http-504', 'corr-1')).status).toBe(200);
    const confirmation = await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'corr-1');
    expect(blockText(confirmation.args)).toContain('Gateway Timeout');
    const edited = blockText(current(explanation.ts));
    expect(edited).toContain('504 Gateway Timeout');
    expect(edited).toContain('Corrected by');
    expect(edited).toContain('Undo the correction');
    // Fix buttons follow the new entry.
    expect(edited).toContain('"value":"2:');

    // Resolving the corrected alert edits its parent, which keeps the team's pattern.
    const resolved = await app.webhook('generic', {
      id: 'corr-1',
      title: 'PaymentsSlow',
      message: 'POST /v1/charges failed with 500 Internal Server Error',
      service: 'payments',
      status: 'resolved',
    });
    expect(resolved.status).toBe(202);
    await app.settle();
    const parent = app.slack.messages(ALERT_CHANNEL).find((m) => m.ts === explanation.thread_ts);
    expect(blockText(parent)).toContain('Resolved');
    expect(blockText(parent)).toContain('504 Gateway Timeout');

    const next = await postAlert('corr-2');
    const nextText = blockText(next.explanation);
    expect(nextText).toContain('504 Gateway Timeout');
    expect(nextText).toContain('corrected by the team');
    expect(blockText(next.parent)).toContain('504 Gateway Timeout');

    const stats = (await (await app.api('/api/stats')).json()) as { corrections: unknown[] };
    expect(stats.corrections).toEqual([{ from: 'http-500', to: 'http-504', count: 1 }]);
    expect(blockText(await (await app.slash('stats')).json())).toContain('Corrected by the team');
  });

  it('undoes a correction the same way', async () => {
    const alert = app.slack.messages(ALERT_CHANNEL).filter((m) => blockText(m).includes('Corrected by'))[0];
    if (!alert) throw new Error('no corrected explanation');
    await pick(alert.ts, '__undo__', 'corr-undo');
    await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'corr-undo');
    expect(blockText(current(alert.ts))).toContain('Internal Server Error');
    expect(blockText(current(alert.ts))).not.toContain('Corrected by');

    const after = await postAlert('corr-3');
    expect(blockText(after.explanation)).not.toContain('corrected by the team');
    const stats = (await (await app.api('/api/stats')).json()) as { corrections: unknown[] };
    expect(stats.corrections).toEqual([]);
  });

  it('refuses a pick on a message that is not an explanation, or from another team', async () => {
    const { parent, explanation } = await postAlert('corr-4');
    await pick(parent.ts, 'http-504', 'corr-parent');
    const refused = await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'corr-parent');
    expect(blockText(refused.args)).toContain('does not belong');
    expect(blockText(current(explanation.ts))).not.toContain('Corrected by');
  });
});

describe('App Home', () => {
  it('publishes the home tab with what the team has learned when a user opens it', async () => {
    const resolved = await app.webhook('generic', {
      id: 'corr-4',
      title: 'PaymentsSlow',
      message: 'POST /v1/charges failed with 500 Internal Server Error',
      service: 'payments',
      status: 'resolved',
    });
    expect(resolved.status).toBe(202);
    await app.settle();
    const res = await app.event(
      { type: 'app_home_opened', user: 'U04ONCALL9Z', channel: 'D07HOME0001', tab: 'home' },
      { event_id: newEventId() },
    );
    expect(res.status).toBe(200);
    const call = await app.slack.waitFor('views.publish', 5000);
    expect(call.args.user_id).toBe('U04ONCALL9Z');
    const view = blockText(call.args.view);
    expect(view).toContain('What apierr has learned');
    expect(view).toContain('This week:');
    expect(view).toContain('Patterns seen most');
    expect(view).toContain('Internal Server Error');
    expect(view).toContain('median');
    expect(view).toContain('Gaps in the knowledge base');
    expect(view).toContain('Deliveries that failed');
    expect(view).toContain(`<#${ALERT_CHANNEL}>`);
  });
});
