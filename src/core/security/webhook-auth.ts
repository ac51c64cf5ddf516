/**
 * How each webhook source proves who it is: a bearer token, a signature, both, or (only when explicitly
 * opened) nothing. A source with no secret that nobody opened is closed: refused, never silently public.
 * @module
 * @example
 * const auth = frontDoor.webhooks.grafana;
 * if (!auth || isClosed(auth)) return unauthorized();
 */
import type { Logger } from '../ports.js';
import type { GrafanaHmacScheme } from './grafana-signature.js';
import type { PagerDutyHmacScheme } from './pagerduty-signature.js';
import type { SentryHmacScheme } from './sentry-signature.js';
import type { SnsScheme } from './sns-signature.js';
import type { StandardWebhooksScheme } from './standard-webhooks.js';

export type SignatureScheme =
  | GrafanaHmacScheme
  | StandardWebhooksScheme
  | SentryHmacScheme
  | PagerDutyHmacScheme
  | SnsScheme;

/**
 * Sources whose senders cannot send an `Authorization` header (Sentry's integration platform, Amazon SNS):
 * their signature is their authentication, so the shared `WEBHOOK_TOKEN` is not asked of them. A request
 * that does present the configured bearer token (a relay in front of apierr) is accepted in its place.
 */
export const TOKENLESS_SOURCES: ReadonlySet<string> = new Set(['sentry', 'cloudwatch']);

export interface WebhookAuth {
  /** The bearer token this source must present: `WEBHOOK_TOKEN_<SOURCE>`, else `WEBHOOK_TOKEN`. */
  token: string | undefined;
  /** The signature this source must carry, for sources that sign their requests. */
  signature: SignatureScheme | undefined;
  /** Named in `WEBHOOKS_OPEN`: accepted without any secret, but only while it has none configured. */
  open: boolean;
}

export interface FrontDoorConfig {
  /** Per source name; a source missing here is closed. */
  webhooks: Readonly<Record<string, WebhookAuth>>;
  /** Webhook requests per minute per sender; 0 turns the limit off. */
  webhookRateLimit: number;
  /** Exact origins allowed to call `/api/*` from a browser; empty = no CORS headers at all. */
  corsOrigins: readonly string[];
}

/** No token, no signature and not opened: every request is refused with 401. */
export function isClosed(auth: WebhookAuth): boolean {
  return auth.token === undefined && auth.signature === undefined && !auth.open;
}

/**
 * Accepted without any secret: opened, and nothing configured that would override that. SNS signatures
 * need no secret, so `WEBHOOKS_OPEN=cloudwatch` still turns their check off (a trial, or a relay that
 * re-serializes SNS's messages); a configured secret or token always wins over `WEBHOOKS_OPEN`.
 */
export function isOpen(auth: WebhookAuth, source = ''): boolean {
  if (!auth.open) return false;
  if (auth.signature !== undefined && auth.signature.kind !== 'sns') return false;
  return auth.token === undefined || TOKENLESS_SOURCES.has(source);
}

/** Whether a request without any `Authorization` header must be refused for want of the bearer token. */
export function requiresToken(auth: WebhookAuth, source: string): boolean {
  if (auth.token === undefined) return false;
  return !(TOKENLESS_SOURCES.has(source) && (auth.signature !== undefined || isOpen(auth, source)));
}

export interface WebhookDoors {
  /** Sources that must carry a valid signature. */
  signature: string[];
  /** Sources that must present a bearer token (a source can be in both lists). */
  token: string[];
  /** Sources accepted without any secret. */
  open: string[];
  /** Sources refused because nothing is configured for them. */
  closed: string[];
  /** Sources named in `WEBHOOKS_OPEN` that are not open, because a token or secret is configured for them. */
  openIgnored: string[];
}

/** Which sources are protected how: what the start-up log says, so an operator sees an open door at once. */
export function describeWebhookDoors(webhooks: FrontDoorConfig['webhooks']): WebhookDoors {
  const doors: WebhookDoors = { signature: [], token: [], open: [], closed: [], openIgnored: [] };
  for (const [source, auth] of Object.entries(webhooks)) {
    const open = isOpen(auth, source);
    if (auth.signature && !open) doors.signature.push(source);
    if (requiresToken(auth, source)) doors.token.push(source);
    if (open) doors.open.push(source);
    if (auth.open && !open) doors.openIgnored.push(source);
    if (isClosed(auth)) doors.closed.push(source);
  }
  return doors;
}

/**
 * The start-up lines about the front door: one summary, and a warning for each kind of door that needs
 * the operator's attention (open to anyone, or closed to everyone).
 */
export function logFrontDoor(logger: Logger, frontDoor: FrontDoorConfig): void {
  const doors = describeWebhookDoors(frontDoor.webhooks);
  logger.info(
    {
      signatureProtected: doors.signature,
      tokenProtected: doors.token,
      open: doors.open,
      closed: doors.closed,
      openIgnored: doors.openIgnored,
      rateLimitPerMinute: frontDoor.webhookRateLimit || 'off',
      corsOrigins: frontDoor.corsOrigins,
    },
    'webhook sources: signature-protected, token-protected, open and closed',
  );
  if (doors.open.length > 0) {
    logger.warn(
      { sources: doors.open },
      `webhooks accepted WITHOUT any secret from: ${doors.open.join(', ')} (WEBHOOKS_OPEN); use this only on a trusted network`,
    );
  }
  if (doors.openIgnored.length > 0) {
    logger.warn(
      { sources: doors.openIgnored },
      `WEBHOOKS_OPEN names ${doors.openIgnored.join(', ')}, but a token or signing secret is configured for them, which they must present: they are not open`,
    );
  }
  if (doors.closed.length > 0) {
    logger.warn(
      { sources: doors.closed },
      `webhooks refused with 401 from: ${doors.closed.join(', ')}: no secret is configured for them (set WEBHOOK_TOKEN or WEBHOOK_TOKEN_<SOURCE>, or name them in WEBHOOKS_OPEN)`,
    );
  }
}
