/**
 * The team correcting a match: "Wrong pattern?" under an explanation picks the right entry. apierr records
 * who changed it, when, from which entry to which; edits the explanation (fix numbers and buttons follow the
 * new entry); and the team's next alerts of the same kind (same source alert name, or same normalized
 * title) match the chosen entry first, "corrected by the team". Picking "Undo the correction" reverts it.
 * @module
 */

import type { Match } from '../knowledge/matcher.js';
import type { Entry } from '../knowledge/schema.js';
import { isListened } from '../listen/listened.js';
import { alertKey } from '../listen/message-text.js';
import { renderAlertExplanation, renderAlertParent } from '../messages/alert-messages.js';
import type { SlackPayload } from '../messages/blocks.js';
import { correctedNote, correctionControl, UNDO_VALUE } from '../messages/correction-messages.js';
import type { StoredAlert } from '../ports.js';
import { controlOptions } from './controls.js';
import { rankedFixesFor } from './explain-query.js';
import type { CoreServices } from './services.js';

export type CorrectionOutcome =
  | { kind: 'corrected'; alertId: number; from: string | undefined; to: string }
  | { kind: 'undone'; alertId: number; to: string | undefined }
  | { kind: 'ignored'; reason: 'unknown-message' | 'other-team' | 'unknown-entry' | 'nothing-to-undo' | 'same-entry' };

export interface CorrectionPress {
  teamId: string;
  userId: string;
  channel: string;
  /** The explanation message the menu is on. */
  messageTs: string;
  /** The chosen option: an entry id, or UNDO_VALUE. */
  value: string;
}

/** The kinds an alert belongs to, most specific first: its source alert name, then its normalized title. */
export function kindKeysOf(alert: Pick<StoredAlert, 'source' | 'title' | 'labels'>): string[] {
  const name = alert.labels.alertname ?? alert.labels.rulename ?? alert.labels.monitor ?? alert.title;
  return [`name:${alert.source}:${name.toLowerCase().trim().slice(0, 200)}`, `title:${alertKey(alert.title)}`];
}

/** The match shown for an entry the team chose. */
export function correctedMatch(entry: Entry): Match {
  return {
    id: entry.id,
    title: entry.title,
    confidence: 1,
    reasons: [{ kind: 'corrected', detail: 'corrected by the team' }],
  };
}

/** The entry the team chose for alerts of this kind, if it did. */
export async function correctedEntryFor(
  services: Pick<CoreServices, 'store' | 'slack' | 'entries'>,
  alert: StoredAlert,
): Promise<Entry | undefined> {
  const teamId = alert.teamId ?? (await services.slack.teamId());
  if (!teamId) return undefined;
  const entryId = await services.store.matchOverride(teamId, kindKeysOf(alert));
  return entryId ? services.entries.get(entryId) : undefined;
}

export async function correctMatch(services: CoreServices, press: CorrectionPress): Promise<CorrectionOutcome> {
  const alert = await services.store.findAlertByMessage(press.channel, press.messageTs);
  if (!alert?.explanationTs || alert.explanationTs !== press.messageTs || !alert.channel)
    return { kind: 'ignored', reason: 'unknown-message' };
  if (alert.teamId !== press.teamId) return { kind: 'ignored', reason: 'other-team' };

  let kind: 'correct' | 'undo';
  let toEntry: string | undefined;
  if (press.value === UNDO_VALUE) {
    const last = await services.store.lastCorrection(alert.id);
    if (last?.kind !== 'correct') return { kind: 'ignored', reason: 'nothing-to-undo' };
    kind = 'undo';
    toEntry = last.fromEntry;
  } else {
    if (!services.entries.has(press.value)) return { kind: 'ignored', reason: 'unknown-entry' };
    if (press.value === alert.entryId) return { kind: 'ignored', reason: 'same-entry' };
    kind = 'correct';
    toEntry = press.value;
  }
  const entry = toEntry ? services.entries.get(toEntry) : undefined;
  const fixes = entry ? await rankedFixesFor(services, entry, alert.service) : [];
  await services.store.recordCorrection({
    alertId: alert.id,
    teamId: press.teamId,
    userId: press.userId,
    kind,
    toEntry,
    fixOrder: fixes.slice(0, 9).map((fix) => fix.id),
    kindKeys: kindKeysOf(alert),
    at: services.clock.now(),
  });

  const result = services.matcher.match(`${alert.title}\n${alert.description}`, { statusCode: alert.statusCode });
  const best = entry
    ? kind === 'correct'
      ? correctedMatch(entry)
      : (result.matches.find((m) => m.id === entry.id) ?? correctedMatch(entry))
    : undefined;
  const runnersUp = result.matches.filter((m) => m.id !== best?.id).slice(0, 3);
  const updated: StoredAlert = { ...alert, entryId: toEntry };
  const message = withCorrectionControl(
    renderAlertExplanation(updated, entry, best, fixes, runnersUp),
    updated,
    services.entries,
    kind === 'correct'
      ? { userId: press.userId, fromTitle: alert.entryId ? services.entries.get(alert.entryId)?.title : undefined }
      : undefined,
  );
  const edit = await services.slack.updateMessage({ channel: alert.channel, ts: alert.explanationTs, ...message });
  if (!edit.ok)
    services.logger.warn({ failure: edit.failure, alert: alert.id }, 'could not edit the corrected explanation');
  // apierr's own parent names the pattern too; a listened alert's parent is another tool's message.
  if (!isListened(alert) && alert.parentTs && alert.digestId === undefined) {
    const parent = await services.slack.updateMessage({
      channel: alert.channel,
      ts: alert.parentTs,
      ...renderAlertParent(updated, best, services.clock.now(), controlOptions(services, updated)),
    });
    if (!parent.ok) services.logger.warn({ failure: parent.failure }, 'could not edit the corrected parent');
  }
  return kind === 'correct'
    ? { kind: 'corrected', alertId: alert.id, from: alert.entryId, to: toEntry as string }
    : { kind: 'undone', alertId: alert.id, to: toEntry };
}

/** The explanation with "Wrong pattern?" under it (and who corrected it, when someone did). */
export function withCorrectionControl(
  message: SlackPayload,
  alert: Pick<StoredAlert, 'id' | 'entryId'>,
  entries: ReadonlyMap<string, Entry>,
  corrected?: { userId: string; fromTitle: string | undefined },
): SlackPayload {
  const blocks = message.blocks.slice(0, 47);
  if (corrected) blocks.push(correctedNote(corrected.userId, corrected.fromTitle));
  blocks.push(correctionControl(alert.id, entries.values(), alert.entryId, corrected !== undefined));
  return { text: message.text, blocks };
}
