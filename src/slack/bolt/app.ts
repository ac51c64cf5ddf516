/**
 * Socket Mode on Node, through Bolt: the one Slack transport that needs Bolt (it holds the WebSocket,
 * acknowledges envelopes and reconnects). Listeners only hand Bolt's payload to the transport-free router,
 * as the HTTP endpoint does on both runtimes, so the two paths cannot drift.
 * @module
 */
import { App, type Logger as BoltLogger, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { SlackConfig } from '../../core/config.js';
import type { Defer, Logger } from '../../core/ports.js';
import { type SlackRouter, UNHANDLED } from '../router.js';

export interface BoltSocketMode {
  app: App;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createBoltSocketMode(
  config: SlackConfig & { appToken: string },
  options: { router: SlackRouter; defer: Defer; logger: Logger },
): BoltSocketMode {
  const logger = boltLogger(options.logger);
  const clientOptions = { slackApiUrl: config.apiUrl };
  // Built here, not by App's `socketMode: true`, so stop() can hold the client: App#stop starts the close
  // handshake but resolves before the socket has closed. A copy of clientOptions, because the Socket Mode
  // client writes its own retry policy (100 retries) into the object it is given.
  const socket = new SocketModeReceiver({
    appToken: config.appToken,
    logger,
    installerOptions: { clientOptions: { ...clientOptions } },
  });
  const app = new App({ token: config.botToken, receiver: socket, socketMode: true, logger, clientOptions });

  const forward = async (args: { body: unknown; ack?: (response?: never) => Promise<void> }) => {
    const routed = await options.router.route(args.body as Record<string, unknown>);
    if (routed === UNHANDLED) {
      await args.ack?.();
      return;
    }
    await args.ack?.(routed.ack as never);
    if (routed.later) options.defer(routed.later);
  };
  app.command(/^\/apierr/, forward);
  app.event('reaction_added', forward);
  app.event('reaction_removed', forward);
  // Other tools' alert messages in listened channels (message.channels / message.groups).
  app.event('message', forward);
  app.event('app_home_opened', forward);
  app.action(/.*/, forward);
  // "Explain with apierr" message shortcuts.
  app.shortcut(/^apierr_explain/, forward);

  return {
    app,
    async start() {
      await app.start();
    },
    async stop() {
      // Resolves once Slack has answered the close frame (the SDK gives it 30 s, then drops the socket), so
      // the runtime closes the database and exits only after the connection is gone.
      await socket.client.disconnect();
    },
  };
}

/** Bolt logs through our logger, so Slack's own warnings land in the same structured log. */
function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  let name = 'bolt';
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  return {
    debug: (...parts) => logger.debug({ component: name }, text(parts)),
    info: (...parts) => logger.info({ component: name }, text(parts)),
    warn: (...parts) => logger.warn({ component: name }, text(parts)),
    error: (...parts) => logger.error({ component: name }, text(parts)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n) => {
      name = n;
    },
  };
}
