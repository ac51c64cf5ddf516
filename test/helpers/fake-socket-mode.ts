/**
 * A fake Slack Socket Mode server on 127.0.0.1 (FORMATS.md §2.5) for end-to-end tests. The app's real
 * SocketModeClient (@slack/socket-mode 3, which speaks over undici's WebSocket) connects to it, so the
 * handshake, the envelopes and the acks cross a real WebSocket, as they do with Slack.
 *
 * Hand `url` to the fake Web API as `socketModeUrl`: its `apps.connections.open` answers with it, and the
 * client opens that URL as given (the Node SDK appends no query parameters of its own). What the fake does,
 * as Slack does:
 * - accepts WebSockets on `/link/` only and greets each with `{"type":"hello",…}`: the client's `start()`
 *   resolves on that frame, not on the socket opening;
 * - pings every `pingIntervalMs` (the client drops a connection that has not been pinged for 30 s) and
 *   answers the client's pings with pongs (the client drops one whose pongs stop);
 * - sends `{"type":"disconnect","reason":…}` on request: the client closes and reconnects through
 *   `apps.connections.open` again, after a fixed wait of 5 s (its client ping timeout);
 * - completes the close handshake the client starts when the app stops.
 *
 * Tests push envelopes with `send` and read the acks (`{"envelope_id","payload"?}`) with `waitForAck`.
 * @module
 */

import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

/** A Socket Mode envelope as Slack sends it; `payload` is the HTTP request body, already parsed. */
export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  /** Events API envelopes only: 0 on the first delivery. */
  retry_attempt?: number;
  /** Events API envelopes only: `""` on the first delivery, e.g. `"timeout"` on a retry. */
  retry_reason?: string;
}

export interface SendOptions {
  envelopeId?: string;
  /** Default: true for slash commands, false otherwise (block_actions cannot answer in the ack). */
  acceptsResponsePayload?: boolean;
  retryAttempt?: number;
  retryReason?: string;
}

/** A frame the client sent back for an envelope. */
export interface SocketAck {
  envelope_id: string;
  /** The response payload; the Node SDK always sends one, `{}` for a bare `ack()`. */
  payload?: Record<string, unknown>;
  /** The `id` of the connection it came on. */
  connection: number;
  /** `Date.now()` when it arrived. */
  at: number;
  raw: string;
}

export interface SocketConnection {
  /** 1 for the first connection, then counting up across reconnects. */
  id: number;
  /** The path and query the client opened (`/link/?ticket=…`). */
  path: string;
  openedAt: number;
  /** Set once the socket has closed: the client's close code (1000 = it closed normally, 1006 = dropped). */
  closeCode: number | undefined;
  /** Pongs the client sent back for the server's pings. */
  pongs: number;
  /** Pings the client sent (it pings every third of its 5 s client ping timeout). */
  pings: number;
}

export interface FakeSocketModeOptions {
  /** Shown in the hello frame's `connection_info`. Default the fake workspace's A07BOT12345. */
  appId?: string;
  /** Milliseconds between the server's pings; 0 = never. Default 5000. */
  pingIntervalMs?: number;
}

export interface FakeSocketMode {
  /** `ws://127.0.0.1:PORT/link/?ticket=…&app_id=…`, the shape of Slack's `wss://` URLs. */
  readonly url: string;
  /** Every connection accepted, in order (copies are not made: fields update as the socket lives). */
  readonly connections: readonly SocketConnection[];
  /** Every ack received, in order. */
  readonly acks: readonly SocketAck[];
  /** Client frames that were not acks (Slack's clients send none). */
  readonly otherFrames: readonly string[];
  /** Resolves once `count` connections have been greeted with hello (default 1); rejects after `timeoutMs`. */
  waitForConnection(count?: number, timeoutMs?: number): Promise<SocketConnection>;
  /** Resolves once connection `id` has closed; rejects after `timeoutMs`. */
  waitForClose(id: number, timeoutMs?: number): Promise<SocketConnection>;
  /** Sends an envelope on the newest open connection and returns its envelope_id. */
  send(type: EnvelopeType, payload: Record<string, unknown>, options?: SendOptions): string;
  /** Resolves with the ack for `envelopeId` (already received or future); rejects after `timeoutMs`. */
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<SocketAck>;
  /** Asks every open connection to go away, as Slack does before it recycles a server. */
  disconnect(reason?: 'refresh_requested' | 'warning' | 'link_disabled'): void;
  /** Drops every connection (no close handshake: the client sees 1006) and stops listening. Idempotent. */
  close(): Promise<void>;
}

const HOST = 'applink-fake-0';

