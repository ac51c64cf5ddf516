import { describe, expect, it } from 'vitest';
import { labelsFingerprint } from './fingerprint.js';

describe('labelsFingerprint', () => {
  it('matches the test vectors of prometheus/common for LabelSet.Fingerprint', () => {
    // 5799056148416392346 and 14695981039346656037 in prometheus/common model/signature_test.go.
    expect(labelsFingerprint({ name: 'garland, briggs', fear: 'love is not enough' })).toBe(
      5799056148416392346n.toString(16).padStart(16, '0'),
    );
    expect(labelsFingerprint({})).toBe(14695981039346656037n.toString(16));
  });

  it('does not depend on the order the labels arrive in', () => {
    expect(labelsFingerprint({ a: '1', b: '2' })).toBe(labelsFingerprint({ b: '2', a: '1' }));
  });

  it('tells apart label sets that concatenate to the same text', () => {
    expect(labelsFingerprint({ a: 'bc' })).not.toBe(labelsFingerprint({ ab: 'c' }));
  });

  it('matches the fingerprints a real Alertmanager 0.25 sent, non-ASCII values included', () => {
    expect(labelsFingerprint({ alertname: 'HighErrorRate', service: 'other', a: 'x\u00ff' })).toBe('1ca1e7afc004174a');
    expect(
      labelsFingerprint({
        alertname: 'HighErrorRate',
        service: 'checkout-api',
        status_code: '503',
        zz: '\u00fc\u20ac\u{1F600}',
      }),
    ).toBe('275db3109eaae820');
  });

  it('sorts names by their UTF-8 bytes as Go does, not by UTF-16 units', () => {
    // In UTF-16 U+FF21 (0xFF21) sorts after U+1F600 (0xD83D...); in UTF-8 (EF.. vs F0..) before it.
    const bytes = [0xef, 0xbc, 0xa1, 0xff, 0x79, 0xff, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0x78, 0xff];
    let hash = 14695981039346656037n;
    for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 1099511628211n);

    expect(labelsFingerprint({ '\u{1F600}': 'x', '\uFF21': 'y' })).toBe(hash.toString(16).padStart(16, '0'));
  });
});
