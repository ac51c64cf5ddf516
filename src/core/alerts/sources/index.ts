/**
 * Every webhook source apierr understands, by the name used in `POST /webhooks/:source`.
 * @module
 */
import type { SourceParser } from '../alert.js';
import { parseAlertmanager } from './alertmanager.js';
import { parseCloudWatch } from './cloudwatch.js';
import { parseDatadog } from './datadog.js';
import { parseGeneric } from './generic.js';
import { parseGrafana } from './grafana.js';
import { parseOpsgenie } from './opsgenie.js';
import { parsePagerDuty } from './pagerduty.js';
import { parseSentry } from './sentry.js';

const PARSERS = {
  alertmanager: parseAlertmanager,
  grafana: parseGrafana,
  generic: parseGeneric,
  datadog: parseDatadog,
  sentry: parseSentry,
  pagerduty: parsePagerDuty,
  cloudwatch: parseCloudWatch,
  opsgenie: parseOpsgenie,
} as const satisfies Record<string, SourceParser>;

export type SourceName = keyof typeof PARSERS;

export const SOURCE_NAMES = Object.freeze(Object.keys(PARSERS) as SourceName[]);

/**
 * The parser for each source name. It has no prototype, so a name taken from a URL such as
 * `constructor` or `__proto__` finds nothing instead of an `Object.prototype` member.
 * @example
 * const parse = SOURCES[c.req.param('source')];
 * if (!parse) return notFound();
 * const outcome = parse(body, { headers });
 */
export const SOURCES: Readonly<Record<string, SourceParser | undefined>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, SourceParser>, PARSERS),
);

export function isSourceName(name: string): name is SourceName {
  return Object.hasOwn(PARSERS, name);
}

export { snsSubscribeUrl } from './cloudwatch.js';
