import { describe, expect, it } from 'vitest';
import { readSlackFixture } from './slack-fixtures.js';
import { eventBody, interactivityBody, reactionEvent, signSlackRequest, slashCommandBody } from './slack-signing.js';

interface Vector {
  file: string | null;
  body?: string;
  signing_secret: string;
  'X-Slack-Request-Timestamp': string;
  'X-Slack-Signature': string;
}

const { vectors } = JSON.parse(readSlackFixture('signatures.json')) as { vectors: Vector[] };

describe('signSlackRequest', () => {
  it("reproduces Slack's official known-answer vector", () => {
    const official = vectors.find((v) => v.file === null);
    expect(official?.body).toBeDefined();
    const headers = signSlackRequest({
      signingSecret: official?.signing_secret ?? '',
      body: official?.body ?? '',
      timestamp: official?.['X-Slack-Request-Timestamp'] ?? '',
    });
    expect(headers).toEqual({
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    });
  });

  it.each(vectors.filter((v) => v.file !== null))('reproduces the signature of $file over its exact bytes', (v) => {
    const headers = signSlackRequest({
      signingSecret: v.signing_secret,
      body: Buffer.from(readSlackFixture(v.file ?? '')),
      timestamp: Number(v['X-Slack-Request-Timestamp']),
    });
    expect(headers['x-slack-signature']).toBe(v['X-Slack-Signature']);
  });

  it('stamps the current time when no timestamp is given', () => {
    const now = Math.floor(Date.now() / 1000);
    const ts = Number(signSlackRequest({ signingSecret: 's', body: '' })['x-slack-request-timestamp']);
    expect(Math.abs(ts - now)).toBeLessThanOrEqual(1);
  });
});

describe('body builders', () => {
  it('build the slash command fixture byte for byte from the defaults', () => {
    expect(slashCommandBody()).toBe(readSlackFixture('slash-command.txt'));
  });

  it('let a slash command override fields such as text and response_url', () => {
    const params = new URLSearchParams(
      slashCommandBody({ text: 'explain 429 *now*', response_url: 'http://127.0.0.1:1/response/a' }),
    );
    expect(params.get('text')).toBe('explain 429 *now*');
    expect(params.get('response_url')).toBe('http://127.0.0.1:1/response/a');
    expect(params.get('command')).toBe('/alerts');
  });

  it.each([
    ['block-actions.json', 'block-actions.form.txt'],
    ['message-action.json', 'message-action.form.txt'],
  ])('encode the %s payload exactly like %s', (json, form) => {
    expect(interactivityBody(JSON.parse(readSlackFixture(json)))).toBe(readSlackFixture(form));
  });

  it('wrap an event in the event_callback envelope of the reaction fixture', () => {
    const fixture = JSON.parse(readSlackFixture('reaction-added.json'));
    const built = JSON.parse(
      eventBody(fixture.event, {
        event_id: fixture.event_id,
        event_time: fixture.event_time,
        event_context: fixture.event_context,
      }),
    );
    expect(built).toEqual(fixture);
  });

  it('build reaction events that match the fixtures and get a fresh event_id each time', () => {
    for (const [file, type] of [
      ['reaction-added.json', 'reaction_added'],
      ['reaction-removed.json', 'reaction_removed'],
    ] as const) {
      const fixture = JSON.parse(readSlackFixture(file));
      const built = JSON.parse(
        reactionEvent({
          type,
          reaction: 'white_check_mark',
          channel: 'C07ALERTS01',
          ts: '1749548491.204519',
          eventTs: fixture.event.event_ts,
          eventId: fixture.event_id,
        }),
      );
      expect(built).toEqual({ ...fixture, event_time: built.event_time, event_context: built.event_context });
    }
    const ids = new Set(
      [1, 2, 3].map(() => JSON.parse(reactionEvent({ reaction: 'x', channel: 'C', ts: '1.2' })).event_id),
    );
    expect(ids.size).toBe(3);
  });
});
