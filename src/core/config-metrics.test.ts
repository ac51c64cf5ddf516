import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

describe('parseConfig: metrics', () => {
  it('serves /metrics open on PORT by default', () => {
    expect(parseConfig({}).metrics).toEqual({ token: undefined, port: undefined });
  });

  it('reads METRICS_TOKEN and METRICS_PORT', () => {
    expect(parseConfig({ METRICS_TOKEN: ' s3cret ', METRICS_PORT: '9464' }).metrics).toEqual({
      token: 's3cret',
      port: 9464,
    });
  });

  it('refuses a METRICS_PORT that is not a port, or that is PORT itself, naming the variable', () => {
    expect(() => parseConfig({ METRICS_PORT: 'metrics' })).toThrow(/METRICS_PORT/);
    expect(() => parseConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(() => parseConfig({ PORT: '3000', METRICS_PORT: '3000' })).toThrow(/METRICS_PORT.*differ/);
  });
});
