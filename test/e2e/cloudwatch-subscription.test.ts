import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/ports.js';
import { startTestApp, webhookFixture } from '../helpers/app-harness.js';

describe('a CloudWatch alarm topic (SNS)', () => {
  it('answers the subscription confirmation and logs the link that confirms it', async () => {
    const warnings: { fields: object; message: string }[] = [];
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      error: () => {},
      warn: (fields, message) => warnings.push({ fields, message }),
    };
    const app = await startTestApp({ start: { logger } });
    try {
      const body = webhookFixture('cloudwatch-sns-confirm.json');
      const res = await app.webhook('cloudwatch', body, { 'content-type': 'text/plain; charset=UTF-8' });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ignored', accepted: 0 });
      const subscribeUrl = JSON.parse(body).SubscribeURL as string;
      expect(warnings).toContainEqual({
        fields: { subscribeUrl },
        message: expect.stringContaining('confirm the subscription'),
      });
    } finally {
      await app.close();
    }
  });
});
