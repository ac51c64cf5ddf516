/**
 * The SlackPort for offline mode (no Slack credentials): every message is logged as the Block Kit JSON it
 * would send, and gets a made-up ts so that threads, edits and reactions behave as they would online.
 * @module
 */
import type { Logger, SlackMessage, SlackPort } from '../core/ports.js';

export const OFFLINE_TEAM = 'T0OFFLINE';

export function createOfflineSlack(
  logger: Logger,
  sink?: (entry: { method: string; message: SlackMessage }) => void,
): SlackPort {
  let sequence = 0;
  const nextTs = () => {
    sequence += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(sequence).padStart(6, '0')}`;
  };
  return {
    async teamId() {
      return OFFLINE_TEAM;
    },
    async postMessage(message) {
      const ts = nextTs();
      sink?.({ method: 'chat.postMessage', message });
      logger.info(
        {
          slack: {
            method: 'chat.postMessage',
            ts,
            channel: message.channel,
            thread_ts: message.threadTs,
            text: message.text,
            blocks: message.blocks,
          },
        },
        'offline: would post to Slack',
      );
      return { ok: true, value: { channel: message.channel, ts } };
    },
    async findMessage() {
      // Offline posts always succeed at once, so there is never an uncertain attempt to recover.
      return { ok: true, value: undefined };
    },
    async publishHome(userId, view) {
      logger.info({ slack: { method: 'views.publish', user_id: userId, view } }, 'offline: would publish the App Home');
      return { ok: true, value: undefined };
    },
    async updateMessage(message) {
      sink?.({ method: 'chat.update', message });
      logger.info(
        {
          slack: {
            method: 'chat.update',
            ts: message.ts,
            channel: message.channel,
            text: message.text,
            blocks: message.blocks,
          },
        },
        'offline: would update a Slack message',
      );
      return { ok: true, value: undefined };
    },
  };
}
