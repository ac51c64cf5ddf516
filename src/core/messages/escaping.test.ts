import { describe, expect, it } from 'vitest';
import type { StoredAlert } from '../ports.js';
import { renderAlertExplanation, renderAlertParent } from './alert-messages.js';
import { escapeMrkdwn, fallbackText, LIMITS, mrkdwnLink, safeUrl } from './blocks.js';
import { renderNoMatch } from './command-messages.js';

function storedAlert(overrides: Partial<StoredAlert> = {}): StoredAlert {
  return {
    id: 1,
    source: 'generic',
    dedupKey: 'generic:1',
    status: 'firing',
    title: 'x',
    description: '',
    labels: {},
    teamId: undefined,
    channel: undefined,
    parentTs: undefined,
    explanationTs: undefined,
    entryId: undefined,
    confidence: undefined,
    fixOrder: [],
    firstSeenAt: 0,
    lastSeenAt: 0,
    resolvedAt: undefined,
    repeatCount: 0,
    parentPostingAt: undefined,
    explanationPostingAt: undefined,
    digestId: undefined,
    ackedBy: undefined,
    ackedAt: undefined,
    silenceId: undefined,
    silencedUntil: undefined,
    ...overrides,
  };
}

describe('escaping what senders write', () => {
  it('turns &, < and > into entities and drops bidi overrides and zero-width characters', () => {
    expect(escapeMrkdwn('<!channel> a & b <@U1>')).toBe('&lt;!channel&gt; a &amp; b &lt;@U1&gt;');
    expect(escapeMrkdwn('ad\u202Emin\u200B\u2066x\uFEFF')).toBe('adminx');
  });

  it('escapes the notification text of a parent, not only its blocks', () => {
    const parent = renderAlertParent(storedAlert({ title: '<!channel> x', service: '<!here>' }), undefined, 0);
    expect(parent.text).toBe('Firing: &lt;!channel&gt; x (&lt;!here&gt;)');
    expect(JSON.stringify(parent)).not.toMatch(/<!/);
  });

  it('escapes the "no match" notification text', () => {
    expect(renderNoMatch('<!everyone> help', []).text).not.toContain('<!');
    const explanation = renderAlertExplanation(storedAlert({ title: '<!everyone>' }), undefined, undefined, [], []);
    expect(explanation.text).not.toContain('<!');
  });

  it('keeps the notification text within what Slack accepts', () => {
    const parent = renderAlertParent(storedAlert({ title: 'x'.repeat(300_000) }), undefined, 0);
    expect(parent.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    expect(fallbackText('short')).toBe('short');
  });
});

describe('links from payloads', () => {
  it('percent-encodes what would end the link or start a mention', () => {
    expect(mrkdwnLink('https://a.example/x|y><!channel>', 'Open')).toBe(
      '<https://a.example/x%7Cy%3E%3C!channel%3E|Open>',
    );
    expect(safeUrl('https://a.example/?q=a|b')).toBe('https://a.example/?q=a%7Cb');
  });

  it('drops links that are not absolute http(s) URLs', () => {
    for (const url of [
      'javascript:alert(1)',
      '/relative/path',
      '?orgId=1',
      'slack://channel?id=C1',
      'https://user:pw@a.example/',
      'mailto:x@y.z',
      `https://a.example/${'x'.repeat(4000)}`,
    ]) {
      expect(safeUrl(url)).toBeUndefined();
      expect(mrkdwnLink(url, 'Open <in> x')).toBe('Open &lt;in&gt; x');
    }
  });

  it('says where a parent came from, without a dead link, when the URL is relative', () => {
    const parent = renderAlertParent(storedAlert({ url: '?orgId=1', source: 'grafana' }), undefined, 0);
    expect(JSON.stringify(parent)).toContain('from grafana');
    expect(JSON.stringify(parent)).not.toContain('Open in grafana');
  });

  it('links a parent only through the checked URL', () => {
    const parent = renderAlertParent(
      storedAlert({ url: 'https://grafana.example/d/x|evil><!channel>', source: 'grafana' }),
      undefined,
      0,
    );
    const text = JSON.stringify(parent);
    expect(text).toContain('<https://grafana.example/d/x%7Cevil%3E%3C!channel%3E|Open in grafana>');
    expect(text).not.toContain('<!channel>');
  });
});
