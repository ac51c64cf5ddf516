/**
 * Configuration parsed once, from a plain record (the environment on Node, the env bindings on Workers).
 * A present but unusable value stops the start with the variable's name; absent values take defaults.
 * @module
 */
import { SOURCE_NAMES } from './alerts/sources/index.js';
import { ConfigError } from './errors.js';
import { parseFrontDoor } from './security/front-door-config.js';
import type { FrontDoorConfig } from './security/webhook-auth.js';

export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  /** Socket Mode instead of HTTP when set. */
  appToken: string | undefined;
  apiUrl: string;
  alertChannel: string | undefined;
}

export interface Config {
  port: number;
  databasePath: string;
  /** Undefined = offline mode: Slack calls are logged as the Block Kit they would send. */
  slack: SlackConfig | undefined;
  /** Where alerts go when Slack is offline or no channel is set; the name shows in logs. */
  alertChannel: string;
  /** The shared webhook bearer token; per-source overrides and signatures are in `frontDoor`. */
  webhookToken: string | undefined;
  /** Who may send webhooks (per source), how fast, and which browser origins may call `/api/*`. */
  frontDoor: FrontDoorConfig;
  apiToken: string | undefined;
  /** Alerts older than this many days lose their stored payload; fix outcomes are kept. */
  retentionDays: number;
  /** Milliseconds between Slack posts to one channel: Slack allows about one message per second. */
  postIntervalMs: number;
  /** More than `threshold` alerts of one pattern in one channel within `windowMs` share one digest message. */
  storm: { threshold: number; windowMs: number };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Reading other tools' alert messages in Slack (off unless SLACK_LISTEN_CHANNELS is set). */
  listen: ListenConfig;
  /** Channels webhook senders may name (`?channel=`, a `channel` field); undefined = any channel id. */
  allowedChannels: readonly string[] | undefined;
  /** `GET /metrics`: a bearer token scrapers must present (undefined = open), and a port of its own if asked. */
  metrics: { token: string | undefined; port: number | undefined };
  /** A team's folder of knowledge entries added to the bundled ones at start (Node); undefined = bundled only. */
  knowledgeDir: string | undefined;
  /** Where "Silence…" creates silences (Alertmanager's v2 API); undefined = no silence control. */
  alertmanager: AlertmanagerConfig | undefined;
}

export interface AlertmanagerConfig {
  /** Base URL, ending in `/` (`http://alertmanager:9093/`). */
  url: string;
  /** `Authorization` header value: `Bearer <token>` or `Basic <base64(user:password)>`. */
  authorization: string | undefined;
}

export interface ListenConfig {
  /** Channel ids to read, '*' for every channel the bot is a member of, or none (off). */
  channels: readonly string[] | '*';
  /** Also read messages people post (not only apps and integrations). */
  people: boolean;
  /** A message is answered only when its best match is at least this confident (0-1). */
  minConfidence: number;
}

