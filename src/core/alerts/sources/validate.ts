/**
 * Schema validation for webhook bodies: the first problem found becomes a {@link PayloadError}
 * whose `pointer` is the JSON pointer (RFC 6901) of the offending field, so a sender is told
 * exactly which field to fix.
 * @module
 */
import type { z } from 'zod';
import { PayloadError } from '../../errors.js';

export type Validated<T> = { ok: true; value: T } | { ok: false; error: PayloadError };

/** The failure half of a `ParseOutcome` (and of {@link Validated}). */
export interface Invalid {
  ok: false;
  error: PayloadError;
}

/**
 * RFC 6901 JSON pointer for a path of keys. The whole document is `""`, so a body of the
 * wrong type (an array, `null`, a string) always points at `""`.
 * @example toJsonPointer(['alerts', 0, 'labels', 'alertname']) // "/alerts/0/labels/alertname"
 */
export function toJsonPointer(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

export function invalid(pointer: string, message: string): Invalid {
  return { ok: false, error: new PayloadError(pointer, message) };
}

/**
 * Parses `input` with `schema`. `at` is where `input` sits in the request body, so that a
 * parser validating one element of a batch still reports a pointer into the whole body.
 */
export function validate<T>(schema: z.ZodType<T>, input: unknown, at: readonly PropertyKey[] = []): Validated<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const problem = firstProblem(result.error, input);
  return invalid(toJsonPointer([...at, ...problem.path]), problem.message);
}

/** The first issue zod reported: its path inside `input` and a message for the sender. */
export function firstProblem(error: z.ZodError, input: unknown): { path: PropertyKey[]; message: string } {
  const issue = error.issues[0];
  // zod never fails without an issue; the fallback only keeps the types honest.
  if (!issue) return { path: [], message: 'is not valid' };
  return { path: issue.path, message: describe(issue, input) };
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  // zod words a missing field as "Invalid input: expected string, received undefined" (or "Invalid
  // option: ..." for an enum); say plainly that it is required, unless the schema has its own message.
  if (!isAbsent(input, issue.path)) return issue.message;
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    return `is required (${issue.expected})`;
  }
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option: expected ')) {
    return `is required (${issue.message.slice('Invalid option: expected '.length)})`;
  }
  return issue.message;
}

function isAbsent(input: unknown, path: readonly PropertyKey[]): boolean {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return true;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node === undefined;
}
