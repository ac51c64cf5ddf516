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
import type { StandardWebhooksScheme } from './standard-webhooks.js';

export type SignatureScheme = GrafanaHmacScheme | StandardWebhooksScheme;

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

/** Accepted without any secret (opened, and nothing configured that would override that). */
export function isOpen(auth: WebhookAuth): boolean {
  return auth.token === undefined && auth.signature === undefined && auth.open;
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
}

/** Which sources are protected how: what the start-up log says, so an operator sees an open door at once. */
export function describeWebhookDoors(webhooks: FrontDoorConfig['webhooks']): WebhookDoors {
  const doors: WebhookDoors = { signature: [], token: [], open: [], closed: [] };
  for (const [source, auth] of Object.entries(webhooks)) {
    if (auth.signature) doors.signature.push(source);
    if (auth.token !== undefined) doors.token.push(source);
    if (isOpen(auth)) doors.open.push(source);
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
  if (doors.closed.length > 0) {
    logger.warn(
      { sources: doors.closed },
      `webhooks refused with 401 from: ${doors.closed.join(', ')}: no secret is configured for them (set WEBHOOK_TOKEN or WEBHOOK_TOKEN_<SOURCE>, or name them in WEBHOOKS_OPEN)`,
    );
  }
}
