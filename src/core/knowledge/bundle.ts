/**
 * Loading the compiled knowledge bundle (written by `apierr kb build`), validated again on load so that a
 * stale or hand-edited bundle fails at start, not in the middle of an incident.
 * @module
 */
import { KnowledgeError } from '../errors.js';
import { bundleSchema, type KnowledgeBundle } from './schema.js';

export function parseBundle(json: string): KnowledgeBundle {
  const parsed = bundleSchema.safeParse(JSON.parse(json));
  if (!parsed.success) {
    throw new KnowledgeError(
      parsed.error.issues.map((issue) => ({
        file: 'knowledge bundle',
        line: 0,
        field: issue.path.join('.'),
        message: issue.message,
      })),
    );
  }
  return parsed.data as KnowledgeBundle;
}
