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
import { verifyPagerDutySignature } from '../../core/security/pagerduty-signature.js';
import { verifySentrySignature } from '../../core/security/sentry-signature.js';
import type { SignatureFailure } from '../../core/security/signature.js';
import { type SnsMessage, verifySnsMessage } from '../../core/security/sns-signature.js';
import { verifyStandardWebhook } from '../../core/security/standard-webhooks.js';
import { isClosed, isOpen, requiresToken, TOKENLESS_SOURCES } from '../../core/security/webhook-auth.js';
import { problem } from '../problem.js';
import type { HttpServices } from '../services.js';
import { fetchSnsPort } from '../sns-fetch.js';
import { recordAuthFailure, refuseRepeatedFailures } from './auth-failures.js';
import { requireBearer } from './bearer.js';

/**
 * What authentication found out, for the handler: whether the bearer token was checked and right, and the
 * SNS message whose signature was verified. Context variables, not the Request: Hono's body limit may
 * replace `c.req.raw` on the way.
 */
export type WebhookEnv = {
  Variables: { services: HttpServices; bearerVerified?: boolean; verifiedSns?: SnsMessage };
};
type Env = WebhookEnv;

const CLOSED =
  'No secret is configured for this source: set WEBHOOK_TOKEN (or WEBHOOK_TOKEN_<SOURCE>, or its signing secret), or name it in WEBHOOKS_OPEN for a trial.';

/**
 * 401 for a closed source, or a missing or wrong bearer token when the source needs one; else on. A source
 * that cannot send a token (Sentry, SNS) is let through to its signature check when it presents none.
 */
export function requireWebhookToken(): MiddlewareHandler<Env> {
  return async (c, next) => {
    const source = c.req.param('source') ?? '';
    const auth = c.var.services.frontDoor.webhooks[source];
    const limited = refuseRepeatedFailures(c);
    if (limited) return limited;
    if (!auth || isClosed(auth)) {
      recordAuthFailure(c, { reason: 'closed-source', header: 'Authorization' });
      return problem(
        c,
        { type: 'unauthorized', title: 'Unauthorized', status: 401, detail: CLOSED, field: 'Authorization' },
        { 'www-authenticate': 'Bearer realm="apierr"' },
      );
    }
    if (auth.token === undefined) return next();
    const presented = c.req.header('authorization') !== undefined;
    if (!presented && !requiresToken(auth, source)) return next();
    return requireBearer(() => auth.token, CLOSED)(c, async () => {
      c.set('bearerVerified', true);
      await next();
    });
  };
}

/** The SNS message the request carried, if its signature was verified (not merely accepted by token or opening). */
export function verifiedSnsMessage(c: Context<Env>): SnsMessage | undefined {
  return c.get('verifiedSns');
}

/** The 401 to answer when the source signs its requests and this one's signature is missing or wrong. */
export async function checkWebhookSignature(
  c: Context<Env>,
  source: string,
  body: Bytes,
): Promise<Response | undefined> {
  const { frontDoor, clock } = c.var.services;
  const auth = frontDoor.webhooks[source];
  const scheme = auth?.signature;
  if (!auth || !scheme) return undefined;
  // A relay presenting apierr's own token for a source that cannot send one; or an SNS source opened on purpose.
  if (TOKENLESS_SOURCES.has(source) && c.get('bearerVerified') === true) return undefined;
  if (isOpen(auth, source)) return undefined;

  const header = (name: string) => c.req.header(name);
  const now = clock.now();
  let failure: SignatureFailure | undefined;
  switch (scheme.kind) {
    case 'grafana-hmac':
      failure = await verifyGrafanaSignature(scheme, header, body, now);
      break;
    case 'standard-webhooks':
      failure = await verifyStandardWebhook(scheme, header, body, now);
      break;
    case 'sentry-hmac':
      failure = await verifySentrySignature(scheme, header, body);
      break;
    case 'pagerduty-hmac':
      failure = await verifyPagerDutySignature(scheme, header, body);
      break;
    case 'sns': {
      const result = await verifySnsMessage(scheme, body, now, c.var.services.sns ?? fetchSnsPort);
      if (result.ok) c.set('verifiedSns', result.message);
      else failure = result.failure;
      break;
    }
  }
  if (!failure) return undefined;
  recordAuthFailure(c, { reason: failure.reason, header: failure.header });
  return problem(c, {
    type: 'unauthorized',
    title: 'Invalid webhook signature',
    status: 401,
    detail: failure.detail,
    field: failure.header,
  });
}
