/**
 * Typed errors with stable string codes.
 *
 * Expected outcomes (a duplicate event, a query that matches nothing) are return values, not errors.
 * These classes are for the unexpected and the invalid: callers branch on `code`, never on `message`.
 * @module
 */

export type ApierrErrorCode =
  | 'config_invalid'
  | 'knowledge_invalid'
  | 'payload_invalid'
  | 'signature_invalid'
  | 'slack_api_error'
  | 'store_error';

export class ApierrError extends Error {
  readonly code: ApierrErrorCode;
  constructor(code: ApierrErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One problem found in a knowledge entry: where it is and which field is wrong. */
export interface KnowledgeIssue {
  file: string;
  line: number;
  field: string;
  message: string;
}

export class KnowledgeError extends ApierrError {
  readonly issues: readonly KnowledgeIssue[];
  constructor(issues: readonly KnowledgeIssue[]) {
    super('knowledge_invalid', issues.map(formatKnowledgeIssue).join('\n'));
    this.issues = issues;
  }
}

export function formatKnowledgeIssue(issue: KnowledgeIssue): string {
  return `${issue.file}:${issue.line}: ${issue.field}: ${issue.message}`;
}

/** A configuration variable that is present but unusable. */
export class ConfigError extends ApierrError {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super('config_invalid', `${variable}: ${message}`);
    this.variable = variable;
  }
}

/** A request body that is valid JSON but not the shape a source sends; `pointer` names the field. */
export class PayloadError extends ApierrError {
  readonly pointer: string;
  constructor(pointer: string, message: string) {
    super('payload_invalid', `${pointer || '/'}: ${message}`);
    this.pointer = pointer;
  }
}