/** A Slack conversation id: C (public), G (private, legacy) or D (direct), then 8+ upper-case letters or digits. */
export const CHANNEL_ID = /^[CGD][A-Z0-9]{8,}$/;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const botToken = get('SLACK_BOT_TOKEN');
  const signingSecret = get('SLACK_SIGNING_SECRET');
  const appToken = get('SLACK_APP_TOKEN');
  if (botToken && !botToken.startsWith('xoxb-') && !botToken.startsWith('xoxp-')) {
    throw new ConfigError('SLACK_BOT_TOKEN', 'a bot token starts with "xoxb-"');
  }
  if (appToken && !appToken.startsWith('xapp-'))
    throw new ConfigError('SLACK_APP_TOKEN', 'an app-level token starts with "xapp-"');
  if (appToken && !botToken) throw new ConfigError('SLACK_BOT_TOKEN', 'is required when SLACK_APP_TOKEN is set');
  if (botToken && !signingSecret && !appToken) {
    throw new ConfigError(
      'SLACK_SIGNING_SECRET',
      'is required with SLACK_BOT_TOKEN in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (signingSecret && !botToken)
    throw new ConfigError('SLACK_BOT_TOKEN', 'is required when SLACK_SIGNING_SECRET is set');

  const apiUrl = parseUrl('SLACK_API_URL', get('SLACK_API_URL') ?? 'https://slack.com/api/');
  const alertChannel = get('SLACK_ALERT_CHANNEL');
  if (alertChannel && !/^[A-Z0-9]{8,}$|^#?[a-z0-9][a-z0-9._-]*$/.test(alertChannel)) {
    throw new ConfigError('SLACK_ALERT_CHANNEL', 'use a channel id such as C0123456789');
  }

  const logLevel = get('LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const port = parseInteger('PORT', get('PORT'), 3000, 0, 65535);
  const metricsPort = get('METRICS_PORT');
  const metrics = {
    token: get('METRICS_TOKEN'),
    port: metricsPort === undefined ? undefined : parseInteger('METRICS_PORT', metricsPort, 0, 0, 65535),
  };
  if (metrics.port !== undefined && metrics.port !== 0 && metrics.port === port) {
    throw new ConfigError('METRICS_PORT', 'must differ from PORT (leave it unset to serve /metrics on PORT)');
  }

  return {
    port,
    databasePath: get('DATABASE_PATH') ?? './data/apierr.db',
    slack: botToken
      ? {
          botToken,
          signingSecret: signingSecret ?? '',
          appToken,
          apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
          alertChannel,
        }
      : undefined,
    alertChannel: alertChannel ?? 'offline-alerts',
    webhookToken: get('WEBHOOK_TOKEN'),
    frontDoor: parseFrontDoor(env, SOURCE_NAMES),
    apiToken: get('API_TOKEN'),
    retentionDays: parseInteger('RETENTION_DAYS', get('RETENTION_DAYS'), 90, 1, 36500),
    postIntervalMs: parseInteger('SLACK_POST_INTERVAL_MS', get('SLACK_POST_INTERVAL_MS'), 1000, 0, 60_000),
    storm: {
      threshold: parseInteger('STORM_THRESHOLD', get('STORM_THRESHOLD'), 5, 1, 1_000_000),
      windowMs: parseInteger('STORM_WINDOW_SECONDS', get('STORM_WINDOW_SECONDS'), 120, 1, 86_400) * 1000,
    },
    logLevel: logLevel as Config['logLevel'],
    metrics,
    listen: {
      channels: parseChannelList('SLACK_LISTEN_CHANNELS', get('SLACK_LISTEN_CHANNELS'), true) ?? [],
      people: parseBoolean('SLACK_LISTEN_PEOPLE', get('SLACK_LISTEN_PEOPLE'), false),
      minConfidence: parseFraction('LISTEN_MIN_CONFIDENCE', get('LISTEN_MIN_CONFIDENCE'), 0.5),
    },
    allowedChannels: parseChannelList('SLACK_ALLOWED_CHANNELS', get('SLACK_ALLOWED_CHANNELS'), false) as
      | string[]
      | undefined,
    knowledgeDir: get('KNOWLEDGE_DIR'),
    alertmanager: parseAlertmanager(get),
  };
}

function parseAlertmanager(get: (name: string) => string | undefined): AlertmanagerConfig | undefined {
  const raw = get('ALERTMANAGER_URL');
  const token = get('ALERTMANAGER_TOKEN');
  const basic = get('ALERTMANAGER_BASIC_AUTH');
  if (!raw) {
    if (token) throw new ConfigError('ALERTMANAGER_URL', 'is required when ALERTMANAGER_TOKEN is set');
    if (basic) throw new ConfigError('ALERTMANAGER_URL', 'is required when ALERTMANAGER_BASIC_AUTH is set');
    return undefined;
  }
  if (token && basic) throw new ConfigError('ALERTMANAGER_BASIC_AUTH', 'set either it or ALERTMANAGER_TOKEN, not both');
  if (basic && !/^[^:]+:.+$/.test(basic))
    throw new ConfigError('ALERTMANAGER_BASIC_AUTH', 'use the form user:password');
  const url = parseUrl('ALERTMANAGER_URL', raw);
  return {
    url: url.endsWith('/') ? url : `${url}/`,
    authorization: token
      ? `Bearer ${token}`
      : basic
        ? `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(basic)))}`
        : undefined,
  };
}

function parseChannelList(name: string, raw: string | undefined, star: boolean): string[] | '*' | undefined {
  if (raw === undefined) return undefined;
  if (star && raw === '*') return '*';
  const ids = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const bad = ids.find((id) => !CHANNEL_ID.test(id));
  if (bad !== undefined || ids.length === 0)
    throw new ConfigError(
      name,
      `"${bad ?? raw}" is not a channel id: use comma-separated ids such as C0123456789${star ? ', or *' : ''}`,
    );
  return ids;
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, `"${raw}" is not true or false`);
}

function parseFraction(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new ConfigError(name, `"${raw}" is not a number from 0 to 1`);
  return value;
}

function parseInteger(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `"${raw}" is not a whole number from ${min} to ${max}`);
  }
  return value;
}

function parseUrl(name: string, raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url.href;
  } catch {
    throw new ConfigError(name, `"${raw}" is not an http(s) URL`);
  }
}
