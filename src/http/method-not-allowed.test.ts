import { describe, expect, it } from 'vitest';
import { allowedMethods } from './method-not-allowed.js';

const routes = [
  { method: 'ALL', path: '*' },
  { method: 'GET', path: '/healthz' },
  { method: 'POST', path: '/webhooks/:source' },
  { method: 'ALL', path: '/api/*' },
  { method: 'POST', path: '/api/explain' },
  { method: 'GET', path: '/api/stats' },
];

describe('allowedMethods', () => {
  it('lists the methods a path has handlers for, with HEAD beside GET, ignoring middleware', () => {
    expect(allowedMethods(routes, '/webhooks/alertmanager')).toEqual(['POST']);
    expect(allowedMethods(routes, '/healthz')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods(routes, '/api/stats')).toEqual(['GET', 'HEAD']);
  });

  it('finds nothing for a path no handler serves, so the answer stays 404', () => {
    expect(allowedMethods(routes, '/webhooks/a/b')).toEqual([]);
    expect(allowedMethods(routes, '/nothing')).toEqual([]);
    expect(allowedMethods(routes, '/api/unknown')).toEqual([]);
  });

  it('treats route text literally, not as a regular expression', () => {
    expect(allowedMethods([{ method: 'GET', path: '/a.b' }], '/aXb')).toEqual([]);
  });
});
