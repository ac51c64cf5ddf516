/**
 * `POST /slack/events` as a fetch-style handler, the same on Node and on Workers: verify the signature over
 * the raw bytes (Web Crypto), parse the body, answer url_verification and ssl_check, route the payload, and
 * answer within Slack's 3 seconds. What takes longer runs after the answer through `defer`.
 * @module
 */
import type { Clock, Defer, Logger } from '../core/ports.js';
import { type ProblemType, problemBody } from '../core/problem.js';
import { type Respond, type SlackRouter, UNHANDLED } from './router.js';
import { verifySlackRequest } from './verify.js';

export interface SlackEndpointOptions {
  signingSecret: string;
  clock: Clock;
  logger: Logger;
  router: SlackRouter;
  defer: Defer;
  /** Used when a slash command's answer is not ready before the ack deadline: it follows by response_url. */
  respond: Respond;
  /** Slack gives up after 3 s; answer a little before that. */
  ackTimeoutMs?: number;
  /** Slack bodies are small; anything bigger is not from Slack. */
  maxBodyBytes?: number;
}

const json = (status: number, body: unknown, contentType = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': contentType } });

const problemResponse = (
  status: number,
  type: ProblemType,
  title: string,
  detail: string,
  at: { field?: string; pointer?: string } = {},
) => json(status, problemBody({ type, title, status, detail, ...at }), 'application/problem+json');

export function createSlackEndpoint(options: SlackEndpointOptions): (request: Request) => Promise<Response> {
  const { logger, clock, router } = options;
  const limit = options.maxBodyBytes ?? 256 * 1024;
  return async (request) => {
    const declared = Number(request.headers.get('content-length') ?? 0);
    if (declared > limit)
      return problemResponse(413, 'payload-too-large', 'Payload too large', `Slack requests are under ${limit} bytes.`);
    // Bytes, not text: the signature covers exactly what Slack sent, and the limit counts bytes.
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.length > limit)
      return problemResponse(413, 'payload-too-large', 'Payload too large', `Slack requests are under ${limit} bytes.`);

    const failure = await verifySlackRequest(
      options.signingSecret,
      {
        timestamp: request.headers.get('x-slack-request-timestamp'),
        signature: request.headers.get('x-slack-signature'),
      },
      bytes,
      clock.now(),
    );
    if (failure) {
      logger.warn({ failure }, 'refused a Slack request');
      return problemResponse(401, 'unauthorized', 'Unauthorized', `The Slack signature check failed: ${failure}.`, {
        field: 'X-Slack-Signature',
      });
    }

    const body = parseSlackBody(new TextDecoder().decode(bytes), request.headers.get('content-type') ?? '');
    if (!body)
      return problemResponse(
        400,
        'invalid-payload',
        'Malformed Slack request',
        'The body is neither JSON nor a form Slack sends.',
        {
          pointer: '',
        },
      );
    if (body.type === 'url_verification') return json(200, { challenge: body.challenge });
    if (body.ssl_check) return new Response('', { status: 200 });

    const routing = router.route(body).then(
      (routed) => {
        if (routed !== UNHANDLED && routed.later) options.defer(routed.later);
        return routed;
      },
      (error: unknown) => {
        logger.error({ err: error }, 'a Slack handler failed');
        return 'failed' as const;
      },
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), options.ackTimeoutMs ?? 2500);
    });
    const routed = await Promise.race([routing, deadline]);
    clearTimeout(timer);
    if (routed === 'late') {
      // Answer Slack in time; the slash command's answer follows through its response_url when ready.
      const responseUrl = typeof body.response_url === 'string' ? body.response_url : undefined;
      options.defer(async () => {
        const late = await routing;
        if (late !== 'failed' && late !== UNHANDLED && late.ack && responseUrl)
          await options.respond(responseUrl, late.ack);
      });
      return new Response('', { status: 200 });
    }
    // A handler failed: say so to Slack without inviting a retry of the same failure.
    if (routed === 'failed') return new Response('', { status: 200, headers: { 'x-slack-no-retry': '1' } });
    if (routed === UNHANDLED)
      return problemResponse(404, 'not-found', 'No listener', 'apierr does not handle this kind of Slack request.');
    return routed.ack === undefined ? new Response('', { status: 200 }) : json(200, routed.ack);
  };
}

/** Slack sends JSON (Events API), a form (slash commands) or a form with one `payload` field (interactivity). */
export function parseSlackBody(raw: string, contentType: string): Record<string, unknown> | undefined {
  try {
    if (contentType.includes('application/json')) {
      const parsed: unknown = JSON.parse(raw);
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : undefined;
    }
    const form = new URLSearchParams(raw);
    const payload = form.get('payload');
    if (payload !== null) {
      const parsed: unknown = JSON.parse(payload);
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : undefined;
    }
    return Object.fromEntries(form.entries());
  } catch {
    return undefined;
  }
}
