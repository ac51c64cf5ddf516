/**
 * AWS CloudWatch alarms delivered by an SNS HTTP(S) subscription. The body is an SNS message:
 * a `Notification` whose `Message` is the alarm as a JSON string, or the `SubscriptionConfirmation`
 * sent once when the subscription is created (see {@link snsSubscribeUrl}).
 * SNS sends `Content-Type: text/plain`; the caller parses the raw text as JSON before calling.
 * @module
 */
import { z } from 'zod';
import type { ParseOutcome, SourceParser } from '../alert.js';
import { isoFromText, joinText, nonEmpty, recordOf } from './fields.js';
import { firstProblem, invalid, toJsonPointer, validate } from './validate.js';

const text = z.string().nullish();

const envelopeSchema = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
});

const notificationSchema = z.object({ Message: z.string() });

const alarmSchema = z.object({
  AlarmName: z.string().trim().min(1, 'must not be empty'),
  AlarmArn: z.string().trim().min(1, 'must not be empty'),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  StateChangeTime: text,
  AlarmDescription: text,
  NewStateReason: text,
  // Metric math and composite alarms have no single metric; what is there only enriches the alert.
  Trigger: z
    .object({
      MetricName: text,
      Namespace: text,
      Dimensions: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
    })
    .nullish()
    .catch(undefined),
});

type Alarm = z.output<typeof alarmSchema>;

/** Dimensions that name the service behind the metric: ECS, Lambda, API Gateway. */
const SERVICE_DIMENSIONS = ['ServiceName', 'FunctionName', 'ApiName'] as const;

/**
 * Dedup key `cloudwatch:<AlarmArn>`. SNS names the alarm, not the episode: the OK notification
 * carries the time of the OK transition, not of the ALARM it ends, so the alarm itself is the
 * key that a firing and its resolve share. ALARM is firing, OK resolved; INSUFFICIENT_DATA says
 * neither and yields no alert, as do the subscription (un)confirmation messages.
 */
export const parseCloudWatch: SourceParser = (body) => {
  const envelope = validate(envelopeSchema, body);
  if (!envelope.ok) return envelope;
  if (envelope.value.Type !== 'Notification') return { ok: true, alerts: [] };
  const notification = validate(notificationSchema, body);
  if (!notification.ok) return notification;
  return parseAlarm(notification.value.Message);
};

function parseAlarm(message: string): ParseOutcome {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return invalid(
      '/Message',
      'must be a CloudWatch alarm as a JSON string (is this topic fed by a CloudWatch alarm?)',
    );
  }
  const parsed = alarmSchema.safeParse(json);
  if (!parsed.success) {
    // The pointer stays honest (Message is a string); the message names the field inside it.
    const problem = firstProblem(parsed.error, json);
    const field = problem.path.length > 0 ? `alarm field ${toJsonPointer(problem.path)}` : 'alarm JSON';
    return invalid('/Message', `${field}: ${problem.message}`);
  }
  const alarm = parsed.data;
  if (alarm.NewStateValue === 'INSUFFICIENT_DATA') return { ok: true, alerts: [] };
  const resolved = alarm.NewStateValue === 'OK';
  const changedAt = isoFromText(alarm.StateChangeTime);
  const dimensions = recordOf((alarm.Trigger?.Dimensions ?? []).map(({ name, value }) => [name, value] as const));
  return {
    ok: true,
    alerts: [
      {
        source: 'cloudwatch',
        dedupKey: `cloudwatch:${alarm.AlarmArn.trim()}`,
        status: resolved ? 'resolved' : 'firing',
        title: alarm.AlarmName.trim(),
        description: joinText([alarm.AlarmDescription, alarm.NewStateReason]),
        service: SERVICE_DIMENSIONS.map((name) => nonEmpty(dimensions[name])).find(Boolean),
        startsAt: resolved ? undefined : changedAt,
        endsAt: resolved ? changedAt : undefined,
        url: consoleUrl(alarm),
        labels: recordOf([
          ['namespace', nonEmpty(alarm.Trigger?.Namespace)],
          ['metric', nonEmpty(alarm.Trigger?.MetricName)],
          ...Object.entries(dimensions),
        ]),
      },
    ],
  };
}

/** The alarm's page in the AWS console, for alarms in the standard `aws` partition. */
function consoleUrl(alarm: Alarm): string | undefined {
  const region = /^arn:aws:cloudwatch:([a-z]{2}(?:-[a-z]+)+-\d+):/.exec(alarm.AlarmArn.trim())?.[1];
  if (!region) return undefined;
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarm.AlarmName.trim())}`;
}

/**
 * The URL to GET to confirm an SNS subscription, when `body` is a `SubscriptionConfirmation`.
 * Only an https URL on an SNS host (`sns.<region>.amazonaws.com`, or `.amazonaws.com.cn`) is
 * returned, so a forged body cannot make apierr fetch an arbitrary address. Verify the SNS
 * signature before following it.
 */
export function snsSubscribeUrl(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { Type: type, SubscribeURL: subscribeUrl } = body as Record<string, unknown>;
  if (type !== 'SubscriptionConfirmation' || typeof subscribeUrl !== 'string') return undefined;
  if (!URL.canParse(subscribeUrl)) return undefined;
  const url = new URL(subscribeUrl);
  const snsHost = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(url.hostname);
  return url.protocol === 'https:' && snsHost && url.port === '' && url.username === '' ? subscribeUrl : undefined;
}
