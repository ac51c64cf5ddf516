/**
 * The Bolt App: HTTP mode through the Hono-mounted receiver, or Socket Mode when SLACK_APP_TOKEN is set.
 * Listeners are thin: they unpack Bolt's arguments and call the transport-free handlers.
 * @module
 */
import { App, type Logger as BoltLogger, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { SlackConfig } from '../../core/config.js';
import { FIXED_IT_ACTION } from '../../core/messages/alert-messages.js';
import { SHARE_ACTION } from '../../core/messages/command-messages.js';
import type { Logger } from '../../core/ports.js';
import type { CoreServices } from '../../core/use-cases/services.js';
import {
  handleFixButton,
  handleReaction,
  handleShare,
  handleSlashCommand,
  type ReactionEnvelope,
} from '../handlers.js';
import { HonoReceiver } from './hono-receiver.js';

export interface BoltSlack {
  app: App;
  /** `POST /slack/events` in HTTP mode; undefined in Socket Mode. */
  handle: ((request: Request) => Promise<Response>) | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createBoltSlack(config: SlackConfig, services: CoreServices): BoltSlack {
  const logger = boltLogger(services.logger);
  const clientOptions = { slackApiUrl: config.apiUrl };
  let receiver: HonoReceiver | undefined;
  let socket: SocketModeReceiver | undefined;
  let app: App;
  if (config.appToken) {
    // Built here, not by App's `socketMode: true`, so stop() can hold the client: App#stop starts the close
    // handshake but resolves before the socket has closed. A copy of clientOptions, because the Socket Mode
    // client writes its own retry policy (100 retries) into the object it is given.
    socket = new SocketModeReceiver({
      appToken: config.appToken,
      logger,
      installerOptions: { clientOptions: { ...clientOptions } },
    });
    app = new App({ token: config.botToken, receiver: socket, socketMode: true, logger, clientOptions });
  } else {
    receiver = new HonoReceiver({
      signingSecret: config.signingSecret,
      clock: services.clock,
      logger: services.logger,
    });
    app = new App({ token: config.botToken, receiver, logger, clientOptions });
  }
  registerListeners(app, services);
  return {
    app,
    handle: receiver?.handle,
    async start() {
      if (socket) await app.start();
    },
    async stop() {
      // Resolves once Slack has answered the close frame (the SDK gives it 30 s, then drops the socket), so
      // the runtime closes the database and exits only after the connection is gone.
      if (socket) await socket.client.disconnect();
    },
  };
}

export function registerListeners(app: App, services: CoreServices): void {
  app.command(/^\/apierr/, async ({ command, ack }) => {
    await ack(await handleSlashCommand(services, command.text ?? ''));
  });

  const onReaction = async ({ body, context }: { body: unknown; context: { botUserId?: string } }) => {
    await handleReaction(services, body as ReactionEnvelope, context.botUserId);
  };
  app.event('reaction_added', onReaction);
  app.event('reaction_removed', onReaction);

  app.action(new RegExp(`^${FIXED_IT_ACTION}:`), async ({ ack, body, action, respond }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const container = body.container as { channel_id?: string; message_ts?: string };
    const { reply } = await handleFixButton(services, {
      teamId: body.team?.id ?? body.user.team_id ?? '',
      userId: body.user.id,
      channel: container.channel_id ?? body.channel?.id ?? '',
      messageTs: container.message_ts ?? '',
      value: action.value ?? '',
    });
    await respond({ response_type: 'ephemeral', replace_original: false, text: reply });
  });

  app.action(SHARE_ACTION, async ({ ack, action, respond }) => {
    await ack();
    if (action.type !== 'button') return;
    const answer = await handleShare(services, action.value ?? '');
    await respond({ ...answer, delete_original: true, replace_original: false } as never);
  });
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
