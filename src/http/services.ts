/**
 * What the HTTP app is built from. On Node the services exist once; on Workers they are made per request
 * from the bindings, so `createApp` takes a resolver too. Routes never read the environment themselves.
 * @module
 */
import type { Context } from 'hono';
import type { SourceParser } from '../core/alerts/alert.js';
import type { Defer } from '../core/ports.js';
import type { RateLimiter } from '../core/security/rate-limit.js';
import type { SnsPort } from '../core/security/sns-signature.js';
import type { FrontDoorConfig } from '../core/security/webhook-auth.js';
import type { CoreServices } from '../core/use-cases/services.js';
import type { MetricsEndpoint } from './routes/metrics.js';

export interface HttpServices extends CoreServices {
  /** Runs work after the answer: kicks the outbox on Node, `ctx.waitUntil` on Workers. */
  defer: Defer;
  /** Asks the outbox to deliver what is due now. */
  drainOutbox: () => Promise<void>;
  sources: Readonly<Record<string, SourceParser | undefined>>;
  /** Per-source webhook secrets and open sources, the webhook rate limit and the CORS origins. */
  frontDoor: FrontDoorConfig;
  apiToken: string | undefined;
  /** Handles `POST /slack/events` (Bolt's receiver on Node); undefined in offline mode. */
  slackEvents: ((request: Request) => Promise<Response>) | undefined;
  /** The peer's address, as the runtime knows it (for rate-limiting senders without a token). */
  clientAddress?: ((c: Context) => string | undefined) | undefined;
  /** A rate limiter shared by every isolate or replica; the app's in-memory one when absent. */
  rateLimiter?: RateLimiter | undefined;
  /** How Slack reaches apierr: over HTTP at /slack/events, over Socket Mode, or not at all (offline). */
  slackMode: 'http' | 'socket' | 'offline';
  /** `GET /metrics` on this app; undefined when metrics are served on METRICS_PORT instead (or nowhere). */
  metricsEndpoint?: MetricsEndpoint | undefined;
  /** SNS certificates and subscription confirmations; `fetch` to the SNS hosts when absent (tests pass a fake). */
  sns?: SnsPort | undefined;
}

export type ServicesResolver = (c: Context) => HttpServices | Promise<HttpServices>;
