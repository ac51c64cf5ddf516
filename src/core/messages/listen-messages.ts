/**
 * Messages about alerts apierr read in another tool's Slack message (see `use-cases/listen-message.ts`).
 * @module
 */
import type { Match } from '../knowledge/matcher.js';
import { context, escapeMrkdwn, type SlackPayload, section } from './blocks.js';
import { percent } from './layer.js';

/** The tool posted the same alert again soon after: said once, in the first message's thread. */
export function renderSeenAgainNote(): SlackPayload {
  const text =
    ':repeat: Seen again: the same alert was posted again in this channel; the explanation above still applies.';
  return { text, blocks: [context(text)] };
}

/** A message with nothing apierr recognizes: the closest guesses, so the answer is never silence. */
export function renderNoConfidentMatch(title: string, guesses: readonly Match[]): SlackPayload {
  const list = guesses
    .slice(0, 3)
    .map((m) => `• ${escapeMrkdwn(m.title)} (${percent(m.confidence)})`)
    .join('\n');
  const subject = title ? `*${escapeMrkdwn(title.slice(0, 200))}*` : 'this message';
  const text = `apierr does not recognize an API error in ${subject} with confidence.`;
  return {
    text: `apierr does not recognize an API error in this message with confidence.`,
    blocks: [
      section(list ? `${text}\nClosest guesses:\n${list}` : `${text} Nothing in the knowledge base comes close.`),
      context('Try `/apierr <status code or error text>`, or add a pattern in `knowledge/`.'),
    ],
  };
}
