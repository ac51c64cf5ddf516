/**
 * A tiny fake Slack Web API on 127.0.0.1: answers auth.test, chat.postMessage and chat.update (and any
 * other method) with ok:true and a unique ts, so Bolt's auth.test succeeds and the outbox drains without
 * the network. It counts the calls it answered.
 * @module
 */
import { once } from 'node:events';
import { createServer } from 'node:http';

export const BENCH_TEAM = 'T0BENCH0001';

export async function startFakeSlack() {
  const calls = {};
  let tsCounter = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
      calls[method] = (calls[method] ?? 0) + 1;
      const raw = Buffer.concat(chunks).toString('utf8');
      const args = (req.headers['content-type'] ?? '').includes('json')
        ? safeJson(raw)
        : Object.fromEntries(new URLSearchParams(raw));
      const channel = typeof args.channel === 'string' ? args.channel : 'C0BENCH0001';
      let body;
      if (method === 'auth.test') {
        body = {
          ok: true,
          url: 'https://bench.example.slack.com/',
          team: 'Bench',
          user: 'apierr',
          team_id: BENCH_TEAM,
          user_id: 'U0BENCHBOT1',
          bot_id: 'B0BENCH0001',
          is_enterprise_install: false,
        };
      } else if (method === 'chat.postMessage' || method === 'chat.update') {
        tsCounter++;
        const ts = method === 'chat.update' ? String(args.ts) : `1700000000.${String(tsCounter).padStart(6, '0')}`;
        body = { ok: true, channel, ts, message: { type: 'message', text: String(args.text ?? ''), ts } };
      } else {
        body = { ok: true };
      }
      const json = JSON.stringify(body);
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(json),
      });
      res.end(json);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    reset() {
      for (const key of Object.keys(calls)) delete calls[key];
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function safeJson(raw) {
  try {
    return JSON.parse(raw);
  } catch {
    return {};
  }
}
