/**
 * The SilencePort over Alertmanager's v2 HTTP API with `fetch`, so it runs on Node and on Workers. Nothing
 * is retried: a silence is a person's decision, so a failure goes back to them rather than into a queue.
 * @module
 */

import type { SilenceFailure, SilencePort, SilenceResult } from '../core/alertmanager.js';
import type { AlertmanagerConfig } from '../core/config.js';

export function createAlertmanagerSilences(
  config: AlertmanagerConfig,
  options: { timeoutMs?: number; fetch?: typeof fetch } = {},
): SilencePort {
  const doFetch = options.fetch ?? fetch;
  const call = async <T>(
    path: string,
    init: RequestInit,
    read: (res: Response) => Promise<T>,
  ): Promise<SilenceResult<T>> => {
    let res: Response;
    try {
      res = await doFetch(new URL(path, config.url), {
        ...init,
        headers: {
          accept: 'application/json',
          ...(init.body ? { 'content-type': 'application/json' } : {}),
          ...(config.authorization ? { authorization: config.authorization } : {}),
        },
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
    } catch (error) {
      return { ok: false, failure: { kind: 'unreachable', reason: describe(error) } };
    }
    if (res.ok) return { ok: true, value: await read(res) };
    return { ok: false, failure: await failureOf(res) };
  };

  return {
    create(silence) {
      return call('api/v2/silences', { method: 'POST', body: JSON.stringify(silence) }, async (res) => {
        const body = (await res.json()) as { silenceID?: string };
        return { silenceId: String(body.silenceID ?? '') };
      });
    },
    expire(silenceId) {
      return call(`api/v2/silence/${encodeURIComponent(silenceId)}`, { method: 'DELETE' }, async () => undefined);
    },
  };
}

async function failureOf(res: Response): Promise<SilenceFailure> {
  // Alertmanager answers errors as a JSON string or plain text; keep it short for a Slack message.
  const text = (await res.text().catch(() => '')).replace(/^"|"$/g, '').slice(0, 300);
  const reason = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
  if (res.status === 401 || res.status === 403) return { kind: 'unauthorized', reason };
  if (res.status === 400 || res.status === 422) return { kind: 'invalid', reason };
  if (res.status === 404) return { kind: 'not-found', reason };
  return { kind: 'error', reason };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