export async function startFakeSocketMode(options: FakeSocketModeOptions = {}): Promise<FakeSocketMode> {
  const { appId = 'A07BOT12345', pingIntervalMs = 5_000 } = options;
  const connections: SocketConnection[] = [];
  const acks: SocketAck[] = [];
  const otherFrames: string[] = [];
  const open = new Map<number, WebSocket>();
  const timers = new Set<NodeJS.Timeout>();
  const listeners = new Set<() => void>();
  let closing: Promise<void> | undefined;
  const changed = (): void => {
    for (const listener of [...listeners]) listener();
  };

  const http: Server = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('fake Socket Mode: WebSocket upgrades on /link/ only');
  });
  const wss = new WebSocketServer({ server: http, path: '/link/' });

  wss.on('connection', (socket, req) => {
    const connection: SocketConnection = {
      id: connections.length + 1,
      path: req.url ?? '',
      openedAt: Date.now(),
      closeCode: undefined,
      pongs: 0,
      pings: 0,
    };
    connections.push(connection);
    open.set(connection.id, socket);

    socket.on('message', (data: RawData, isBinary: boolean) => {
      const raw = isBinary ? '' : rawText(data);
      const frame = parseObject(raw);
      if (frame && typeof frame.envelope_id === 'string') {
        const payload = frame.payload;
        acks.push({
          envelope_id: frame.envelope_id,
          ...(payload !== null && typeof payload === 'object' && { payload: payload as Record<string, unknown> }),
          connection: connection.id,
          at: Date.now(),
          raw,
        });
      } else {
        otherFrames.push(isBinary ? '<binary>' : raw);
      }
      changed();
    });
    socket.on('ping', () => {
      connection.pings += 1;
    });
    socket.on('pong', () => {
      connection.pongs += 1;
      changed();
    });
    let pinger: NodeJS.Timeout | undefined;
    if (pingIntervalMs > 0) {
      pinger = setInterval(() => socket.ping(`ping from ${HOST}`), pingIntervalMs);
      timers.add(pinger);
    }
    socket.on('close', (code: number) => {
      if (pinger) {
        clearInterval(pinger);
        timers.delete(pinger);
      }
      open.delete(connection.id);
      connection.closeCode = code;
      changed();
    });
    socket.on('error', () => {
      // A dropped client shows as close code 1006; the error itself tells a test nothing more.
    });

    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: open.size,
        debug_info: { host: HOST, build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: appId },
      }),
    );
    changed();
  });

  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const port = (http.address() as AddressInfo).port;

  const waitUntil = <T>(find: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> => {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const listener = (): void => {
        const value = find();
        if (value === undefined) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(value);
      };
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`fake Socket Mode: ${what()} within ${timeoutMs} ms`));
      }, timeoutMs);
      listeners.add(listener);
    });
  };

  return {
    url: `ws://127.0.0.1:${port}/link/?ticket=${randomUUID()}&app_id=${appId}`,
    connections,
    acks,
    otherFrames,
    waitForConnection(count = 1, timeoutMs = 5_000) {
      return waitUntil(
        () => connections[count - 1],
        timeoutMs,
        () => `no connection #${count} (saw ${connections.length})`,
      );
    },
    waitForClose(id, timeoutMs = 5_000) {
      return waitUntil(
        () => connections.find((c) => c.id === id && c.closeCode !== undefined),
        timeoutMs,
        () => `connection #${id} did not close (open: ${[...open.keys()].join(', ') || 'none'})`,
      );
    },
    send(type, payload, sendOptions = {}) {
      const newest = [...open.entries()].at(-1);
      if (!newest) throw new Error('fake Socket Mode: no open connection to send an envelope on');
      const envelope: Envelope = {
        envelope_id: sendOptions.envelopeId ?? randomUUID(),
        type,
        payload,
        accepts_response_payload: sendOptions.acceptsResponsePayload ?? type === 'slash_commands',
        ...(type === 'events_api' && {
          retry_attempt: sendOptions.retryAttempt ?? 0,
          retry_reason: sendOptions.retryReason ?? '',
        }),
      };
      newest[1].send(JSON.stringify(envelope));
      return envelope.envelope_id;
    },
    waitForAck(envelopeId, timeoutMs = 2_000) {
      return waitUntil(
        () => acks.find((a) => a.envelope_id === envelopeId),
        timeoutMs,
        () => `no ack for ${envelopeId} (acks: [${acks.map((a) => a.envelope_id).join(', ')}])`,
      );
    },
    disconnect(reason = 'refresh_requested') {
      const frame = JSON.stringify({ type: 'disconnect', reason, debug_info: { host: HOST } });
      for (const socket of open.values()) socket.send(frame);
    },
    close() {
      closing ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        timers.clear();
        for (const socket of open.values()) socket.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        http.closeAllConnections();
        await new Promise<void>((resolve, reject) => http.close((error) => (error ? reject(error) : resolve())));
      })();
      return closing;
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function parseObject(raw: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
