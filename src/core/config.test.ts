import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { ConfigError } from './errors.js';

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
  ])('stops the start on %o, naming %s', (env, variable) => {
    const error = failure(env);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toContain(variable);
  });
});
