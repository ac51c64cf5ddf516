/**
 * The outbox loop on Node: after every accepted webhook (kicked through Defer) and on a timer, it drains
 * each channel with due work, one channel at a time. The channel's lease and pace live in the store, so a
 * second replica on the same database takes other channels (or waits) instead of posting twice or faster.
 * One pass runs at a time in this process; SIGTERM waits for the one in flight.
 * @module
 */
import { hostname } from 'node:os';
import { type DrainOptions, drainChannel } from '../core/use-cases/drain-outbox.js';
import type { CoreServices } from '../core/use-cases/services.js';

export interface OutboxLoop {
  /** Ask for a drain soon; calls while one runs coalesce into one more pass. */
  kick(): Promise<void>;
  start(): void;
  /** Stops the timer and waits for the drain in flight. */
  stop(): Promise<void>;
}

/** Waits up to this long (about two paced posts) hold kicks back; longer ones do not. */
const SHORT_WAIT_MS = 2000;

export function createOutboxLoop(
  services: CoreServices,
  options: { pollMs?: number } & Omit<DrainOptions, 'shouldStop'> = {},
): OutboxLoop {
  // Distinct per process, so that replicas sharing a database hold channels apart; the host and pid let a
  // restarted process on the same host free its dead predecessor's leases at once.
  const owner = `node:${hostname()}:${process.pid}:${crypto.randomUUID()}`;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: NodeJS.Timeout | undefined;
  let wakeAt = 0;

  let wakeTimerAt = 0;
  const scheduleWake = (inMs: number) => {
    const at = Date.now() + inMs;
    if (wakeTimerAt > Date.now() && wakeTimerAt <= at) return;
    clearTimeout(wake);
    wakeTimerAt = at;
    // Only a short wait (a channel paced to one post a second) holds kicks back: under a webhook storm that
    // saves a pass per request. A long one (a retry's backoff, Slack's Retry-After) must not hold back new
    // work in other channels.
    wakeAt = inMs <= SHORT_WAIT_MS ? at : 0;
    wake = setTimeout(() => {
      wakeAt = 0;
      wakeTimerAt = 0;
      void kick();
    }, inMs);
  };

  let reclaimed = false;
  /** Leases left by a process of this host that is gone (killed, crashed) are released, not waited out. */
  const reclaimDeadLeases = async () => {
    for (const lease of await services.store.channelLeases(services.clock.now())) {
      const [kind, host, pid] = lease.owner.split(':');
      if (kind !== 'node' || host !== hostname() || Number(pid) === process.pid || isAlive(Number(pid))) continue;
      services.logger.info(
        { channel: lease.channel, owner: lease.owner },
        'released the channel of a process that is gone',
      );
      await services.store.releaseChannel(lease.channel, lease.owner, 0);
    }
  };

  const pass = async (): Promise<void> => {
    if (!reclaimed) {
      reclaimed = true;
      await reclaimDeadLeases().catch((error: unknown) =>
        services.logger.warn({ err: error }, 'could not check for leases of dead processes'),
      );
    }
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

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
