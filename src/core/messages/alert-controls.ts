/**
 * What an alert's parent offers and shows besides the alert: who acknowledged it, whether Alertmanager
 * silences it, and the controls to change that (Acknowledge / Unacknowledge, Silence… with 1 h, 4 h and
 * 24 h, Expire silence). Also the one-line thread notes those actions leave.
 * @module
 */
import type { AlertAction, StoredAlert } from '../ports.js';
import { type Block, context, escapeMrkdwn, type SlackPayload, section } from './blocks.js';

export const ACK_ACTION = 'apierr_ack';
export const UNACK_ACTION = 'apierr_unack';
export const SILENCE_ACTION = 'apierr_silence';
export const EXPIRE_SILENCE_ACTION = 'apierr_expire_silence';

export interface ControlOptions {
  /** Offer "Silence…": ALERTMANAGER_URL is set and the alert came from Alertmanager. */
  silence: boolean;
  /** The durations offered, in hours. */
  silenceHours: readonly number[];
}

/**
 * A Slack user mention. Ids come from Slack's signed payloads, but are checked anyway: anything that is not
 * a user id is shown as escaped text, never as a mention of something else.
 */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9]{2,20}$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** "15:32 UTC" today, "2026-12-02 15:32 UTC" another day. */
export function utcTime(at: number, now: number): string {
  const iso = new Date(at).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

export function hoursText(hours: number): string {
  return `${hours} h`;
}

/** The state line and the controls under an alert's parent (or a storm digest, through its representative). */
export function parentControls(alert: StoredAlert, options: ControlOptions, now: number): Block[] {
  const state: string[] = [];
  if (alert.ackedBy)
    state.push(`:raised_hand: Acknowledged by ${mention(alert.ackedBy)} at ${utcTime(alert.ackedAt ?? now, now)}`);
  // A silence past its end is over in Alertmanager too: the alert may be silenced again.
  const silenced =
    alert.silenceId !== undefined &&
    !alert.silenceId.startsWith('pending:') &&
    (alert.silencedUntil === undefined || alert.silencedUntil > now);
  if (silenced && alert.silencedUntil !== undefined)
    state.push(`:no_bell: Silenced in Alertmanager until ${utcTime(alert.silencedUntil, now)}`);
  const blocks: Block[] = state.length > 0 ? [context(state.join('   '))] : [];
  if (alert.status === 'resolved') return blocks;

  const elements: Record<string, unknown>[] = [
    alert.ackedBy
      ? button(UNACK_ACTION, 'Unacknowledge', String(alert.id))
      : { ...button(ACK_ACTION, 'Acknowledge', String(alert.id)), style: 'primary' },
  ];
  if (options.silence && !silenced) {
    elements.push({
      type: 'static_select',
      action_id: SILENCE_ACTION,
      placeholder: { type: 'plain_text', text: 'Silence…' },
      options: options.silenceHours.map((hours) => ({
        text: { type: 'plain_text', text: `Silence for ${hoursText(hours)}` },
        value: `${alert.id}:${hours}`,
      })),
    });
  }
  if (silenced) elements.push(button(EXPIRE_SILENCE_ACTION, 'Expire silence', `${alert.id}:${alert.silenceId}`));
  blocks.push({ type: 'actions', block_id: `alert-controls:${alert.id}`, elements });
  return blocks;
}

function button(actionId: string, text: string, value: string): Record<string, unknown> {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text }, value };
}

export function renderAckNote(
  outcome: { kind: 'ack' } | { kind: 'takeover'; from: string } | { kind: 'unack' },
  userId: string,
): SlackPayload {
  const who = mention(userId);
  const text =
    outcome.kind === 'ack'
      ? `:raised_hand: ${who} acknowledged this alert.`
      : outcome.kind === 'takeover'
        ? `:raised_hand: ${who} took this alert over from ${mention(outcome.from)}.`
        : `:leftwards_arrow_with_hook: ${who} unacknowledged this alert: nobody holds it now.`;
  return { text, blocks: [context(text)] };
}

export function renderSilenceNote(
  alert: StoredAlert,
  userId: string,
  hours: number,
  until: number,
  now: number,
): SlackPayload {
  const text = `:no_bell: Silenced in Alertmanager for ${hoursText(hours)} by ${mention(userId)} until ${utcTime(until, now)}.`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        block_id: `silence:${alert.id}`,
        elements: [button(EXPIRE_SILENCE_ACTION, 'Expire silence', `${alert.id}:${alert.silenceId ?? ''}`)],
      },
    ],
  };
}

export function renderSilenceExpiredNote(userId: string): SlackPayload {
  const text = `:bell: ${mention(userId)} expired the silence: Alertmanager notifies again.`;
  return { text, blocks: [context(text)] };
}

/** The `/apierr stats` lines for recent acknowledgements and silences. */
export function actionLines(actions: readonly AlertAction[], now: number): string[] {
  const verb = {
    ack: 'acknowledged',
    takeover: 'took over',
    unack: 'unacknowledged',
    silence: 'silenced',
    expire: 'expired the silence of',
  } as const;
  return actions.map(
    (a) =>
      `• ${utcTime(a.at, now)}: ${mention(a.userId)} ${verb[a.kind]} *${escapeMrkdwn(a.alertTitle)}*${
        a.kind === 'silence' && a.until !== undefined
          ? ` until ${utcTime(a.until, now)} (silence ${escapeMrkdwn(a.silenceId ?? '')})`
          : ''
      }`,
  );
}
