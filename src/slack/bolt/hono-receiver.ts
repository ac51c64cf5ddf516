/**
 * A Bolt receiver served from the Hono app at `POST /slack/events`, shaped like Bolt's own
 * AwsLambdaReceiver: it verifies the request, hands Bolt the parsed body with an `ack`, and answers
 * Slack with what the listener acknowledged.
 * @module
 */
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Clock, Logger } from '../../core/ports.js';
import { type ProblemType, problemBody } from '../../http/problem.js';
import { verifySlackRequest } from '../verify.js';

export interface HonoReceiverOptions {
  signingSecret: string;
  clock: Clock;
  logger: Logger;
  /** Slack gives up after 3 s; answer an unacknowledged request a little before that. */
  ackTimeoutMs?: number;
  /** Slack bodies are small; anything bigger is not from Slack. */
  maxBodyBytes?: number;
}

const json = (status: number, body: unknown, contentType = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': contentType } });

const PROBLEM_TYPES = {
  400: 'invalid-payload',
  401: 'unauthorized',
  404: 'not-found',
  413: 'payload-too-large',
  503: 'not-ready',
} as const satisfies Record<number, ProblemType>;

const problemResponse = (
  status: keyof typeof PROBLEM_TYPES,
  title: string,
  detail: string,
  at: { field?: string; pointer?: string } = {},
) =>
  json(status, problemBody({ type: PROBLEM_TYPES[status], title, status, detail, ...at }), 'application/problem+json');

export class HonoReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly options: HonoReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** The fetch-style handler the Hono route calls. */
  readonly handle = async (request: Request): Promise<Response> => {
    const { logger, clock } = this.options;
    const declared = Number(request.headers.get('content-length') ?? 0);
    const limit = this.options.maxBodyBytes ?? 256 * 1024;
    if (declared > limit) return problemResponse(413, 'Payload too large', `Slack requests are under ${limit} bytes.`);
    // Bytes, not text: the signature covers exactly what Slack sent, and the limit counts bytes.
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.length > limit)
      return problemResponse(413, 'Payload too large', `Slack requests are under ${limit} bytes.`);

    const failure = await verifySlackRequest(
      this.options.signingSecret,
      {
        timestamp: request.headers.get('x-slack-request-timestamp'),
        signature: request.headers.get('x-slack-signature'),
      },
      bytes,
      clock.now(),
    );
    if (failure) {
      logger.warn({ failure }, 'refused a Slack request');
      return problemResponse(401, 'Unauthorized', `The Slack signature check failed: ${failure}.`, {
        field: 'X-Slack-Signature',
      });
    }

    const body = parseBody(new TextDecoder().decode(bytes), request.headers.get('content-type') ?? '');
    if (!body)
      return problemResponse(400, 'Malformed Slack request', 'The body is neither JSON nor a form Slack sends.', {
        pointer: '',
      });
    if (body.type === 'url_verification') return json(200, { challenge: body.challenge });
    if (body.ssl_check) return new Response('', { status: 200 });
    if (!this.app) return problemResponse(503, 'Not ready', 'The Slack app is starting.');

    let answer: (response: Response) => void = () => {};
    const answered = new Promise<Response>((resolve) => {
      answer = resolve;
    });
    let acked = false;
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        if (response === undefined || response === '') answer(new Response('', { status: 200 }));
        else if (typeof response === 'string')
          answer(new Response(response, { status: 200, headers: { 'content-type': 'text/plain' } }));
        else answer(json(200, response));
      },
      retryNum: numberOrUndefined(request.headers.get('x-slack-retry-num')),
      retryReason: request.headers.get('x-slack-retry-reason') ?? undefined,
      customProperties: {},
    };

    const processing = this.app.processEvent(event).then(
      () => {
        // Bolt finished without an ack: no listener wanted this request (as Bolt's own receivers answer).
        if (!acked) answer(problemResponse(404, 'No listener', 'apierr does not handle this kind of Slack request.'));
      },
      (error: unknown) => {
        logger.error({ err: error }, 'a Slack listener failed');
        if (!acked) answer(new Response('', { status: 200, headers: { 'x-slack-no-retry': '1' } }));
      },
    );
    const timeout = new Promise<Response>((resolve) => {
      const timer = setTimeout(() => resolve(new Response('', { status: 200 })), this.options.ackTimeoutMs ?? 2500);
      void processing.finally(() => clearTimeout(timer));
    });
    return Promise.race([answered, timeout]);
  };
}

function numberOrUndefined(value: string | null): number | undefined {
  const n = Number(value);
  return value !== null && Number.isInteger(n) ? n : undefined;
}

/** Slack sends JSON (Events API), a form (slash commands) or a form with one `payload` field (interactivity). */
export function parseBody(raw: string, contentType: string): Record<string, unknown> | undefined {
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
      return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
    }
    return Object.fromEntries(form.entries());
  } catch {
    return undefined;
  }
}
