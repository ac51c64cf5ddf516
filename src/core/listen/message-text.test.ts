import { describe, expect, it } from 'vitest';
import {
  alertmanagerMessage,
  datadogMessage,
  grafanaMessage,
  pagerdutyMessage,
  personMessage,
  sentryMessage,
} from '../../../test/fixtures/listened-messages.js';
import { alertKey, cleanMrkdwn, readMessage } from './message-text.js';

describe('reading an alert out of another tool’s Slack message', () => {
  it('reads Alertmanager’s default attachment: the title without [FIRING:2], the text and fields below', () => {
    const read = readMessage(alertmanagerMessage('1.000100'));
    expect(read).toMatchObject({ title: 'HighErrorRate (checkout-api critical)', status: 'firing' });
    expect(read?.description).toContain('503 Service Unavailable');
  });

  it('gives the firing and the [RESOLVED] message of one alert the same key', () => {
    const firing = readMessage(alertmanagerMessage('1.000100', 'firing', 3));
    const resolved = readMessage(alertmanagerMessage('2.000100', 'resolved'));
    expect(resolved?.status).toBe('resolved');
    expect(resolved?.key).toBe(firing?.key);
  });

  it('reads Grafana’s attachment, Datadog’s and PagerDuty’s sections and Sentry’s rich text', () => {
    expect(readMessage(grafanaMessage('1.1'))?.title).toBe('Gateway timeouts edge-proxy (payments)');
    expect(readMessage(grafanaMessage('1.1'))?.description).toContain('504 Gateway Timeout');
    expect(readMessage(datadogMessage('1.1'))).toMatchObject({
      title: '[P2] Auth API 401 rate high on auth-service',
      status: 'firing',
    });
    expect(readMessage(sentryMessage('1.1'))?.title).toBe(
      'CORS blocked: No Access-Control-Allow-Origin header on api.example.com',
    );
    expect(readMessage(pagerdutyMessage('1.1'))?.title).toContain('429 Too Many Requests');
    expect(readMessage(pagerdutyMessage('1.1'))?.description).toContain('payments-api');
    expect(readMessage(personMessage('1.1'))?.title).toContain('503 Service Unavailable');
  });

  it('reads Datadog’s Recovered and Grafana’s [OK] as resolved', () => {
    expect(readMessage({ text: 'Recovered: [P2] Auth API 401 rate high' })?.status).toBe('resolved');
    expect(readMessage({ text: '[OK] Gateway timeouts' })?.status).toBe('resolved');
    expect(readMessage({ text: 'Triggered: [P2] Auth API 401 rate high' })?.status).toBe('firing');
  });

  it('turns mrkdwn into words: link labels kept, emoji and markup dropped', () => {
    expect(cleanMrkdwn(':red_circle: *<https://x.example/1|Checkout 503>* &amp; more')).toBe('Checkout 503 & more');
    expect(alertKey('#4821: Payments API 429')).toBe('payments api 429');
  });

  it('finds nothing in an empty message', () => {
    expect(readMessage({ text: '', blocks: [] })).toBeUndefined();
  });
});
