/**
 * The outbox loop on Node: after every accepted webhook (kicked through Defer) and on a timer, it drains
 * each channel with due work, one channel at a time. The channel's lease and pace live in the store, so a
 * second replica on the same database takes other channels (or waits) instead of posting twice or faster.
 * One pass runs at a time in this process; SIGTERM waits for the one in flight.
 * @module
 */
import { type DrainOptions, drainChannel } from '../core/use-cases/drain-outbox.js';
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
  options: { pollMs?: number } & Omit<DrainOptions, 'shouldStop'> = {},
): OutboxLoop {
  // Distinct per process, so that replicas sharing a database hold channels apart.
  const owner = `node:${crypto.randomUUID()}`;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: NodeJS.Timeout | undefined;
  let wakeAt = 0;

  const scheduleWake = (inMs: number) => {
    const at = Date.now() + inMs;
    if (wakeAt > Date.now() && wakeAt <= at) return;
    clearTimeout(wake);
    wakeAt = at;
    wake = setTimeout(() => {
      wakeAt = 0;
      void kick();
    }, inMs);
  };

  const pass = async (): Promise<void> => {
    do {
      again = false;
      try {
        const channels = await services.store.dueChannels(services.clock.now(), 100);
        for (const channel of channels) {
          if (stopped) return;
          const result = await drainChannel(services, channel, owner, { ...options, shouldStop: () => stopped });
          if (result.nextInMs !== undefined && !stopped) scheduleWake(result.nextInMs);
          // A full batch means more may be due right away.
          if (result.delivered + result.failed >= (options.batch ?? 50)) again = true;
        }
      } catch (error) {
        services.logger.error({ err: error }, 'outbox drain failed; will try again');
      }
    } while (again && !stopped);
  };

  const kick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    // A pass is already booked for when a paced channel may post again: a pass now would only find the
    // same deliveries still waiting (under a webhook storm, that is a query per request).
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
