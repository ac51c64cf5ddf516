import { describe, expect, it } from 'vitest';
import { alertsOf, errorOf, fixture, noHeaders } from '../../../../test/helpers/source-fixtures.js';
import { parseGeneric } from './generic.js';

describe('parseGeneric', () => {
  it('turns the documented shape into one alert keyed by its id', () => {
    const body = {
      id: 'deploy-42-checkout',
      title: 'checkout-api returns 502',
      message: 'upstream connect error or disconnect/reset before headers',
      status_code: 502,
      service: 'checkout-api',
      severity: 'critical',
      status: 'firing',
      url: 'https://status.example.com/checks/checkout-api',
      labels: { region: 'eu-west-1' },
    };

    expect(alertsOf(parseGeneric(body, noHeaders))).toEqual([
      {
        source: 'generic',
        dedupKey: 'generic:deploy-42-checkout',
        status: 'firing',
        title: 'checkout-api returns 502',
        description: 'upstream connect error or disconnect/reset before headers',
        service: 'checkout-api',
        severity: 'critical',
        statusCode: 502,
        url: 'https://status.example.com/checks/checkout-api',
        labels: { region: 'eu-west-1' },
      },
    ]);
  });

  it('needs only an id and a title, and treats the alert as firing by default', () => {
    const [alert] = alertsOf(parseGeneric({ id: 'a1', title: 'login fails' }, noHeaders));

    expect(alert).toMatchObject({ status: 'firing', description: '', labels: {} });
    expect(alert?.service).toBeUndefined();
    expect(alert?.statusCode).toBeUndefined();
  });

  it('treats null optional fields as absent', () => {
    const [alert] = alertsOf(
      parseGeneric({ id: 'a1', title: 'x', message: null, status_code: null, url: null, status: null }, noHeaders),
    );

    expect(alert).toMatchObject({ status: 'firing', description: '' });
  });

  it('gives a firing and a resolved alert with the same id the same dedup key', () => {
    const [firing] = alertsOf(parseGeneric({ id: 'a1', title: 'x' }, noHeaders));
    const [resolved] = alertsOf(parseGeneric({ id: 'a1', title: 'x', status: 'resolved' }, noHeaders));

    expect(resolved?.dedupKey).toBe(firing?.dedupKey);
    expect(resolved?.status).toBe('resolved');
  });

  it('takes the id from the Idempotency-Key header when the body has none', () => {
    const [alert] = alertsOf(parseGeneric({ title: 'x' }, { headers: { 'idempotency-key': 'key-7' } }));

    expect(alert?.dedupKey).toBe('generic:~h:key-7');
  });

  it('keeps header ids apart from body ids and from batch positions', () => {
    const [fromHeader] = alertsOf(parseGeneric({ title: 'x' }, { headers: { 'idempotency-key': 'B:0' } }));
    const [fromBatch] = alertsOf(parseGeneric([{ title: 'x' }], { headers: { 'idempotency-key': 'B' } }));
    const [fromBody] = alertsOf(parseGeneric({ id: 'B:0', title: 'x' }, noHeaders));
    const [lookalike] = alertsOf(parseGeneric({ id: '~h:B%3A0', title: 'x' }, noHeaders));
    const keys = [fromHeader?.dedupKey, fromBatch?.dedupKey, fromBody?.dedupKey, lookalike?.dedupKey];
    expect(new Set(keys).size).toBe(4);
  });

  it('reads only the signed webhook-id when the request is signed, never Idempotency-Key', () => {
    const headers = { 'webhook-id': 'msg_signed', 'idempotency-key': 'someone-elses-alert' };
    const [alert] = alertsOf(parseGeneric({ title: 'x' }, { headers, signedIds: true }));
    expect(alert?.dedupKey).toBe('generic:~h:msg_signed');
    const unsignedOnly = parseGeneric({ title: 'x' }, { headers: { 'idempotency-key': 'k' }, signedIds: true });
    expect(errorOf(unsignedOnly).pointer).toBe('/id');
  });

  it('takes the id from the Standard Webhooks webhook-id header as a last resort', () => {
    const [alert] = alertsOf(parseGeneric({ title: 'x' }, { headers: { 'webhook-id': 'msg_2zY7Qp1X' } }));
    const [preferred] = alertsOf(
      parseGeneric({ title: 'x' }, { headers: { 'webhook-id': 'msg_2zY7Qp1X', 'idempotency-key': 'key-7' } }),
    );

    expect(alert?.dedupKey).toBe('generic:~h:msg_2zY7Qp1X');
    expect(preferred?.dedupKey).toBe('generic:~h:key-7');
  });

  it('prefers the id in the body over any header', () => {
    const [alert] = alertsOf(parseGeneric({ id: 'a1', title: 'x' }, { headers: { 'idempotency-key': 'key-7' } }));

    expect(alert?.dedupKey).toBe('generic:a1');
  });

  it('asks for an id or an Idempotency-Key header when there is neither', () => {
    const error = errorOf(parseGeneric({ title: 'x' }, noHeaders));

    expect(error.pointer).toBe('/id');
    expect(error.message).toMatch(/"id".*Idempotency-Key/);
  });

  it('rejects a blank id instead of falling back to a header', () => {
    expect(errorOf(parseGeneric({ id: '  ', title: 'x' }, { headers: { 'idempotency-key': 'k' } })).pointer).toBe(
      '/id',
    );
  });

  it('accepts an integer id', () => {
    expect(alertsOf(parseGeneric({ id: 42, title: 'x' }, noHeaders))[0]?.dedupKey).toBe('generic:42');
  });

  it('accepts a batch in which every element has its own id', () => {
    const alerts = alertsOf(
      parseGeneric(
        [
          { id: 'a1', title: 'first' },
          { id: 'a2', title: 'second', status: 'resolved' },
        ],
        noHeaders,
      ),
    );

    expect(alerts.map((alert) => [alert.dedupKey, alert.status])).toEqual([
      ['generic:a1', 'firing'],
      ['generic:a2', 'resolved'],
    ]);
  });

  it('numbers a batch header key by position, letting an element id win', () => {
    const alerts = alertsOf(
      parseGeneric([{ title: 'first' }, { id: 'own', title: 'second' }, { title: 'third' }], {
        headers: { 'idempotency-key': 'batch-9' },
      }),
    );

    expect(alerts.map((alert) => alert.dedupKey)).toEqual([
      'generic:~h:batch-9:0',
      'generic:own',
      'generic:~h:batch-9:2',
    ]);
  });

  it('points into the batch element that is wrong', () => {
    expect(errorOf(parseGeneric([{ id: 'a1', title: 'ok' }, { id: 'a2' }], noHeaders)).pointer).toBe('/1/title');
    expect(errorOf(parseGeneric([{ id: 'a1', title: 'ok' }, { title: 'no id' }], noHeaders)).pointer).toBe('/1/id');
    expect(errorOf(parseGeneric([{ id: 'a1', title: 'ok' }, 'text'], noHeaders)).pointer).toBe('/1');
  });

  it('accepts an empty batch as nothing to do', () => {
    expect(parseGeneric([], noHeaders)).toEqual({ ok: true, alerts: [] });
  });

  it('points at the field that has the wrong type or value', () => {
    const pointer = (body: Record<string, unknown>) =>
      errorOf(parseGeneric({ id: 'a1', title: 'x', ...body }, noHeaders)).pointer;

    expect(pointer({ title: '' })).toBe('/title');
    expect(pointer({ title: 7 })).toBe('/title');
    expect(pointer({ status_code: 700 })).toBe('/status_code');
    expect(pointer({ status_code: 502.5 })).toBe('/status_code');
    expect(pointer({ status_code: '502' })).toBe('/status_code');
    expect(pointer({ status: 'ok' })).toBe('/status');
    expect(pointer({ url: 'javascript:alert(1)' })).toBe('/url');
    expect(pointer({ url: 'not a url' })).toBe('/url');
    expect(pointer({ labels: { region: 1 } })).toBe('/labels/region');
    expect(pointer({ id: 4.2 })).toBe('/id');
  });

  it('points at the whole body ("") when it is neither an object nor an array', () => {
    for (const body of [null, 'alert', 42, false, undefined]) {
      expect(errorOf(parseGeneric(body, noHeaders)).pointer).toBe('');
    }
  });

  it('rejects a Standard Webhooks envelope that does not carry the documented fields', () => {
    // The Standard Webhooks spec fixes headers and signatures, not the body: producers must send this shape.
    const error = errorOf(
      parseGeneric(fixture('standardwebhooks-firing.json'), {
        headers: { 'webhook-id': 'msg_2zY7Qp1Xv8Kd3Lm9Nc4Rt6Wb0Ha' },
      }),
    );

    expect(error.pointer).toBe('/title');
  });
});
