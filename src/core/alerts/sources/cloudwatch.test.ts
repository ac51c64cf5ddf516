import { describe, expect, it } from 'vitest';
import { alertsOf, errorOf, fixture, noHeaders } from '../../../../test/helpers/source-fixtures.js';
import { parseCloudWatch, snsSubscribeUrl } from './cloudwatch.js';

/** The firing notification with its alarm (the JSON inside Message) changed by `edit`. */
function withAlarm(edit: (alarm: Record<string, unknown>) => void): Record<string, unknown> {
  const body = fixture('cloudwatch-sns-firing.json');
  const alarm = JSON.parse(body.Message as string) as Record<string, unknown>;
  edit(alarm);
  return { ...body, Message: JSON.stringify(alarm) };
}

describe('parseCloudWatch', () => {
  it('turns an ALARM notification into a firing alert keyed by the alarm', () => {
    const [alert] = alertsOf(parseCloudWatch(fixture('cloudwatch-sns-firing.json'), noHeaders));

    expect(alert).toMatchObject({
      source: 'cloudwatch',
      dedupKey: 'cloudwatch:arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-ratio-high',
      status: 'firing',
      title: 'checkout-api-5xx-ratio-high',
      startsAt: '2025-06-10T09:41:12.337Z',
      endsAt: undefined,
      url: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/checkout-api-5xx-ratio-high',
      labels: {
        namespace: 'AWS/ApplicationELB',
        metric: 'HTTPCode_Target_5XX_Count',
        LoadBalancer: 'app/checkout-alb/50dc6c495c0c9188',
      },
    });
    expect(alert?.description).toMatch(/^checkout-api ALB 5xx count above threshold\nThreshold Crossed: 3 out of/);
    expect(alert?.service).toBeUndefined();
    expect(alert?.statusCode).toBeUndefined();
  });

  it('resolves the same alarm on an OK notification', () => {
    const [firing] = alertsOf(parseCloudWatch(fixture('cloudwatch-sns-firing.json'), noHeaders));
    const [resolved] = alertsOf(parseCloudWatch(fixture('cloudwatch-sns-resolved.json'), noHeaders));

    expect(resolved?.dedupKey).toBe(firing?.dedupKey);
    expect(resolved?.status).toBe('resolved');
    expect(resolved?.endsAt).toBe('2025-06-10T10:02:12.118Z');
  });

  it('takes the service from a Lambda, ECS or API Gateway dimension', () => {
    const body = withAlarm((alarm) => {
      alarm.Trigger = {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ name: 'FunctionName', value: 'charge' }],
      };
    });

    expect(alertsOf(parseCloudWatch(body, noHeaders))[0]?.service).toBe('charge');
  });

  it('yields no alert for INSUFFICIENT_DATA, which is neither firing nor resolved', () => {
    const body = withAlarm((alarm) => {
      alarm.NewStateValue = 'INSUFFICIENT_DATA';
    });

    expect(parseCloudWatch(body, noHeaders)).toEqual({ ok: true, alerts: [] });
  });

  it('acknowledges a subscription confirmation with no alerts', () => {
    expect(parseCloudWatch(fixture('cloudwatch-sns-confirm.json'), noHeaders)).toEqual({ ok: true, alerts: [] });
  });

  it('points at /Message when the message is not a CloudWatch alarm', () => {
    const notJson = { ...fixture('cloudwatch-sns-firing.json'), Message: 'hello' };
    const noState = withAlarm((alarm) => {
      delete alarm.NewStateValue;
    });

    expect(errorOf(parseCloudWatch(notJson, noHeaders)).pointer).toBe('/Message');
    const error = errorOf(parseCloudWatch(noState, noHeaders));
    expect(error.pointer).toBe('/Message');
    expect(error.message).toBe(
      '/Message: alarm field /NewStateValue: is required (one of "ALARM"|"OK"|"INSUFFICIENT_DATA")',
    );
  });

  it('points at /Type for a body that is not an SNS message', () => {
    expect(errorOf(parseCloudWatch({ AlarmName: 'x' }, noHeaders)).pointer).toBe('/Type');
    expect(errorOf(parseCloudWatch({ Type: 'Notification' }, noHeaders)).pointer).toBe('/Message');
    expect(errorOf(parseCloudWatch('Notification', noHeaders)).pointer).toBe('');
  });
});

describe('snsSubscribeUrl', () => {
  it('returns the SubscribeURL of a subscription confirmation', () => {
    expect(snsSubscribeUrl(fixture('cloudwatch-sns-confirm.json'))).toBe(
      'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:123456789012:slack-alert-bot&Token=PLACEHOLDER_SUBSCRIPTION_TOKEN',
    );
  });

  it('returns nothing for a notification', () => {
    expect(snsSubscribeUrl(fixture('cloudwatch-sns-firing.json'))).toBeUndefined();
  });

  it('refuses a SubscribeURL that is not https on an SNS host', () => {
    const confirm = fixture('cloudwatch-sns-confirm.json');
    for (const url of [
      'http://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription',
      'https://sns.eu-west-1.amazonaws.com.evil.example/?Action=ConfirmSubscription',
      'https://169.254.169.254/latest/meta-data/',
      'https://user@sns.eu-west-1.amazonaws.com/',
      'not a url',
    ]) {
      expect(snsSubscribeUrl({ ...confirm, SubscribeURL: url })).toBeUndefined();
    }
  });

  it('returns nothing for bodies that are not objects', () => {
    for (const body of [null, undefined, 'SubscriptionConfirmation', [], 1])
      expect(snsSubscribeUrl(body)).toBeUndefined();
  });
});
