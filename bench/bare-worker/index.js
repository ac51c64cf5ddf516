/**
 * The Worker baseline: a bare Hono app in workerd that answers 202 with a small JSON body to any POST
 * without reading it, the Worker counterpart of bench/bare-server.js. Run by bench/run.js under
 * `wrangler dev --config bench/bare-worker/wrangler.toml`, the same local runtime as apierr's Worker.
 * @module
 */
import { Hono } from 'hono';

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.post('*', (c) => c.json({ status: 'accepted' }, 202));

export default app;
