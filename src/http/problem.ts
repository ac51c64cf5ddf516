/**
 * RFC 9457 problem details: every error apierr answers is `application/problem+json`, with the field that
 * is wrong when there is one.
 * @module
 */
import type { Context } from 'hono';
import { type Problem, problemBody } from '../core/problem.js';

export { PROBLEM_BASE, type Problem, type ProblemType, problemBody } from '../core/problem.js';

export function problem(c: Context, p: Problem, headers: Record<string, string> = {}): Response {
  const requestId: string | undefined = c.get('requestId');
  return new Response(JSON.stringify(problemBody(p, new URL(c.req.url).pathname, requestId)), {
    status: p.status,
    headers: {
      'content-type': 'application/problem+json',
      ...(requestId ? { 'x-request-id': requestId } : {}),
      ...headers,
    },
  });
}
