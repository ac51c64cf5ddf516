import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { ConfigError } from './errors.js';
import { describeWebhookDoors, logFrontDoor } from './security/webhook-auth.js';

const failure = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (error) {
    return error;
  }
  throw new Error('expected parseConfig to fail');
};

describe('parseConfig', () => {
  it('starts offline on the embedded SQLite default when nothing is set', () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.databasePath).toBe('./data/apierr.db');
    expect(config.slack).toBeUndefined();
    expect(config.retentionDays).toBe(90);
    expect(config.postIntervalMs).toBe(1000);
    expect(config.storm).toEqual({ threshold: 5, windowMs: 120_000 });
  });

  it('turns on Slack HTTP mode with a bot token and a signing secret', () => {
    const config = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      SLACK_ALERT_CHANNEL: 'C0123456789',
    });
    expect(config.slack).toMatchObject({
      botToken: 'xoxb-1',
      signingSecret: 's',
      appToken: undefined,
      apiUrl: 'https://slack.com/api/',
    });
    expect(config.alertChannel).toBe('C0123456789');
  });

  it('uses Socket Mode when an app token is set, without needing a signing secret', () => {
    expect(parseConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack?.appToken).toBe('xapp-1');
  });

  it('adds the trailing slash Slack API URLs need', () => {
    expect(
      parseConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'http://127.0.0.1:9/api' })
        .slack?.apiUrl,
    ).toBe('http://127.0.0.1:9/api/');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ RETENTION_DAYS: '0' }, 'RETENTION_DAYS'],
    [{ SLACK_BOT_TOKEN: 'not-a-token', SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET'],
    [{ SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' }, 'SLACK_APP_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'ftp://x' }, 'SLACK_API_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ STORM_THRESHOLD: '0' }, 'STORM_THRESHOLD'],
    [{ STORM_WINDOW_SECONDS: 'soon' }, 'STORM_WINDOW_SECONDS'],
    [{ SLACK_POST_INTERVAL_MS: '-1' }, 'SLACK_POST_INTERVAL_MS'],
    [{ WEBHOOK_TOKEN_GRAFNA: 't' }, 'WEBHOOK_TOKEN_GRAFNA'],
    [{ WEBHOOKS_OPEN: 'yes' }, 'WEBHOOKS_OPEN'],
    [{ WEBHOOKS_OPEN: 'grafana,nagios' }, 'WEBHOOKS_OPEN'],
    [{ GRAFANA_HMAC_HEADER: 'X-Sig' }, 'GRAFANA_HMAC_SECRET'],
    [{ GRAFANA_HMAC_TIMESTAMP_HEADER: 'X-Ts' }, 'GRAFANA_HMAC_SECRET'],
    [{ GRAFANA_HMAC_SECRET: 's', GRAFANA_HMAC_HEADER: 'X Sig' }, 'GRAFANA_HMAC_HEADER'],
    [{ GRAFANA_HMAC_SECRET: 's', GRAFANA_HMAC_TIMESTAMP_HEADER: 'X-Ts:' }, 'GRAFANA_HMAC_TIMESTAMP_HEADER'],
    [{ STANDARD_WEBHOOKS_SECRET: 'whsec_tooshort' }, 'STANDARD_WEBHOOKS_SECRET'],
    [{ STANDARD_WEBHOOKS_SECRET: 'whsec_!!!!' }, 'STANDARD_WEBHOOKS_SECRET'],
    [{ WEBHOOK_RATE_LIMIT: '-1' }, 'WEBHOOK_RATE_LIMIT'],
    [{ WEBHOOK_RATE_LIMIT: '1.5' }, 'WEBHOOK_RATE_LIMIT'],
    [{ WEBHOOK_RATE_LIMIT: 'lots' }, 'WEBHOOK_RATE_LIMIT'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'null' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'ops.example.com' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://ops.example.com/' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://ops.example.com/dashboard' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'ftp://ops.example.com' }, 'CORS_ORIGINS'],
  ])('stops the start on %o, naming %s', (env, variable) => {
    const error = failure(env);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toContain(variable);
  });
});

