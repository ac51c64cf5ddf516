/**
 * Datadog Webhooks integration. Datadog has no fixed body: the webhook must be configured with
 * apierr's payload template, Datadog's default fields plus the alert variables:
 *
 * ```json
 * {"id":"$ID","title":"$EVENT_TITLE","body":"$EVENT_MSG","date":"$DATE","last_updated":"$LAST_UPDATED",
 *  "event_type":"$EVENT_TYPE","org":{"id":"$ORG_ID","name":"$ORG_NAME"},
 *  "alert_id":"$ALERT_ID","alert_cycle_key":"$ALERT_CYCLE_KEY","aggreg_key":"$AGGREG_KEY",
 *  "alert_transition":"$ALERT_TRANSITION","alert_type":"$ALERT_TYPE","alert_priority":"$ALERT_PRIORITY",
 *  "alert_title":"$ALERT_TITLE","alert_status":"$ALERT_STATUS","alert_scope":"$ALERT_SCOPE",
 *  "alert_metric":"$ALERT_METRIC","hostname":"$HOSTNAME","tags":"$TAGS","link":"$LINK"}
 * ```
 * @module
 */
import { z } from 'zod';
import type { SourceParser } from '../alert.js';
import { idSchema, isoFromEpoch, nonEmpty, recordOf, STATUS_CODE_LABELS, statusCodeFrom } from './fields.js';
import { invalid, validate } from './validate.js';

const text = z.string().nullish();
/** An optional variable: blank when Datadog had no value for it, a number if the template left it unquoted. */
const optionalValue = z.union([z.string(), z.number()], { error: 'must be a string' }).transform(String).nullish();

const bodySchema = z.object({
  id: idSchema,
  title: text,
  body: text,
  date: optionalValue,
  alert_cycle_key: optionalValue,
  aggreg_key: optionalValue,
  alert_transition: z.string({ error: 'is required: add "alert_transition": "$ALERT_TRANSITION" to the payload' }),
  alert_type: text,
  alert_priority: text,
  alert_title: text,
  alert_scope: text,
  // Templates other than apierr's (Keep's, for one) carry the monitor and its scope instead of a cycle key.
  alert_id: optionalValue.catch(undefined),
  monitor_id: optionalValue.catch(undefined),
  scopes: optionalValue.catch(undefined),
  tags: text,
  link: text,
});

/** Transitions that open an alert cycle, so their date is its start (not `Re-Triggered`, `Renotify`). */
const CYCLE_STARTS = new Set(['Triggered', 'Warn', 'No Data']);

/** Datadog APM writes the status code as `http.status_code`. */
const DATADOG_STATUS_CODE_TAGS = ['http.status_code', ...STATUS_CODE_LABELS];

/**
 * Dedup key `datadog:<alert_cycle_key>` (shared from trigger to recovery), else the aggregation
 * key, else the monitor and its scope (`monitor_id` or `alert_id`, with `alert_scope` or `scopes`), else the event id (which changes with every notification). Resolved iff the transition is
 * `Recovered`; `Warn`, `No Data`, `Renotify` and the rest count as firing.
 */
export const parseDatadog: SourceParser = (body) => {
  const parsed = validate(bodySchema, body);
  if (!parsed.ok) return parsed;
  const event = parsed.value;
  const title = substituted(event.alert_title) ?? substituted(event.title);
  if (title === undefined)
    return invalid('/alert_title', 'is required: add "alert_title": "$ALERT_TITLE" to the payload');

  const transition = event.alert_transition.trim();
  const resolved = transition === 'Recovered';
  const scope = substituted(event.alert_scope) ?? substituted(event.scopes);
  const labels = recordOf([...tagPairs(event.tags), ...tagPairs(scope)]);
  const key = substituted(event.alert_cycle_key) ?? substituted(event.aggreg_key) ?? monitorKey(event) ?? event.id;
  const date = isoFromEpoch(substituted(event.date));
  return {
    ok: true,
    alerts: [
      {
        source: 'datadog',
        dedupKey: `datadog:${key}`,
        status: resolved ? 'resolved' : 'firing',
        title,
        description: markdownBody(substituted(event.body)),
        service: nonEmpty(labels.service),
        severity: substituted(event.alert_priority) ?? substituted(event.alert_type),
        statusCode: statusCodeFrom(labels, DATADOG_STATUS_CODE_TAGS),
        startsAt: CYCLE_STARTS.has(transition) ? date : undefined,
        endsAt: resolved ? date : undefined,
        url: substituted(event.link),
        labels,
      },
    ],
  };
};

/**
 * `monitor:<monitor id>:<scope>`: one monitor alerting for one group (`service:checkout`) from trigger to
 * recovery, for payloads without `$ALERT_CYCLE_KEY` or `$AGGREG_KEY`. The scope is sorted, so "a:1,b:2"
 * and "b:2,a:1" are the same group.
 */
function monitorKey(event: z.output<typeof bodySchema>): string | undefined {
  const monitor = substituted(event.monitor_id) ?? substituted(event.alert_id);
  if (monitor === undefined) return undefined;
  const scope = substituted(event.alert_scope) ?? substituted(event.scopes) ?? '';
  const groups = scope
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .sort();
  return `monitor:${monitor}:${groups.join(',')}`;
}

/**
 * A template value, or `undefined` when it is blank or still the literal `$VARIABLE`: Datadog
 * leaves variables it has no value for (an event that is not a monitor alert) empty or unreplaced.
 */
function substituted(value: string | null | undefined): string | undefined {
  const text = nonEmpty(value);
  return text === undefined || /^\$[A-Z_]+$/.test(text) ? undefined : text;
}

/** `env:prod,monitor,service:checkout-api` as pairs; a tag without a value gets "". */
function tagPairs(tags: string | null | undefined): Array<[string, string]> {
  const list = substituted(tags);
  if (list === undefined) return [];
  return list.split(',').map((tag) => {
    const colon = tag.indexOf(':');
    return colon < 0 ? [tag.trim(), ''] : [tag.slice(0, colon).trim(), tag.slice(colon + 1).trim()];
  });
}

/** `$EVENT_MSG` arrives wrapped in `%%%` lines, Datadog's marker for Markdown. */
function markdownBody(body: string | undefined): string {
  return (body ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '%%%')
    .join('\n')
    .trim();
}
