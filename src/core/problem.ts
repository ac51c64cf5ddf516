/**
 * RFC 9457 problem details: every error apierr answers is `application/problem+json`, with the field that
 * is wrong when there is one. Shared by the Hono app and the transport-free Slack endpoint.
 * @module
 */

export type ProblemType =
  | 'invalid-json'
  | 'invalid-payload'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'too-many-alerts'
  | 'unauthorized'
  | 'forbidden-origin'
  | 'not-found'
  | 'method-not-allowed'
  | 'rate-limited'
  | 'slack-offline'
  | 'not-ready'
  | 'internal';

export interface Problem {
  type: ProblemType;
  title: string;
  /** An HTTP error status (4xx or 5xx). */
  status: number;
  detail?: string | undefined;
  /** JSON pointer (RFC 6901) of the offending field in the request body. */
  pointer?: string | undefined;
  /** The header or parameter at fault, when it is not in the body. */
  field?: string | undefined;
}

export const PROBLEM_BASE = 'https://apierr.dev/problems/';

export function problemBody(problem: Problem, instance?: string, requestId?: string) {
  const { type, pointer, field, ...rest } = problem;
  return {
    type: `${PROBLEM_BASE}${type}`,
    ...rest,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(pointer !== undefined || field !== undefined
      ? {
          errors: [
            {
              ...(pointer !== undefined ? { pointer } : {}),
              ...(field !== undefined ? { field } : {}),
              detail: problem.detail ?? problem.title,
            },
          ],
        }
      : {}),
  };
}
