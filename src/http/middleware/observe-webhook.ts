/**
 * Counts and logs every webhook request once, whatever answered it (a 401 from the token check, a 429
 * from the rate limit, a 413 from the size limit, or the route itself): one
 * `apierr_webhook_requests_total{source, outcome, code}` increment and one structured `info` line with
 * the request id, the source, the status, the outcome and the milliseconds taken. Never the body, never
 * a header value. The outcome comes from the status (see `webhookOutcomeOf`) unless the route named it
 * with `c.set('webhookOutcome', ...)`; an unknown source is counted as `other`, never by its name.
 * @module
 * @example
 * app.post('/:source', observeWebhook(), requireWebhookToken(), handler);
 */
import type { MiddlewareHandler } from 'hono';
import { type WebhookOutcome, webhookOutcomeOf } from '../../core/metrics.js';
import type { HttpServices } from '../services.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by the webhook route when the status alone does not say what happened (e.g. `ignored`). */
    webhookOutcome: WebhookOutcome;
  }
}

type Env = { Variables: { services: HttpServices } };

export function observeWebhook(): MiddlewareHandler<Env> {
  return async (c, next) => {
    const started = performance.now();
    const { services } = c.var;
    const name = c.req.param('source') ?? '';
    const source = services.sources[name] ? name : 'other';
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      const outcome = status >= 500 ? 'error' : (c.get('webhookOutcome') ?? webhookOutcomeOf(status));
      services.metrics?.webhookRequest(source, outcome, status);
      services.logger.info(
        {
          requestId: c.get('requestId'),
          source,
          status,
          outcome,
          ms: Math.round(performance.now() - started),
        },
        'webhook request',
      );
    }
  };
}
