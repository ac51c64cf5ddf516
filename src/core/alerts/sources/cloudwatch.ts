/**
 * AWS CloudWatch alarms delivered by an SNS HTTP(S) subscription. The body is an SNS message:
 * a `Notification` whose `Message` is the alarm as a JSON string, or the `SubscriptionConfirmation`
 * sent once when the subscription is created (see {@link snsSubscribeUrl}).
 * SNS sends `Content-Type: text/plain`; the caller parses the raw text as JSON before calling.
 * @module
 */
import { z } from 'zod';
import type { ParseOutcome, SourceParser } from '../alert.js';
import { isoFromText, joinText, looseText, nonEmpty, recordOf } from './fields.js';
import { firstProblem, invalid, toJsonPointer, validate } from './validate.js';

const text = z.string().nullish();

const envelopeSchema = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
});

const notificationSchema = z.object({ Message: z.string(), TopicArn: looseText });

const stateSchema = z.object({ NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']) });

const alarmSchema = z.object({
  AlarmName: z.string().trim().min(1, 'must not be empty'),
  // Absent from messages CloudWatch sent before 2019 or so; the account, region and name identify the alarm then.
  AlarmArn: looseText,
  AWSAccountId: looseText,
  Region: looseText,
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  StateChangeTime: looseText,
  AlarmDescription: looseText,
  NewStateReason: looseText,
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
 * Dedup key `cloudwatch:<AlarmArn>` (`cloudwatch:account:<id>:<region>:<name>` before alarms had an ARN). SNS names the alarm, not the episode: the OK notification
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
  return parseAlarm(notification.value.Message, nonEmpty(notification.value.TopicArn));
};

function parseAlarm(message: string, topicArn: string | undefined): ParseOutcome {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return invalid(
      '/Message',
      'must be a CloudWatch alarm as a JSON string (is this topic fed by a CloudWatch alarm?)',
    );
  }
  // INSUFFICIENT_DATA says neither firing nor resolved: no alert, whatever else the message holds.
  const state = stateSchema.safeParse(json);
  if (state.success && state.data.NewStateValue === 'INSUFFICIENT_DATA') return { ok: true, alerts: [] };
  const parsed = alarmSchema.safeParse(json);
  if (!parsed.success) {
    // The pointer stays honest (Message is a string); the message names the field inside it.
    const problem = firstProblem(parsed.error, json);
    const field = problem.path.length > 0 ? `alarm field ${toJsonPointer(problem.path)}` : 'alarm JSON';
    return invalid('/Message', `${field}: ${problem.message}`);
  }
  const alarm = parsed.data;
  const identity = alarmIdentity(alarm, topicArn);
  if (identity === undefined) {
    return invalid('/Message', 'alarm field /AlarmArn: is required (or AWSAccountId, to identify the alarm by name)');
  }
  const resolved = alarm.NewStateValue === 'OK';
  const changedAt = isoFromText(alarm.StateChangeTime);
  const dimensions = recordOf((alarm.Trigger?.Dimensions ?? []).map(({ name, value }) => [name, value] as const));
  return {
    ok: true,
    alerts: [
      {
        source: 'cloudwatch',
        dedupKey: `cloudwatch:${identity}`,
        status: resolved ? 'resolved' : 'firing',
        title: alarm.AlarmName.trim(),
        description: joinText([alarm.AlarmDescription, alarm.NewStateReason]),
        service: SERVICE_DIMENSIONS.map((name) => nonEmpty(dimensions[name])).find(Boolean),
        startsAt: resolved ? undefined : changedAt,
        endsAt: resolved ? changedAt : undefined,
        url: consoleUrl(alarm, topicArn),
        labels: recordOf([
          ['namespace', nonEmpty(alarm.Trigger?.Namespace)],
          ['metric', nonEmpty(alarm.Trigger?.MetricName)],
          ...Object.entries(dimensions),
        ]),
      },
    ],
  };
}

/**
 * What names the alarm across its notifications: its ARN, or for messages from before CloudWatch sent
 * one, the account, the region (as the message words it, e.g. "EU (Ireland)") and the alarm's name.
 */
function alarmIdentity(alarm: Alarm, topicArn: string | undefined): string | undefined {
  const arn = nonEmpty(alarm.AlarmArn);
  if (arn) return arn;
  const account = nonEmpty(alarm.AWSAccountId) ?? /^arn:[^:]+:sns:[^:]*:(\d+):/.exec(topicArn ?? '')?.[1];
  if (!account) return undefined;
  return `account:${account}:${nonEmpty(alarm.Region) ?? ''}:${alarm.AlarmName.trim()}`;
}

const REGION = /^arn:aws:(?:cloudwatch|sns):([a-z]{2}(?:-[a-z]+)+-\d+):/;

/** The alarm's page in the AWS console, for alarms in the standard `aws` partition. */
function consoleUrl(alarm: Alarm, topicArn: string | undefined): string | undefined {
  const region = REGION.exec(nonEmpty(alarm.AlarmArn) ?? topicArn ?? '')?.[1];
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
