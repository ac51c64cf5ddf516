/**
 * The outbox loop on Node: drains after every accepted webhook (kicked through Defer) and on a timer for
 * retries that come due. One drain runs at a time; SIGTERM waits for the one in flight.
 * @module
 */
import type { RetryPolicy } from '../core/use-cases/deliver.js';
import { ChannelPacer, drainOutbox } from '../core/use-cases/drain-outbox.js';
import type { CoreServices } from '../core/use-cases/services.js';

export interface OutboxLoop {
  /** Ask for a drain soon; calls while one runs coalesce into one more pass. */
  kick(): Promise<void>;
  start(): void;
  /** Stops the timer and waits for the drain in flight. */
  stop(): Promise<void>;
}

export function createOutboxLoop(
  services: CoreServices,
  options: { pollMs?: number; pacingMs?: number; policy?: RetryPolicy | undefined } = {},
): OutboxLoop {
  const pacer = new ChannelPacer(options.pacingMs);
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: NodeJS.Timeout | undefined;
  let wakeAt = 0;

  const pass = async (): Promise<void> => {
    do {
      again = false;
      try {
        const result = await drainOutbox(services, pacer, { policy: options.policy, shouldStop: () => stopped });
        if (result.nextInMs !== undefined && !stopped) {
          clearTimeout(wake);
          wakeAt = Date.now() + result.nextInMs;
          wake = setTimeout(() => {
            wakeAt = 0;
            void kick();
          }, result.nextInMs);
        }
        // A full batch means more may be due right away.
        if (result.delivered + result.failed >= 50) again = true;
      } catch (error) {
        services.logger.error({ err: error }, 'outbox drain failed; will try again');
      }
    } while (again && !stopped);
  };

  const kick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    // The channel is paced and a pass is already booked for when it may post again: a pass now would only
    // find the same deliveries still waiting (under a webhook storm, that is one query per request).
    if (wakeAt > Date.now()) return running ?? Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    kick,
    start() {
      timer = setInterval(() => void kick(), options.pollMs ?? 1000);
      timer.unref();
      void kick();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(wake);
      await running;
    },
  };
}
