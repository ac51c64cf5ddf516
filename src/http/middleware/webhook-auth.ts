/**
 * Webhook authentication per source: the bearer token (before the body is read) and the signature
 * (over the raw body, once it is read). A source with nothing configured is refused unless opened.
 * @module
 * @example
 * app.post('/:source', requireWebhookToken(), async (c) => {
 *   const body = new Uint8Array(await c.req.arrayBuffer());
 *   const refused = await checkWebhookSignature(c, source, body);
 *   if (refused) return refused;
 * });
 */
import type { Context, MiddlewareHandler } from 'hono';
import { verifyGrafanaSignature } from '../../core/security/grafana-signature.js';
import type { Bytes } from '../../core/security/hmac.js';
import type { SignatureFailure } from '../../core/security/signature.js';
import { verifyStandardWebhook } from '../../core/security/standard-webhooks.js';
import { isClosed, type SignatureScheme } from '../../core/security/webhook-auth.js';
import { problem } from '../problem.js';
import type { HttpServices } from '../services.js';
import { requireBearer } from './bearer.js';

type Env = { Variables: { services: HttpServices } };

const CLOSED =
  'No secret is configured for this source: set WEBHOOK_TOKEN (or WEBHOOK_TOKEN_<SOURCE>, or its signing secret), or name it in WEBHOOKS_OPEN for a trial.';

/** 401 for a closed source, or a missing or wrong bearer token when the source has one; else on. */
export function requireWebhookToken(): MiddlewareHandler<Env> {
  return async (c, next) => {
    const auth = c.var.services.frontDoor.webhooks[c.req.param('source') ?? ''];
    if (!auth || isClosed(auth)) {
      return problem(
        c,
        { type: 'unauthorized', title: 'Unauthorized', status: 401, detail: CLOSED, field: 'Authorization' },
        { 'www-authenticate': 'Bearer realm="apierr"' },
      );
    }
    if (auth.token === undefined) return next();
    return requireBearer(() => auth.token, CLOSED)(c, next);
  };
}

function verify(
  scheme: SignatureScheme,
  c: Context,
  body: Bytes,
  nowMs: number,
): Promise<SignatureFailure | undefined> {
  const header = (name: string) => c.req.header(name);
  return scheme.kind === 'grafana-hmac'
    ? verifyGrafanaSignature(scheme, header, body, nowMs)
    : verifyStandardWebhook(scheme, header, body, nowMs);
}

/** The 401 to answer when the source signs its requests and this one's signature is missing or wrong. */
export async function checkWebhookSignature(
  c: Context<Env>,
  source: string,
  body: Bytes,
): Promise<Response | undefined> {
  const { frontDoor, clock, logger } = c.var.services;
  const scheme = frontDoor.webhooks[source]?.signature;
  if (!scheme) return undefined;
  const failure = await verify(scheme, c, body, clock.now());
  if (!failure) return undefined;
  logger.warn({ source, reason: failure.reason, header: failure.header }, 'refused an unsigned or mis-signed webhook');
  return problem(c, {
    type: 'unauthorized',
    title: 'Invalid webhook signature',
    status: 401,
    detail: failure.detail,
    field: failure.header,
  });
}
