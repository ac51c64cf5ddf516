/**
 * The baseline: a bare Hono app on @hono/node-server, in its own process, that answers 202 with a small
 * JSON body to any POST without reading it: the HTTP stack and nothing else.
 * @module
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.post('*', (c) => c.json({ status: 'accepted' }, 202));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0));
