/**
 * `/api/*`: explain text as JSON, fix statistics, and the delivery queue. All need `API_TOKEN`.
 * @module
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { DeliveryState } from '../../core/ports.js';
import { requireBearer } from '../middleware/bearer.js';
import { limitBody } from '../middleware/body-limit.js';
import { problem } from '../problem.js';
import type { HttpServices } from '../services.js';

type Env = { Variables: { services: HttpServices } };

const explainBody = z.strictObject({
  text: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20,000 characters'),
  status_code: z.number().int().min(100).max(599).optional(),
  limit: z.number().int().min(1).max(20).optional(),
});

export function apiRoutes(): Hono<Env> {
  const app = new Hono<Env>();
  app.use('*', (c, next) =>
    requireBearer(() => c.var.services.apiToken, 'The API is closed: set API_TOKEN and send it as a bearer token.')(
      c,
      next,
    ),
  );

  app.post('/explain', limitBody(64 * 1024, 'The body is over 64 KiB.'), async (c) => {
    const contentType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') {
      return problem(c, {
        type: 'unsupported-media-type',
        title: 'Unsupported media type',
        status: 415,
        detail: 'Send application/json.',
        field: 'Content-Type',
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch (error) {
      return problem(c, {
        type: 'invalid-json',
        title: 'Malformed JSON',
        status: 400,
        detail: (error as Error).message,
        pointer: '',
      });
    }
    const parsed = explainBody.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const pointer = issue ? issue.path.map((p) => `/${String(p)}`).join('') : '';
      return problem(c, {
        type: 'invalid-payload',
        title: 'Invalid request',
        status: 422,
        detail: issue?.message ?? 'invalid',
        pointer,
      });
    }
    const { matcher } = c.var.services;
    const result = matcher.match(parsed.data.text, { statusCode: parsed.data.status_code });
    const matches = result.matches.slice(0, parsed.data.limit ?? 5).map((m) => {
      const entry = c.var.services.entries.get(m.id);
      return { ...m, summary: entry?.summary, layer: entry?.layer, first_checks: entry?.first_checks };
    });
    return c.json({ matches, lowConfidence: result.lowConfidence });
  });

  app.get('/stats', async (c) => {
    const { store, entries } = c.var.services;
    const [stats, ackMedians, actions, corrections] = await Promise.all([
      store.stats(),
      store.ackMedians(),
      store.recentActions(50),
      store.correctionStats(),
    ]);
    return c.json({
      // Where the team corrected the matcher (corrections still standing): the knowledge base's weak spots.
      corrections: corrections.map((k) => ({ from: k.fromEntry ?? null, to: k.toEntry ?? null, count: k.count })),
      entries: stats.map((s) => ({
        id: s.entryId,
        title: entries.get(s.entryId)?.title ?? s.entryId,
        alerts: s.alerts,
        marked: s.marked,
        /** Median seconds from first seen to first acknowledged; null when none was acknowledged. */
        ackMedianSeconds: ackMedians.get(s.entryId) ?? null,
        fixes: (entries.get(s.entryId)?.fixes ?? []).map((fix) => ({
          id: fix.id,
          text: fix.text,
          resolved: s.fixes.find((f) => f.fixId === fix.id)?.resolved ?? 0,
        })),
      })),
      /** Acknowledgements and silences made from Slack, newest first. */
      actions: actions.map((a) => ({
        alert_id: a.alertId,
        alert: a.alertTitle,
        kind: a.kind,
        user: a.userId,
        at: new Date(a.at).toISOString(),
        silence_id: a.silenceId ?? null,
        until: a.until === undefined ? null : new Date(a.until).toISOString(),
      })),
    });
  });

  app.get('/deliveries', async (c) => {
    const requested = c.req.query('state');
    const states: DeliveryState[] =
      requested === 'failed' ? ['failed'] : requested === 'pending' ? ['pending'] : ['failed', 'pending'];
    const rows = await c.var.services.store.listDeliveries(states, 500);
    return c.json({
      deliveries: rows.map((d) => ({
        id: d.id,
        alert_id: d.alertId,
        alert: d.alertTitle,
        kind: d.kind,
        channel: d.channel,
        state: d.state,
        attempts: d.attempts,
        next_attempt_at: new Date(d.nextAttemptAt).toISOString(),
        reason: d.lastError ?? null,
      })),
    });
  });
  return app;
}