describe('parseConfig: the front door', () => {
  const STANDARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

  it('closes every webhook source when no secret is set, except CloudWatch, whose SNS signature needs none', () => {
    const { frontDoor } = parseConfig({});
    const { cloudwatch, ...others } = frontDoor.webhooks;
    expect(Object.values(others).every((a) => !a.token && !a.signature && !a.open)).toBe(true);
    expect(cloudwatch?.signature).toEqual({ kind: 'sns', topics: [] });
    expect(frontDoor.webhookRateLimit).toBe(6000);
    expect(frontDoor.corsOrigins).toEqual([]);
  });

  it('gives every source the shared WEBHOOK_TOKEN unless WEBHOOK_TOKEN_<SOURCE> overrides it', () => {
    const { frontDoor } = parseConfig({ WEBHOOK_TOKEN: 'shared', WEBHOOK_TOKEN_GRAFANA: 'grafana-only' });
    expect(frontDoor.webhooks.alertmanager?.token).toBe('shared');
    expect(frontDoor.webhooks.grafana?.token).toBe('grafana-only');
  });

  it('opens all sources with WEBHOOKS_OPEN=true, or only the listed ones', () => {
    expect(Object.values(parseConfig({ WEBHOOKS_OPEN: 'true' }).frontDoor.webhooks).every((a) => a.open)).toBe(true);
    const listed = parseConfig({ WEBHOOKS_OPEN: 'Generic, datadog' }).frontDoor.webhooks;
    expect(
      Object.entries(listed)
        .filter(([, a]) => a.open)
        .map(([s]) => s)
        .sort(),
    ).toEqual(['datadog', 'generic']);
    expect(Object.values(parseConfig({ WEBHOOKS_OPEN: 'false' }).frontDoor.webhooks).some((a) => a.open)).toBe(false);
  });

  it('signs Grafana with the default header, or the configured header and timestamp header', () => {
    expect(parseConfig({ GRAFANA_HMAC_SECRET: 'h' }).frontDoor.webhooks.grafana?.signature).toEqual({
      kind: 'grafana-hmac',
      secret: 'h',
      header: 'X-Grafana-Alerting-Signature',
      timestampHeader: undefined,
    });
    const custom = parseConfig({
      GRAFANA_HMAC_SECRET: 'h',
      GRAFANA_HMAC_HEADER: 'X-Grafana-Alert-Signature',
      GRAFANA_HMAC_TIMESTAMP_HEADER: 'X-Grafana-Alerting-Timestamp',
    }).frontDoor.webhooks.grafana?.signature;
    expect(custom).toMatchObject({
      header: 'X-Grafana-Alert-Signature',
      timestampHeader: 'X-Grafana-Alerting-Timestamp',
    });
  });

  it('verifies Standard Webhooks on the generic source with the decoded whsec_ key', () => {
    const signature = parseConfig({ STANDARD_WEBHOOKS_SECRET: STANDARD_SECRET }).frontDoor.webhooks.generic?.signature;
    expect(signature?.kind).toBe('standard-webhooks');
    expect(signature?.kind === 'standard-webhooks' && signature.key.length).toBe(24);
  });

  it('turns the rate limit off with 0 and keeps exact CORS origins', () => {
    const { frontDoor } = parseConfig({
      WEBHOOK_RATE_LIMIT: '0',
      CORS_ORIGINS: 'https://ops.example.com, http://localhost:5173',
    });
    expect(frontDoor.webhookRateLimit).toBe(0);
    expect(frontDoor.corsOrigins).toEqual(['https://ops.example.com', 'http://localhost:5173']);
  });

  it('says which sources are signature-protected, token-protected, open and closed', () => {
    const { frontDoor } = parseConfig({
      WEBHOOK_TOKEN_ALERTMANAGER: 'a',
      GRAFANA_HMAC_SECRET: 'g',
      WEBHOOK_TOKEN_GRAFANA: 'g2',
      STANDARD_WEBHOOKS_SECRET: STANDARD_SECRET,
      WEBHOOKS_OPEN: 'datadog,alertmanager',
    });
    const doors = describeWebhookDoors(frontDoor.webhooks);
    expect(doors.signature.sort()).toEqual(['cloudwatch', 'generic', 'grafana']);
    expect(doors.token.sort()).toEqual(['alertmanager', 'grafana']);
    // alertmanager is listed in WEBHOOKS_OPEN but has a token: the token wins, and the log says so.
    expect(doors.open).toEqual(['datadog']);
    expect(doors.openIgnored).toEqual(['alertmanager']);
    expect(doors.closed.sort()).toEqual(['opsgenie', 'pagerduty', 'sentry']);
  });

  it('reads SENTRY_CLIENT_SECRET, PAGERDUTY_WEBHOOK_SECRET and SNS_TOPIC_ARNS', () => {
    const topic = 'arn:aws:sns:eu-west-1:123456789012:alarms';
    const { frontDoor } = parseConfig({
      SENTRY_CLIENT_SECRET: 's3',
      PAGERDUTY_WEBHOOK_SECRET: 'p4',
      SNS_TOPIC_ARNS: ` ${topic} ,`,
    });
    expect(frontDoor.webhooks.sentry?.signature).toEqual({ kind: 'sentry-hmac', secret: 's3' });
    expect(frontDoor.webhooks.pagerduty?.signature).toEqual({ kind: 'pagerduty-hmac', secret: 'p4' });
    expect(frontDoor.webhooks.cloudwatch?.signature).toEqual({ kind: 'sns', topics: [topic] });
    expect(() => parseConfig({ SNS_TOPIC_ARNS: 'alarms' })).toThrow(/SNS_TOPIC_ARNS/);
  });

  it('does not ask Sentry or SNS for the shared token once their signature is checked: they cannot send one', () => {
    const { frontDoor } = parseConfig({
      WEBHOOK_TOKEN: 'shared',
      SENTRY_CLIENT_SECRET: 's',
      WEBHOOKS_OPEN: 'cloudwatch',
    });
    const doors = describeWebhookDoors(frontDoor.webhooks);
    expect(doors.token).not.toContain('sentry');
    expect(doors.signature).toContain('sentry');
    // With WEBHOOK_TOKEN set, WEBHOOKS_OPEN=cloudwatch still has its effect (no SNS signature check).
    expect(doors.open).toEqual(['cloudwatch']);
    expect(doors.token).toContain('generic');
  });

  it('warns, naming them, about sources WEBHOOKS_OPEN names that a token keeps closed', () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_: object, message: string) => warnings.push(message) };
    logFrontDoor(logger, parseConfig({ WEBHOOK_TOKEN: 'shared', WEBHOOKS_OPEN: 'generic' }).frontDoor);
    expect(warnings.some((w) => w.includes('WEBHOOKS_OPEN names generic'))).toBe(true);
  });
});
