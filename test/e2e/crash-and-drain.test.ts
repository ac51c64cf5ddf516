/**
 * A real apierr process, killed. SIGKILL in the middle of a burst loses nothing: after a restart every
 * accepted alert is delivered, and none twice. SIGTERM drains: it stops accepting, finishes the message in
 * flight and exits cleanly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, SIGNING_SECRET, TEAM_ID, WEBHOOK_TOKEN } from '../helpers/app-harness.js';
import { type FakeSlack, startFakeSlack } from '../helpers/fake-slack.js';
import { type ServerProcess, spawnServer } from '../helpers/server-process.js';

let slack: FakeSlack;
let dir: string;
let running: ServerProcess[] = [];

beforeEach(async () => {
  slack = await startFakeSlack({ teamId: TEAM_ID, firstTsSeconds: Math.floor(Date.now() / 1000) });
  dir = mkdtempSync(join(tmpdir(), 'apierr-crash-'));
});
afterEach(async () => {
  for (const server of running) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  running = [];
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<ServerProcess> {
  const server = await spawnServer({
    DATABASE_PATH: join(dir, 'apierr.db'),
    SLACK_BOT_TOKEN: 'xoxb-crash-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_ALERT_CHANNEL: ALERT_CHANNEL,
    WEBHOOK_TOKEN,
    SLACK_POST_INTERVAL_MS: '10',
    STORM_THRESHOLD: '1000',
  });
  running.push(server);
  return server;
}

const alert = (i: number) => ({
  id: `burst-${i}`,
  title: `Burst alert ${String(i).padStart(3, '0')}`,
  message: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
  service: 'edge',
});

async function sendAll(url: string, ids: number[]) {
  for (const i of ids) {
    const res = await fetch(`${url}/webhooks/generic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` },
      body: JSON.stringify(alert(i)),
    });
    expect(res.status).toBe(202);
  }
}

/** Parents and explanation replies per alert, from what the fake Slack holds. */
function tally(count: number) {
  const parents = slack.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts);
  return Array.from({ length: count }, (_, i) => {
    const mine = parents.filter((p) => JSON.stringify(p.blocks).includes(`Burst alert ${String(i).padStart(3, '0')}"`));
    return {
      i,
      parents: mine.length,
      explanations: mine.reduce((n, p) => n + slack.thread(ALERT_CHANNEL, p.ts).length, 0),
    };
  });
}

async function until(what: string, done: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a real apierr process', () => {
  // Two real processes each, started with tsx: generous time on a busy 2-core machine.
  it('delivers every accepted alert exactly once after SIGKILL in the middle of a burst and a restart', {
    timeout: 60_000,
  }, async () => {
    const COUNT = 30;
    // A slow Slack keeps deliveries in flight, so the kill lands in the middle of them.
    slack.failNext('chat.postMessage', { kind: 'hang', ms: 60, after: 'answer' }, 1000);
    const first = await start();
    await sendAll(
      first.url,
      Array.from({ length: COUNT }, (_, i) => i),
    );
    await until('some posts', () => slack.callsTo('chat.postMessage').length >= 8);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const postedBeforeKill = slack.callsTo('chat.postMessage').length;
    expect(postedBeforeKill).toBeLessThan(COUNT * 2);

    await start();
    await until(
      'every alert posted with its explanation',
      () => tally(COUNT).every((t) => t.parents >= 1 && t.explanations >= 1),
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // anything left would show up now
    expect(tally(COUNT).filter((t) => t.parents !== 1 || t.explanations !== 1)).toEqual([]);
  });

  it('drains on SIGTERM: stops accepting, finishes the message in flight and exits 0', {
    timeout: 60_000,
  }, async () => {
    slack.failNext('chat.postMessage', { kind: 'hang', ms: 300, after: 'answer' }, 1000);
    const server = await start();
    await sendAll(server.url, [0, 1, 2, 3]);
    await until('a post in flight', () => slack.calls.length > 0 && server.output().includes('apierr is listening'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.child.kill('SIGTERM');
    await until('the drain to start', () => server.output().includes('draining'));
    const refused = await fetch(`${server.url}/healthz`).then(
      () => false,
      () => true,
    );
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(refused).toBe(true);
    // What was in flight finished: no post was started and abandoned (every post Slack applied has its answer).
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 0)).toEqual([]);

    // The rest is delivered by the next start, once each.
    await start();
    await until('all four posted', () => tally(4).every((t) => t.parents === 1 && t.explanations === 1));
    expect(tally(4).filter((t) => t.parents !== 1 || t.explanations !== 1)).toEqual([]);
  });
});
