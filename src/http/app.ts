/**
 * `createApp(services)`: the one Hono app that tests, Node and Workers all serve.
 * @module
 * @example
 * const app = createApp(services);
 * const res = await app.request('/healthz');
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { allowedMethods } from './method-not-allowed.js';
import { limitBody } from './middleware/body-limit.js';
import { apiCors } from './middleware/cors.js';
import { requestIds } from './middleware/request-id.js';
import { problem } from './problem.js';
import { apiRoutes } from './routes/api.js';
import { serveMetrics } from './routes/metrics.js';
import { webhookRoutes } from './routes/webhooks.js';
import type { HttpServices, ServicesResolver } from './services.js';

type Env = { Variables: { services: HttpServices } };

/** Slack's requests are a few KiB; the receiver checks again, this stops a large body before it is read. */
export const MAX_SLACK_BYTES = 256 * 1024;

export function createApp(services: HttpServices | ServicesResolver): Hono<Env> {
  const resolve: ServicesResolver = typeof services === 'function' ? services : () => services;
  const app = new Hono<Env>();

  // One id per request (or the sender's own X-Request-Id), echoed in the answer, problem bodies and logs.
  app.use('*', requestIds());
  app.use('*', async (c, next) => {
    c.set('services', await resolve(c));
    await next();
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get(
    '/metrics',
    serveMetrics((c) => c.var.services.metricsEndpoint),
  );

  app.post(
    '/slack/events',
    limitBody(MAX_SLACK_BYTES, `Slack requests are under ${MAX_SLACK_BYTES} bytes.`),
    async (c) => {
      const handler = c.var.services.slackEvents;
      if (!handler && c.var.services.slackMode === 'socket') {
        return problem(c, {
          type: 'slack-offline',
          title: 'Slack uses Socket Mode',
          status: 404,
          detail: 'apierr receives Slack requests over Socket Mode (SLACK_APP_TOKEN is set), not on this URL.',
        });
      }
      if (!handler) {
        return problem(c, {
          type: 'slack-offline',
          title: 'Slack is not configured',
          status: 503,
          detail:
            'apierr runs in offline mode: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to receive Slack requests.',
        });
      }
      return handler(c.req.raw);
    },
  );

  app.route('/webhooks', webhookRoutes());
  app.use('/api/*', apiCors());
  app.route('/api', apiRoutes());

  app.notFound((c) => {
    const pathname = new URL(c.req.url).pathname;
    const allow = allowedMethods(app.routes, pathname);
    if (allow.length > 0) {
      return problem(
        c,
        {
          type: 'method-not-allowed',
          title: 'Method not allowed',
          status: 405,
          detail: `${pathname} answers ${allow.join(', ')}, not ${c.req.method}.`,
        },
        { allow: allow.join(', ') },
      );
    }
    return problem(c, {
      type: 'not-found',
      title: 'Not found',
      status: 404,
      detail: `No route for ${c.req.method} ${pathname}.`,
    });
  });

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const status = error.status;
      return problem(c, {
        type: status === 413 ? 'payload-too-large' : 'invalid-payload',
        title: error.message || 'Bad request',
        status,
      });
    }
    c.var.services?.logger.error({ err: error, path: new URL(c.req.url).pathname }, 'unhandled error');
    // Never a stack trace on the wire.
    return problem(c, {
      type: 'internal',
      title: 'Internal error',
      status: 500,
      detail: 'The error was logged; nothing you sent was lost if you got a 2xx before.',
    });
  });
  return app;
}
