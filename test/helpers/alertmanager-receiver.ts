/**
 * A minimal webhook receiver on 127.0.0.1 that records what Alertmanager
 * POSTs, for tests of the Alertmanager harness (and as a stand-in for the app).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Alertmanager's webhook payload, version "4". */
export interface AlertmanagerWebhookPayload {
  version: string;
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: {
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }[];
}

export interface ReceivedWebhook {
  /** Date.now() when the body had been read. */
  receivedAt: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The parsed body; undefined when it was not JSON. */
  body: AlertmanagerWebhookPayload | undefined;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:PORT/alertmanager */
  readonly url: string;
  /** Every request so far, oldest first. */
  readonly requests: readonly ReceivedWebhook[];
  /**
   * Resolves with the first request (already received or still to come) that
   * matches, or rejects after timeoutMs listing what was received.
   */
  waitFor(
    match: (r: ReceivedWebhook) => boolean,
    opts: { timeoutMs: number; what?: string; after?: number },
  ): Promise<ReceivedWebhook>;
  close(): Promise<void>;
}

interface Waiter {
  match: (r: ReceivedWebhook) => boolean;
  resolve: (r: ReceivedWebhook) => void;
}

function summary(r: ReceivedWebhook): string {
  const alerts = r.body?.alerts.map((a) => `${a.fingerprint}:${a.status}`).join(',') ?? r.rawBody.slice(0, 200);
  return `${r.method} ${r.path} status=${r.body?.status} alerts=[${alerts}]`;
}

/** Starts the receiver; it answers every request 200 "ok". */
export async function startWebhookReceiver(path = '/alertmanager'): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  const waiters = new Set<Waiter>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: AlertmanagerWebhookPayload | undefined;
      try {
        body = JSON.parse(rawBody) as AlertmanagerWebhookPayload;
      } catch {
        body = undefined;
      }
      const received: ReceivedWebhook = {
        receivedAt: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody,
        body,
      };
      requests.push(received);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      for (const w of waiters) {
        if (w.match(received)) {
          waiters.delete(w);
          w.resolve(received);
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    waitFor(match, { timeoutMs, what = 'a matching webhook', after = 0 }) {
      const eligible = (r: ReceivedWebhook) => r.receivedAt >= after && match(r);
      const already = requests.find(eligible);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          match: eligible,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const got = requests.map(summary).join('\n  ') || '(nothing)';
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received:\n  ${got}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
