/**
 * What a Slack Web API failure means for the outbox, shared by the @slack/web-api client (Node) and the
 * fetch client (Workers): retry later, or give up with the reason.
 * @module
 */
import type { SlackFailure } from '../core/ports.js';

/** Errors that no retry can fix: configuration, permissions or a message Slack will never accept. */
const PERMANENT_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'missing_scope',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'no_text',
  'too_many_attachments',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'invalid_arguments',
  'invalid_arg_name',
  'unknown_method',
]);

/** Errors Slack documents as temporary on its side. */
const TRANSIENT_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/** An `ok: false` answer's `error`. */
export function classifySlackError(slackError: string): SlackFailure {
  if (TRANSIENT_ERRORS.has(slackError)) return { kind: 'transient', reason: slackError };
  return {
    kind: 'permanent',
    reason: PERMANENT_ERRORS.has(slackError) ? slackError : `${slackError} (unrecognized Slack error)`,
  };
}

/** An HTTP error status other than 429 (which carries Retry-After). */
export function classifyHttpStatus(status: number): SlackFailure {
  return status >= 500 || status === 408
    ? { kind: 'transient', reason: `HTTP ${status}` }
    : { kind: 'permanent', reason: `HTTP ${status}` };
}
