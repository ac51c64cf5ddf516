import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import type { ConfigError } from './errors.js';

const failureOf = (env: Record<string, string>): ConfigError => {
  try {
    parseConfig(env);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected parseConfig to fail');
};

describe('parseConfig: listening and channel routing', () => {
  it('listens nowhere, to apps only, at 0.5 confidence, and lets senders name any channel by default', () => {
    const config = parseConfig({});
    expect(config.listen).toEqual({ channels: [], people: false, minConfidence: 0.5 });
    expect(config.allowedChannels).toBeUndefined();
  });

  it('reads a comma list of channel ids, or * for every channel the bot is in', () => {
    expect(parseConfig({ SLACK_LISTEN_CHANNELS: 'C0123456789, G0123456789' }).listen.channels).toEqual([
      'C0123456789',
      'G0123456789',
    ]);
    expect(parseConfig({ SLACK_LISTEN_CHANNELS: '*' }).listen.channels).toBe('*');
    expect(parseConfig({ SLACK_ALLOWED_CHANNELS: 'C0123456789,C0987654321' }).allowedChannels).toEqual([
      'C0123456789',
      'C0987654321',
    ]);
  });

  it('reads SLACK_LISTEN_PEOPLE as a boolean and LISTEN_MIN_CONFIDENCE as a fraction', () => {
    const config = parseConfig({ SLACK_LISTEN_PEOPLE: 'true', LISTEN_MIN_CONFIDENCE: '0.7' });
    expect(config.listen.people).toBe(true);
    expect(config.listen.minConfidence).toBe(0.7);
  });

  it('stops the start naming the variable when a value is unusable', () => {
    expect(failureOf({ SLACK_LISTEN_CHANNELS: '#alerts' }).message).toContain('SLACK_LISTEN_CHANNELS');
    expect(failureOf({ SLACK_ALLOWED_CHANNELS: '*' }).message).toContain('SLACK_ALLOWED_CHANNELS');
    expect(failureOf({ SLACK_LISTEN_PEOPLE: 'maybe' }).message).toContain('SLACK_LISTEN_PEOPLE');
    expect(failureOf({ LISTEN_MIN_CONFIDENCE: '2' }).message).toContain('LISTEN_MIN_CONFIDENCE');
  });
});
