/**
 * Acting on an alert from its Slack message: acknowledge it (or take it over, or give it back), and silence
 * it in Alertmanager for a while (or expire that silence). Only people of the workspace the alert was
 * posted in may act on it; every action is recorded, the parent is edited to show the state, and the
 * thread gets a one-line note. A silence is a person's decision, so a failure goes back to that person
 * (the reply) instead of being retried.
 * @module
 */
import { describeSilenceFailure, matchersFor, type SilencePort } from '../alertmanager.js';
import type { Match } from '../knowledge/matcher.js';
import { hoursText, renderAckNote, renderSilenceExpiredNote, renderSilenceNote } from '../messages/alert-controls.js';
import { renderAlertParent } from '../messages/alert-messages.js';
import type { SlackPayload } from '../messages/blocks.js';
import type { StoredAlert } from '../ports.js';
import { controlOptions } from './controls.js';
import { refreshDigest } from './deliver.js';
import type { CoreServices } from './services.js';

export interface AlertPress {
  teamId: string;
  userId: string;
  /** Slack's display name of the presser, for Alertmanager's `createdBy`. */
  userName: string;
  channel: string;
  messageTs: string;
  /** The thread the pressed message is in, when it is a reply (the silence note's "Expire silence"). */
  threadTs?: string | undefined;
  /** The control's value: `<alert id>` or `<alert id>:<hours>` or `<alert id>:<silence id>`. */
  value: string;
}

/** What to tell the person who pressed (ephemeral); undefined when the edit and the note say it all. */
export interface ActionReply {
  reply: string | undefined;
}

const STALE_SILENCE_CLAIM_MS = 60_000;
const HOUR_MS = 60 * 60 * 1000;

/** The alert whose parent (or storm digest) carries the pressed control, if the presser may act on it. */
async function target(
  services: CoreServices,
  press: AlertPress,
): Promise<{ alert: StoredAlert } | { refusal: string }> {
  const onMessage = await services.store.findAlertByMessage(press.channel, press.messageTs);
  // A note in the alert's thread is found through its thread: the parent.
  const alert =
    onMessage ?? (press.threadTs ? await services.store.findAlertByMessage(press.channel, press.threadTs) : undefined);
  const id = Number(press.value.split(':')[0]);
  // The value is client-supplied: trust it only when it names the alert of the very message (or thread) pressed.
  if (!alert || alert.id !== id) return { refusal: 'That control does not belong to an alert apierr knows.' };
  if (alert.teamId !== press.teamId)
    return { refusal: 'Only members of the workspace the alert was posted in can act on it.' };
  return { alert };
}

export async function acknowledgeFromSlack(
  services: CoreServices,
  press: AlertPress,
  undo: boolean,
): Promise<ActionReply> {
  const found = await target(services, press);
  if ('refusal' in found) return { reply: found.refusal };
  const { alert } = found;
  const now = services.clock.now();
  let note: SlackPayload;
  if (undo) {
    if (!(await services.store.unacknowledge(alert.id, press.userId, now)))
      return { reply: 'Nobody has acknowledged this alert.' };
    note = renderAckNote({ kind: 'unack' }, press.userId);
  } else {
    const outcome = await services.store.acknowledge(alert.id, press.userId, now);
    if (outcome.kind === 'unchanged') return { reply: 'You have already acknowledged this alert.' };
    note = renderAckNote(outcome, press.userId);
  }
  services.logger.info({ alert: alert.id, user: press.userId, undo }, 'alert acknowledgement changed');
  return editAndNote(services, alert.id, note);
}

export async function silenceFromSlack(services: CoreServices, press: AlertPress): Promise<ActionReply> {
  const silences: SilencePort | undefined = services.silences;
  if (!silences) return { reply: 'Silencing is not set up: ALERTMANAGER_URL is not set.' };
  const found = await target(services, press);
  if ('refusal' in found) return { reply: found.refusal };
  const { alert } = found;
  const hours = Number(press.value.split(':')[1]);
  if (!controlOptions(services, alert).silenceHours.includes(hours)) return { reply: 'That duration is not offered.' };
  if (alert.source !== 'alertmanager') return { reply: 'Only alerts from Alertmanager can be silenced there.' };
  if (alert.status === 'resolved') return { reply: 'This alert is resolved: there is nothing to silence.' };
  const matchers = matchersFor(alert.labels);
  if (!matchers)
    return {
      reply:
        "This alert's labels are no longer stored (retention), so apierr cannot tell Alertmanager what to silence.",
    };

  const now = services.clock.now();
  const token = `${press.userId}-${now}-${Math.random().toString(36).slice(2, 10)}`;
  // One silence per alert: a double click, or two people at once, reserve it once.
  if (!(await services.store.claimSilence(alert.id, token, now, now - STALE_SILENCE_CLAIM_MS)))
    return { reply: 'This alert is already silenced, or a silence for it is being created.' };

  const until = now + hours * HOUR_MS;
  const created = await silences.create({
    matchers,
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(until).toISOString(),
    createdBy: `${press.userName || press.userId} (Slack ${press.userId})`,
    comment: `Silenced for ${hoursText(hours)} from Slack by ${press.userName || press.userId}: ${permalink(alert)}`,
  });
  if (!created.ok) {
    await services.store.releaseSilence(alert.id, token);
    services.logger.warn(
      { alert: alert.id, user: press.userId, failure: created.failure },
      'Alertmanager refused a silence',
    );
    return { reply: describeSilenceFailure(created.failure) };
  }
  await services.store.saveSilence(alert.id, {
    token,
    silenceId: created.value.silenceId,
    until,
    userId: press.userId,
    at: now,
  });
  services.logger.info(
    { alert: alert.id, user: press.userId, silence: created.value.silenceId, until },
    'alert silenced',
  );
  const saved = (await services.store.getAlert(alert.id)) ?? alert;
  return editAndNote(services, alert.id, renderSilenceNote(saved, press.userId, hours, until, now));
}

