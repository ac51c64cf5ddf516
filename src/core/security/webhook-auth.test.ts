import { describe, expect, it } from 'vitest';
import type { Logger } from '../ports.js';
import { type FrontDoorConfig, logFrontDoor, type WebhookAuth } from './webhook-auth.js';

const none: WebhookAuth = { token: undefined, signature: undefined, open: false };

function recordingLogger() {
  const lines: { level: string; fields: object; message: string }[] = [];
  const at =
    (level: string) =>
    (fields: object, message: string): void => {
      lines.push({ level, fields, message });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

describe('the start-up log of the front door', () => {
  const frontDoor: FrontDoorConfig = {
    webhooks: {
      alertmanager: { ...none, token: 't' },
      grafana: {
        ...none,
        signature: { kind: 'grafana-hmac', secret: 's', header: 'X-Sig', timestampHeader: undefined },
      },
      generic: { ...none, open: true },
      datadog: none,
    },
    webhookRateLimit: 0,
    corsOrigins: [],
  };

  it('says which sources are signature-protected, token-protected, open and closed', () => {
    const { logger, lines } = recordingLogger();
    logFrontDoor(logger, frontDoor);
    expect(lines[0]?.fields).toMatchObject({
      signatureProtected: ['grafana'],
      tokenProtected: ['alertmanager'],
      open: ['generic'],
      closed: ['datadog'],
      rateLimitPerMinute: 'off',
    });
  });

  it('warns about the open sources and the closed ones, by name', () => {
    const { logger, lines } = recordingLogger();
    logFrontDoor(logger, frontDoor);
    const warnings = lines.filter((line) => line.level === 'warn').map((line) => line.message);
    expect(warnings).toEqual([
      expect.stringContaining('WITHOUT any secret from: generic'),
      expect.stringContaining('refused with 401 from: datadog'),
    ]);
  });

  it('warns about nothing when every source has a secret', () => {
    const { logger, lines } = recordingLogger();
    logFrontDoor(logger, { ...frontDoor, webhooks: { alertmanager: { ...none, token: 't' } } });
    expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
  });
});
