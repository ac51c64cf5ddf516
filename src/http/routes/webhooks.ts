/**
 * `POST /webhooks/:source`: authenticate, limit, verify, parse, deduplicate and store, then answer;
 * Slack is posted to after the answer, from the outbox, so a slow Slack never slows or fails the sender.
 *
 * The order is cheapest refusal first: unknown source (404), token (401), rate (429), size (413), then
 * the body is read once, as bytes, so the signature is checked over exactly what was sent (401), before
 * the content type (415), the JSON (400) and the shape (422) are looked at.
 * @module
 */
import { type Context, Hono } from 'hono';
import { snsSubscribeUrl } from '../../core/alerts/sources/index.js';
import { chooseChannel } from '../../core/alerts/target-channel.js';
import { createRateLimiter, type RateLimiter } from '../../core/security/rate-limit.js';
import { receiveAlerts } from '../../core/use-cases/receive-alerts.js';
import { limitBody } from '../middleware/body-limit.js';
import { observeWebhook } from '../middleware/observe-webhook.js';
import { webhookRateLimit } from '../middleware/rate-limit.js';
import {
  checkWebhookSignature,
  requireWebhookToken,
  verifiedSnsMessage,
  type WebhookEnv,
} from '../middleware/webhook-auth.js';
import { problem } from '../problem.js';
import { fetchSnsPort } from '../sns-fetch.js';

export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/**
 * Most alerts one request may carry. An Alertmanager group or a generic batch in a real storm holds
 * hundreds; a 1 MiB body of tiny elements would otherwise store tens of thousands at once.
 */
export const MAX_ALERTS_PER_REQUEST = 1000;

/** Sources whose senders label JSON as text (SNS posts `text/plain`). */
const TEXT_BODY_SOURCES = new Set(['cloudwatch']);

type Env = WebhookEnv;

// RFC 8259: JSON exchanged between systems is UTF-8; a body that is not is refused, not guessed at.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function webhookRoutes(limiter: RateLimiter = createRateLimiter()): Hono<Env> {
  const app = new Hono<Env>();

  app.post(
    '/:source',
    observeWebhook(),
    async (c, next) => {
      const parser = c.var.services.sources[c.req.param('source')];
      if (!parser) {
        return problem(c, {
          type: 'not-found',
          title: 'Unknown webhook source',
          status: 404,
          detail: `Use one of: ${Object.keys(c.var.services.sources).join(', ')}.`,
          field: 'source',
        });
      }
      await next();
      return undefined;
    },
    requireWebhookToken(),
    webhookRateLimit(limiter),
    limitBody(MAX_WEBHOOK_BYTES),
    async (c) => {
      const services = c.var.services;
      const source = c.req.param('source');
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = new Uint8Array(await c.req.arrayBuffer());
      } catch (error) {
        // The sender went away mid-body (or sent more than it declared): nobody is there to read an answer,
        // and it is no fault of apierr's, so it is a debug line, not an error with a stack trace.
        services.logger.debug({ source, reason: (error as Error).message }, 'webhook body not read: request aborted');
        return problem(c, {
          type: 'invalid-payload',
          title: 'Request body not received',
          status: 400,
          detail: 'The body could not be read to its end.',
        });
      }
      const refused = await checkWebhookSignature(c, source, bytes);
      if (refused) return refused;

      const contentType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const isJson = contentType === 'application/json' || contentType.endsWith('+json');
      if (!isJson && !(TEXT_BODY_SOURCES.has(source) && contentType === 'text/plain')) {
        return problem(c, {
          type: 'unsupported-media-type',
          title: 'Unsupported media type',
          status: 415,
          detail: `Send the body as application/json${contentType ? `, not ${contentType}` : ''}.`,
          field: 'Content-Type',
        });
      }

      let body: unknown;
      try {
        body = JSON.parse(utf8.decode(bytes));
      } catch (error) {
        return problem(c, {
          type: 'invalid-json',
          title: 'Malformed JSON',
          status: 400,
          detail: `The body is not valid UTF-8 JSON: ${(error as Error).message}`,
          pointer: '',
        });
      }

      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      // With a signature scheme, ids come only from what it signed: Standard Webhooks signs webhook-id, not
      // Idempotency-Key, which a replayer could otherwise set to anything.
      const signature = services.frontDoor.webhooks[source]?.signature;
      const signedIds = signature?.kind === 'standard-webhooks';
      const parsed = services.sources[source]?.(body, { headers, signedIds });
      if (!parsed?.ok) {
        const error = parsed?.error;
        return problem(c, {
          type: 'invalid-payload',
          title: `Not a ${source} payload`,
          status: 422,
          detail: error?.message ?? 'The body does not have the expected shape.',
          pointer: error?.pointer ?? '',
        });
      }

      if (parsed.alerts.length > MAX_ALERTS_PER_REQUEST) {
        return problem(c, {
          type: 'too-many-alerts',
          title: 'Too many alerts in one request',
          status: 413,
          detail: `The body holds ${parsed.alerts.length} alerts; send at most ${MAX_ALERTS_PER_REQUEST} per request.`,
          pointer: Array.isArray(body) ? '' : '/alerts',
        });
      }

      services.metrics?.alertsReceived(source, parsed.alerts.length);
      if (parsed.alerts.length === 0) {
        // SNS sends a SubscriptionConfirmation first and nothing else until it is confirmed. When its signature
        // was verified, apierr confirms it itself (a GET of the SubscribeURL, on an SNS host only); otherwise
        // (a relay with the bearer token, or WEBHOOKS_OPEN) it hands the link to the operator.
        const subscribeUrl = source === 'cloudwatch' ? snsSubscribeUrl(body) : undefined;
        if (subscribeUrl) await confirmSubscription(c, subscribeUrl);
        return c.json({ status: 'ignored', accepted: 0, duplicates: 0, alerts: [] }, 200);
      }
      const choice = chooseChannel(source, c.req.query('channel'), body, services.allowedChannels);
      if (!choice.ok) {
        return problem(c, {
          type: 'invalid-payload',
          title: 'Channel refused',
          status: 422,
          detail: choice.detail,
          field: choice.field,
          ...(choice.pointer !== undefined ? { pointer: choice.pointer } : {}),
        });
      }
      const summary = await receiveAlerts(services, parsed.alerts, choice.channel, c.get('requestId'));
      if (summary.accepted > 0) services.defer(services.drainOutbox);
      // 202: stored and queued for Slack. 200 for a pure redelivery: success, so the sender stops retrying.
      return c.json(
        { status: summary.accepted > 0 ? 'accepted' : 'duplicate', ...summary },
        summary.accepted > 0 ? 202 : 200,
      );
    },
  );
  return app;
}

async function confirmSubscription(c: Context<Env>, subscribeUrl: string): Promise<void> {
  const { logger, sns } = c.var.services;
  const verified = verifiedSnsMessage(c);
  if (verified?.Type !== 'SubscriptionConfirmation' || verified.SubscribeURL !== subscribeUrl) {
    logger.warn(
      { subscribeUrl },
      'SNS asks to confirm the subscription: open this URL once to start receiving alarms (its signature was not checked, so apierr does not open it itself)',
    );
    return;
  }
  try {
    await (sns ?? fetchSnsPort).confirmSubscription(subscribeUrl);
    logger.info({ topic: verified.TopicArn }, 'confirmed the SNS subscription: alarms from this topic will arrive');
  } catch (error) {
    logger.warn(
      { subscribeUrl, topic: verified.TopicArn, reason: (error as Error).message },
      'could not confirm the SNS subscription: open this URL once to start receiving alarms',
    );
  }
}