export async function expireSilenceFromSlack(services: CoreServices, press: AlertPress): Promise<ActionReply> {
  const silences = services.silences;
  if (!silences) return { reply: 'Silencing is not set up: ALERTMANAGER_URL is not set.' };
  const found = await target(services, press);
  if ('refusal' in found) return { reply: found.refusal };
  const { alert } = found;
  const silenceId = press.value.slice(press.value.indexOf(':') + 1);
  if (!alert.silenceId || alert.silenceId !== silenceId) return { reply: 'That silence has already been expired.' };
  // A silence past its end time is over in Alertmanager (which answers an error to an expiry of it): forget it.
  const over = alert.silencedUntil !== undefined && alert.silencedUntil <= services.clock.now();
  const expired = over ? ({ ok: true, value: undefined } as const) : await silences.expire(silenceId);
  // Gone already in Alertmanager (expired there, or by its end time): forget it here as well.
  if (!expired.ok && expired.failure.kind !== 'not-found') {
    services.logger.warn(
      { alert: alert.id, silence: silenceId, failure: expired.failure },
      'could not expire a silence',
    );
    return { reply: describeSilenceFailure(expired.failure) };
  }
  const now = services.clock.now();
  if (!(await services.store.clearSilence(alert.id, silenceId, press.userId, now)))
    return { reply: 'That silence has already been expired.' };
  services.logger.info({ alert: alert.id, user: press.userId, silence: silenceId }, 'silence expired');
  return editAndNote(services, alert.id, renderSilenceExpiredNote(press.userId));
}

/** Edits the parent (or the storm digest) to show the new state, and notes the action in the thread. */
async function editAndNote(services: CoreServices, alertId: number, note: SlackPayload): Promise<ActionReply> {
  const alert = await services.store.getAlert(alertId);
  if (!alert?.parentTs || !alert.channel) return { reply: undefined };
  const now = services.clock.now();
  const digest = alert.digestId !== undefined ? await services.store.getDigest(alert.digestId) : undefined;
  const edited =
    digest?.parentTs === alert.parentTs
      ? await refreshDigest(services, digest)
      : await services.slack.updateMessage({
          channel: alert.channel,
          ts: alert.parentTs,
          ...renderAlertParent(alert, bestOf(services, alert), now, controlOptions(services, alert)),
        });
  const noted = await services.slack.postMessage({ channel: alert.channel, threadTs: alert.parentTs, ...note });
  if (!edited.ok || !noted.ok) {
    services.logger.warn({ alert: alertId, edited: edited.ok, noted: noted.ok }, 'could not show an action in Slack');
    return { reply: 'Recorded, but Slack did not take the update; the message may show the old state for now.' };
  }
  return { reply: undefined };
}

function bestOf(services: CoreServices, alert: StoredAlert): Match | undefined {
  if (!alert.entryId) return undefined;
  const entry = services.entries.get(alert.entryId);
  if (!entry) return undefined;
  if (alert.confidence !== undefined)
    return { id: entry.id, title: entry.title, confidence: alert.confidence, reasons: [] };
  // No stored confidence (a correction was undone): ask the matcher again, as the resolve edit does.
  return services.matcher
    .match(`${alert.title}\n${alert.description}`, { statusCode: alert.statusCode })
    .matches.find((m) => m.id === entry.id);
}

/** A link back to the alert's Slack thread, for Alertmanager's silence comment. */
function permalink(alert: StoredAlert): string {
  return alert.channel && alert.parentTs
    ? `https://slack.com/archives/${alert.channel}/p${alert.parentTs.replace('.', '')}`
    : `apierr alert ${alert.id}`;
}
