import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, blockText, startTestApp, TEAM_ID, type TestApp } from '../helpers/app-harness.js';
import { buttonPressPayload, newEventId, sharePressPayload, signSlackRequest } from '../helpers/slack-signing.js';

let app: TestApp;

beforeAll(async () => {
  // Several alerts of one pattern are posted here on purpose; keep them out of a storm digest.
  app = await startTestApp({ start: { storm: { threshold: 1000, windowMs: 60_000 } } });
});
afterAll(async () => {
  await app?.close();
});

interface Stats {
  entries: { id: string; alerts: number; marked: number; fixes: { id: string; resolved: number }[] }[];
}

async function stats(entryId: string) {
  const body = (await (await app.api('/api/stats')).json()) as Stats;
  return body.entries.find((e) => e.id === entryId);
}

/** Posts an alert through the generic webhook and returns its explanation message and the fix buttons on it. */
async function postAlert(id: string, service = 'checkout-api') {
  const before = new Set(app.slack.messages(ALERT_CHANNEL).map((m) => m.ts));
  const res = await app.webhook('generic', {
    id,
    title: `Checkout throttled ${id}`,
    message: 'POST /v1/charges returned 429 Too Many Requests (rate limit exceeded)',
    status_code: 429,
    service,
  });
  expect(res.status).toBe(202);
  await app.settle();
  const parent = app.slack.messages(ALERT_CHANNEL).find((m) => !before.has(m.ts) && !m.thread_ts);
  if (!parent) throw new Error('no parent posted');
  const explanation = app.slack.thread(ALERT_CHANNEL, parent.ts)[0];
  if (!explanation) throw new Error('no explanation posted');
  const actions = (explanation.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find(
    (b) => b.type === 'actions',
  );
  return { parent, explanation, buttons: actions?.elements ?? [] };
}

const reaction = (
  type: 'reaction_added' | 'reaction_removed',
  name: string,
  ts: string,
  extra: { eventId?: string; team?: string; user?: string } = {},
) =>
  app.event(
    {
      type,
      user: extra.user ?? 'U04ONCALL9Z',
      reaction: name,
      item: { type: 'message', channel: ALERT_CHANNEL, ts },
      item_user: 'U07BOTUSER1',
    },
    { team_id: extra.team ?? TEAM_ID, event_id: extra.eventId ?? newEventId() },
  );

describe('Slack request verification', () => {
  it('answers the url_verification handshake with the challenge', async () => {
    const res = await app.slackRequest(
      JSON.stringify({ token: 't', challenge: 'abc123', type: 'url_verification' }),
      'application/json',
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'abc123' });
  });

  it('refuses a wrong signature, a stale timestamp and missing headers with 401', async () => {
    const body = 'command=%2Fapierr&text=429&team_id=T0123ABCD45&user_id=U1';
    const wrong = await app.slackRequest(body, 'application/x-www-form-urlencoded', { secret: 'not-the-secret' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');

    const stale = await app.slackRequest(body, 'application/x-www-form-urlencoded', {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(401);

    const missing = await fetch(`${app.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(missing.status).toBe(401);
  });

  it('refuses a body altered after signing', async () => {
    const body = 'command=%2Fapierr&text=429';
    const headers = signSlackRequest({
      signingSecret: 'test-signing-secret-0123456789abcdef',
      body,
      timestamp: Math.floor(Date.now() / 1000),
    });
    const res = await fetch(`${app.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: `${body}x`,
    });
    expect(res.status).toBe(401);
  });
});

describe('/apierr', () => {
  it('explains a status code privately, with a button to share it', async () => {
    const res = await app.slash('429');
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { response_type: string; blocks: unknown[] };
    expect(answer.response_type).toBe('ephemeral');
    const text = blockText(answer);
    expect(text).toContain('429 Too Many Requests');
    expect(text).toContain('Check first');
    expect(text).toContain('Share in channel');
  });

  it('compares two look-alikes', async () => {
    const text = blockText(await (await app.slash('401 vs 403')).json());
    expect(text).toMatch(/401.*vs.*403/);
  });

  it('explains a team code and a pasted error', async () => {
    expect(blockText(await (await app.slash('AUTH-401')).json())).toContain('401');
    expect(blockText(await (await app.slash('Access to fetch has been blocked by CORS policy')).json())).toMatch(
      /CORS/i,
    );
  });

  it('shows help for an empty query or "help"', async () => {
    for (const query of ['', 'help']) {
      expect(blockText(await (await app.slash(query)).json())).toContain('/apierr 401 vs 403');
    }
  });

  it('answers a query it cannot place with guesses and how to ask, not an error', async () => {
    const res = await app.slash('zzqx florp wibble');
    expect(res.status).toBe(200);
    expect(blockText(await res.json())).toMatch(/Nothing in the knowledge base explains|best guess/);
  });

  it('shares the explanation in the channel when the button is pressed', async () => {
    const responseUrl = app.slack.responseUrl('share-1');
    const res = await app.action({
      type: 'block_actions',
      user: { id: 'U04ONCALL9Z', team_id: TEAM_ID },
      team: { id: TEAM_ID },
      api_app_id: 'A07BOT12345',
      container: { type: 'message', is_ephemeral: true },
      response_url: responseUrl,
      trigger_id: '1.2.3',
      actions: [
        { type: 'button', action_id: 'apierr_share', block_id: 'share', value: 'entry:http-429', action_ts: '1' },
      ],
    });
    expect(res.status).toBe(200);
    const shared = await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'share-1', 5000);
    expect(shared.args.response_type).toBe('in_channel');
    expect(blockText(shared.args)).toContain('429 Too Many Requests');
  });

  it('shares what was shown even when the match came from text past the first 1,900 characters', async () => {
    const query = `checkout failed ${'zz '.repeat(700)} HTTP 429 Too Many Requests`;
    expect(query.length).toBeGreaterThan(1900);
    const answer = (await (await app.slash(query)).json()) as {
      blocks: { type: string; elements?: { value: string }[] }[];
    };
    const value = answer.blocks.find((b) => b.type === 'actions')?.elements?.[0]?.value;
    expect(value).toBe('entry:http-429');
    const shared = await pressShare('share-long', value ?? '');
    expect(shared.args.response_type).toBe('in_channel');
    expect(blockText(shared.args)).toContain('429 Too Many Requests');
    expect(blockText(shared.args)).not.toContain('checkout failed');
  });

  it('never posts a share that names no entry in the channel, and never echoes it', async () => {
    for (const [id, value] of [
      ['share-old', '<!everyone> 429'],
      ['share-none', 'entry:no-such-entry'],
      ['share-vs', 'vs:http-401:<!channel>'],
    ] as const) {
      const reply = await pressShare(id, value);
      expect(reply.args.response_type).toBe('ephemeral');
      expect(blockText(reply.args)).not.toContain('<!');
    }
  });

  it('offers no share button on an answer that matched nothing', async () => {
    const answer = await (await app.slash('<!everyone> qwzx plorb')).json();
    expect(blockText(answer)).not.toContain('apierr_share');
    expect(blockText(answer)).not.toContain('<!everyone>');
  });
});

async function pressShare(id: string, value: string) {
  await app.action(sharePressPayload({ team: TEAM_ID, responseUrl: app.slack.responseUrl(id), value }));
  return app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === id, 5000);
}

describe('recording the fix that worked', () => {
  it('counts a number reaction on the explanation once, even when Slack retries it, and takes it back when removed', async () => {
    const { explanation, buttons } = await postAlert('reaction-flow');
    const secondFix = buttons[1]?.value.split(':')[1];
    expect(secondFix).toBeTruthy();
    const before = (await stats('http-429'))?.fixes.find((f) => f.id === secondFix)?.resolved ?? 0;

    const eventId = newEventId();
    expect((await reaction('reaction_added', 'two', explanation.ts, { eventId })).status).toBe(200);
    // Slack's retry of the same event carries the same event_id.
    await app.slackRequest(
      JSON.stringify({
        type: 'event_callback',
        team_id: TEAM_ID,
        event_id: eventId,
        event: {
          type: 'reaction_added',
          user: 'U04ONCALL9Z',
          reaction: 'two',
          item: { type: 'message', channel: ALERT_CHANNEL, ts: explanation.ts },
        },
      }),
      'application/json',
      { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } },
    );
    expect((await stats('http-429'))?.fixes.find((f) => f.id === secondFix)?.resolved).toBe(before + 1);

    await reaction('reaction_removed', 'two', explanation.ts);
    expect((await stats('http-429'))?.fixes.find((f) => f.id === secondFix)?.resolved).toBe(before);
  });

  it('ignores reactions from another team, on messages apierr did not post, and emoji that are not fix numbers', async () => {
    const { explanation } = await postAlert('ignored-reactions');
    const before = JSON.stringify(await stats('http-429'));
    await reaction('reaction_added', 'one', explanation.ts, { team: 'T9OTHERTEAM' });
    await reaction('reaction_added', 'one', '1234567890.000001');
    await reaction('reaction_added', 'tada', explanation.ts);
    expect(JSON.stringify(await stats('http-429'))).toBe(before);
  });

  it('counts no vote from a reaction on the parent: votes belong to the explanation', async () => {
    const { parent } = await postAlert('parent-reactions');
    const before = JSON.stringify(await stats('http-429'));
    await reaction('reaction_added', 'white_check_mark', parent.ts);
    await reaction('reaction_added', 'one', parent.ts);
    expect(JSON.stringify(await stats('http-429'))).toBe(before);
  });

  it("records a button press from a user of another workspace (Slack Connect, Grid) when team.id is the alert's", async () => {
    const { explanation, buttons } = await postAlert('guest-button');
    const first = buttons[0];
    if (!first) throw new Error('no fix buttons');
    const fixId = first.value.split(':')[1];
    const before = (await stats('http-429'))?.fixes.find((f) => f.id === fixId)?.resolved ?? 0;
    const press = (team: string, userTeam: string, id: string) => {
      const payload = buttonPressPayload({
        team,
        channel: ALERT_CHANNEL,
        messageTs: explanation.ts,
        button: first,
        responseUrl: app.slack.responseUrl(id),
      });
      return app.action({ ...payload, user: { id: 'U05GUEST001', team_id: userTeam } });
    };
    await press(TEAM_ID, 'T0GUESTORG1', 'guest-1');
    await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'guest-1', 5000);
    expect((await stats('http-429'))?.fixes.find((f) => f.id === fixId)?.resolved).toBe(before + 1);

    // The workspace the press came from is what counts: another workspace's press is refused.
    await press('T9OTHERTEAM', TEAM_ID, 'guest-2');
    const refused = await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'guest-2', 5000);
    expect(String(refused.args.text)).not.toMatch(/recorded/i);
    expect((await stats('http-429'))?.fixes.find((f) => f.id === fixId)?.resolved).toBe(before + 1);
  });

  it('records a "Fix worked" button press and confirms it privately', async () => {
    const { explanation, buttons } = await postAlert('button-flow');
    const first = buttons[0];
    if (!first) throw new Error('no fix buttons');
    const fixId = first.value.split(':')[1];
    const before = (await stats('http-429'))?.fixes.find((f) => f.id === fixId)?.resolved ?? 0;
    const res = await app.action(
      buttonPressPayload({
        team: TEAM_ID,
        channel: ALERT_CHANNEL,
        messageTs: explanation.ts,
        button: first,
        responseUrl: app.slack.responseUrl('button-1'),
      }),
    );
    expect(res.status).toBe(200);
    const reply = await app.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'button-1', 5000);
    expect(String(reply.args.text)).toMatch(/recorded/i);
    expect((await stats('http-429'))?.fixes.find((f) => f.id === fixId)?.resolved).toBe(before + 1);
  });

  it('lists the fix that worked first, with its record, in the next explanation of the same pattern', async () => {
    const { explanation, buttons } = await postAlert('ranking-1', 'billing-api');
    const third = buttons[2]?.value.split(':')[1];
    await reaction('reaction_added', 'three', explanation.ts);
    const next = await postAlert('ranking-2', 'billing-api');
    expect(next.buttons[0]?.value.split(':')[1]).toBe(third);
    expect(blockText(next.explanation)).toMatch(/fixed it \d+ of \d+ time/);
  });

  it('lists deliveries Slack refused in /apierr stats, with the reason', async () => {
    app.slack.failNext('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
    expect(
      (await app.webhook('generic', { id: 'refused-stats', title: 'Refused for stats', message: '503' })).status,
    ).toBe(202);
    await app.settle();
    const text = blockText(await (await app.slash('stats')).json());
    expect(text).toContain('failed post for *Refused for stats*: not_in_channel');
  });

  it('shows the record in /apierr stats', async () => {
    const text = blockText(await (await app.slash('stats')).json());
    expect(text).toContain('429 Too Many Requests');
    expect(text).toMatch(/best fix/);
  });
});
