/**
 * What the use cases need, gathered once per process (Node) or per request (Workers).
 * @module
 */
import type { SilencePort } from '../alertmanager.js';
import type { ListenConfig } from '../config.js';
import type { Matcher } from '../knowledge/matcher.js';
import type { Entry } from '../knowledge/schema.js';
import type { Metrics } from '../metrics.js';
import type { AlertStore, Clock, Logger, SlackPort } from '../ports.js';

export interface CoreServices {
  store: AlertStore;
  slack: SlackPort;
  matcher: Matcher;
  entries: ReadonlyMap<string, Entry>;
  clock: Clock;
  logger: Logger;
  /** The channel alerts are posted to. */
  alertChannel: string;
  /** When alerts of one pattern share a digest message; DEFAULT_STORM when absent. */
  storm?: { threshold: number; windowMs: number } | undefined;
  /** Alertmanager silences from Slack (ALERTMANAGER_URL); no silence control when absent. */
  silences?: SilencePort | undefined;
  /** The silence durations offered, in hours (1, 4 and 24 by default). */
  silenceHours?: readonly number[] | undefined;
  /** What apierr counts about itself (src/core/metrics.ts); nothing is counted when absent. */
  metrics?: Metrics | undefined;
  /** Where apierr reads other tools' alert messages; listening is off when absent or empty. */
  listen?: ListenConfig | undefined;
  /** Channels webhook senders may name; any channel id when absent. */
  allowedChannels?: readonly string[] | undefined;
}

export function indexEntries(entries: readonly Entry[]): ReadonlyMap<string, Entry> {
  return new Map(entries.map((entry) => [entry.id, entry]));
}
