import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toJsonPointer, validate } from './validate.js';

describe('toJsonPointer', () => {
  it('writes the whole document as the empty pointer', () => {
    expect(toJsonPointer([])).toBe('');
  });

  it('joins keys and indexes with slashes', () => {
    expect(toJsonPointer(['alerts', 0, 'labels', 'alertname'])).toBe('/alerts/0/labels/alertname');
  });

  it('escapes "~" and "/" inside keys as RFC 6901 requires', () => {
    expect(toJsonPointer(['labels', 'a/b~c'])).toBe('/labels/a~1b~0c');
  });
});

describe('validate', () => {
  const schema = z.object({ items: z.array(z.object({ name: z.string() })) });

  it('returns the parsed value when the input fits', () => {
    expect(validate(schema, { items: [{ name: 'a' }] })).toEqual({ ok: true, value: { items: [{ name: 'a' }] } });
  });

  it('reports the first problem only, with the pointer of its field', () => {
    const result = validate(schema, { items: [{ name: 1 }, {}] });

    expect(result.ok ? undefined : result.error.pointer).toBe('/items/0/name');
  });

  it('says "is required" for a missing field and keeps the zod wording for a wrong one', () => {
    const missing = validate(schema, { items: [{}] });
    const wrong = validate(schema, { items: [{ name: 1 }] });

    expect(missing.ok ? '' : missing.error.message).toBe('/items/0/name: is required (string)');
    expect(wrong.ok ? '' : wrong.error.message).toMatch(/^\/items\/0\/name: .*expected string/);
  });

  it('prefixes the pointer with where the input sits in the body', () => {
    const result = validate(z.object({ name: z.string() }), {}, [3]);

    expect(result.ok ? undefined : result.error.pointer).toBe('/3/name');
  });
});
