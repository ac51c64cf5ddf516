/**
 * The front door's part of the configuration: per-source webhook secrets, which sources are open, the
 * webhook rate limit and the CORS origins. Part of `parseConfig`; like it, it stops the start with the
 * name of the variable at fault.
 * @module
 * @example
 * const frontDoor = parseFrontDoor({ WEBHOOK_TOKEN: 's3cret', GRAFANA_HMAC_SECRET: 'h' }, SOURCE_NAMES);
 * frontDoor.webhooks.grafana; // { token: 's3cret', signature: { kind: 'grafana-hmac', ... }, open: false }
 */
import { ConfigError } from '../errors.js';
import { parseStandardWebhooksSecret } from './standard-webhooks.js';
import type { FrontDoorConfig, SignatureScheme, WebhookAuth } from './webhook-auth.js';

/** The header Grafana's UI suggests; set GRAFANA_HMAC_HEADER to match what the contact point uses. */
export const DEFAULT_GRAFANA_HMAC_HEADER = 'X-Grafana-Alerting-Signature';
/** High enough that an Alertmanager or Grafana in an alert storm is never refused (they batch alerts). */
export const DEFAULT_WEBHOOK_RATE_LIMIT = 6000;

/** Which source each signing secret protects: the sources that sign their requests with a shared secret. */
const SIGNED_SOURCES = {
  grafana: 'GRAFANA_HMAC_SECRET',
  generic: 'STANDARD_WEBHOOKS_SECRET',
  sentry: 'SENTRY_CLIENT_SECRET',
  pagerduty: 'PAGERDUTY_WEBHOOK_SECRET',
} as const;

/** An SNS topic ARN: `arn:<partition>:sns:<region>:<account>:<name>`. */
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/;

// RFC 9110 field-name: a token.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

type Env = Readonly<Record<string, string | undefined>>;

export function parseFrontDoor(env: Env, sources: readonly string[]): FrontDoorConfig {
  const get = (name: string): string | undefined => env[name]?.trim() || undefined;
  const tokens = perSourceTokens(env, sources);
  const opened = parseOpen(get('WEBHOOKS_OPEN'), sources);
  const signatures = signatureSchemes(get);
  const shared = get('WEBHOOK_TOKEN');

  const webhooks: Record<string, WebhookAuth> = Object.create(null);
  for (const source of sources) {
    webhooks[source] = {
      token: tokens.get(source) ?? shared,
      signature: signatures.get(source),
      open: opened.has(source),
    };
  }
  return {
    webhooks,
    webhookRateLimit: parseRateLimit(get('WEBHOOK_RATE_LIMIT')),
    corsOrigins: parseOrigins(get('CORS_ORIGINS')),
  };
}

function perSourceTokens(env: Env, sources: readonly string[]): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('WEBHOOK_TOKEN_')) continue;
    const value = raw?.trim();
    if (!value) continue;
    const source = name.slice('WEBHOOK_TOKEN_'.length).toLowerCase();
    // A typo (WEBHOOK_TOKEN_GRAFNA) would leave the real source on the shared token, or closed, silently.
    if (!sources.includes(source)) {
      throw new ConfigError(
        name,
        `names no webhook source; use one of ${sources.map((s) => `WEBHOOK_TOKEN_${s.toUpperCase()}`).join(', ')}`,
      );
    }
    tokens.set(source, value);
  }
  return tokens;
}

function parseOpen(raw: string | undefined, sources: readonly string[]): Set<string> {
  if (raw === undefined || raw.toLowerCase() === 'false') return new Set();
  if (raw.toLowerCase() === 'true') return new Set(sources);
  const named = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  for (const source of named) {
    if (!sources.includes(source)) {
      throw new ConfigError(
        'WEBHOOKS_OPEN',
        `"${source}" is not a webhook source: use true, false, or a comma list of ${sources.join(', ')}`,
      );
    }
  }
  return new Set(named);
}

function signatureSchemes(get: (name: string) => string | undefined): Map<string, SignatureScheme> {
  const schemes = new Map<string, SignatureScheme>();

  const grafanaSecret = get(SIGNED_SOURCES.grafana);
  const header = headerName(get, 'GRAFANA_HMAC_HEADER');
  const timestampHeader = headerName(get, 'GRAFANA_HMAC_TIMESTAMP_HEADER');
  if (!grafanaSecret && (header || timestampHeader)) {
    throw new ConfigError(
      SIGNED_SOURCES.grafana,
      `is required when ${header ? 'GRAFANA_HMAC_HEADER' : 'GRAFANA_HMAC_TIMESTAMP_HEADER'} is set`,
    );
  }
  if (grafanaSecret) {
    schemes.set('grafana', {
      kind: 'grafana-hmac',
      secret: grafanaSecret,
      header: header ?? DEFAULT_GRAFANA_HMAC_HEADER,
      timestampHeader,
    });
  }

  const standard = get(SIGNED_SOURCES.generic);
  if (standard) {
    const key = parseStandardWebhooksSecret(standard);
    if (!key) {
      throw new ConfigError(
        SIGNED_SOURCES.generic,
        'must be whsec_ followed by base64 of a 24 to 64 byte key, as the webhook producer shows it',
      );
    }
    schemes.set('generic', { kind: 'standard-webhooks', key });
  }

  const sentry = get(SIGNED_SOURCES.sentry);
  if (sentry) schemes.set('sentry', { kind: 'sentry-hmac', secret: sentry });
  const pagerduty = get(SIGNED_SOURCES.pagerduty);
  if (pagerduty) schemes.set('pagerduty', { kind: 'pagerduty-hmac', secret: pagerduty });

  // SNS signs with Amazon's certificate: no secret to configure, so CloudWatch is always checked.
  schemes.set('cloudwatch', { kind: 'sns', topics: parseTopics(get('SNS_TOPIC_ARNS')) });
  return schemes;
}

function parseTopics(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((topic) => {
      if (!TOPIC_ARN.test(topic)) {
        throw new ConfigError(
          'SNS_TOPIC_ARNS',
          `"${topic}" is not an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:alarms`,
        );
      }
      return topic;
    });
}

function headerName(get: (name: string) => string | undefined, variable: string): string | undefined {
  const value = get(variable);
  if (value !== undefined && !HEADER_NAME.test(value)) {
    throw new ConfigError(variable, `"${value}" is not an HTTP header name`);
  }
  return value;
}

function parseRateLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_WEBHOOK_RATE_LIMIT;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value > 1_000_000) {
    throw new ConfigError(
      'WEBHOOK_RATE_LIMIT',
      `"${raw}" is not a whole number of requests per minute from 0 (no limit) to 1000000`,
    );
  }
  return value;
}

function parseOrigins(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    // A wildcard would let any page on the internet read the API's answers with a user's token.
    if (origin === '*' || origin === 'null') {
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not allowed: list each exact origin`);
    }
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin such as https://ops.example.com`);
    }
    if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== origin) {
      throw new ConfigError(
        'CORS_ORIGINS',
        `"${origin}" is not an exact origin: write it as ${parsed.origin === 'null' ? 'https://host[:port]' : parsed.origin} (scheme, host and port only)`,
      );
    }
    return origin;
  });
}
