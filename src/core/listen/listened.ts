/**
 * Which stored alerts were read from another tool's Slack message rather than received by webhook: their
 * parent message is that tool's, which apierr cannot edit, so resolve and reopen add thread notes only.
 * @module
 */
import type { StoredAlert } from '../ports.js';

export const LISTEN_KEY_PREFIX = 'listen:';

export function isListened(alert: Pick<StoredAlert, 'dedupKey'>): boolean {
  return alert.dedupKey.startsWith(LISTEN_KEY_PREFIX);
}
