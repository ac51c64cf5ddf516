/**
 * The real Worker under `wrangler dev` with the fake Slack Web API on 127.0.0.1, and the requests the
 * Worker end-to-end suites send it: webhooks with the test token, and Slack requests signed as Slack signs.
 */
import { ALERT_CHANNEL, API_TOKEN, SIGNING_SECRET, TEAM_ID, WEBHOOK_TOKEN } from './app-harness.js';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import { signSlackRequest } from './slack-signing.js';
import { startWorker, type WorkerProcess } from './worker-process.js';

export interface WorkerApp {
  slack: FakeSlack;
  worker: WorkerProcess;
  /** `POST /webhooks/<source><query>` with the test bearer token. */
  webhook(source: string, body: string | object, query?: string): Promise<Response>;
  /** `POST /slack/events`, signed with `secret` (the app's signing secret by default). */
  signed(body: string, contentType: string, secret?: string): Promise<Response>;
  /** Waits until `check` holds: the outbox works after the answer, in the Durable Object. */
  eventually(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWorkerApp(env: Record<string, string> = {}): Promise<WorkerApp> {
  const slack = await startFakeSlack({ teamId: TEAM_ID, firstTsSeconds: Math.floor(Date.now() / 1000) });
  const worker = await startWorker({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_ALERT_CHANNEL: ALERT_CHANNEL,
    WEBHOOK_TOKEN,
    API_TOKEN,
    SLACK_POST_INTERVAL_MS: '50',
    // These suites are about single alerts, not storm digests.
    STORM_THRESHOLD: '1000',
    ...env,
  }).catch(async (error: unknown) => {
    await slack.close();
    throw error;
  });
  return {
    slack,
    worker,
    webhook: (source, body, query = '') =>
      fetch(`${worker.url}/webhooks/${source}${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    signed: (body, contentType, secret = SIGNING_SECRET) =>
      fetch(`${worker.url}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': contentType,
          ...signSlackRequest({ signingSecret: secret, body, timestamp: Math.floor(Date.now() / 1000) }),
        },
        body,
      }),
    async eventually(check, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${worker.output().slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await worker.stop();
      await slack.close();
    },
  };
}
