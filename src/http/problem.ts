/**
 * RFC 9457 problem details: every error apierr answers is `application/problem+json`, with the field that
 * is wrong when there is one.
 * @module
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

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
  status: ContentfulStatusCode;
  detail?: string | undefined;
  /** JSON pointer (RFC 6901) of the offending field in the request body. */
  pointer?: string | undefined;
  /** The header or parameter at fault, when it is not in the body. */
  field?: string | undefined;
}

export const PROBLEM_BASE = 'https://apierr.dev/problems/';

export function problemBody(problem: Problem, instance?: string) {
  const { type, pointer, field, ...rest } = problem;
  return {
    type: `${PROBLEM_BASE}${type}`,
    ...rest,
    ...(instance ? { instance } : {}),
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

export function problem(c: Context, p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problemBody(p, new URL(c.req.url).pathname)), {
    status: p.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}
