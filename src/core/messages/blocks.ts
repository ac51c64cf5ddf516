/**
 * Block Kit building blocks that stay inside Slack's limits: a section's text is cut at 3,000 characters,
 * a header at 150, a message at 50 blocks, with a note of what was left out instead of a rejected post.
 * @module
 */

export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  contextElements: 10,
  actions: 25,
  /** Slack truncates `text` over 40,000 characters; it asks for 4,000 at most. */
  fallbackText: 4000,
  /** A link's URL (a button's `url` may be 3,000 characters; the same bound here). */
  url: 3000,
} as const;

export type Block = Record<string, unknown>;

export interface SlackPayload {
  /** Fallback text for notifications and clients that cannot show blocks. */
  text: string;
  blocks: Block[];
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = '…';
  return text.slice(0, max - marker.length) + marker;
}

export const header = (text: string): Block => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true },
});

export const section = (markdown: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(markdown, LIMITS.sectionText) },
});

export const context = (...markdown: string[]): Block => ({
  type: 'context',
  elements: markdown
    .slice(0, LIMITS.contextElements)
    .map((text) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) })),
});

export const divider = (): Block => ({ type: 'divider' });

export interface ButtonSpec {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
}

export const actions = (blockId: string, buttons: readonly ButtonSpec[]): Block => ({
  type: 'actions',
  block_id: blockId,
  elements: buttons.slice(0, LIMITS.actions).map((b) => ({
    type: 'button',
    text: { type: 'plain_text', text: truncate(b.text, LIMITS.buttonText), emoji: true },
    action_id: b.actionId,
    value: b.value,
    ...(b.style ? { style: b.style } : {}),
  })),
});

/**
 * Lists items in as few sections as fit: each section holds up to 3,000 characters, and when the block
 * budget runs out the rest is summarized as "…and N more".
 */
export function listSections(lines: readonly string[], maxBlocks: number): Block[] {
  const blocks: Block[] = [];
  let current = '';
  let index = 0;
  for (; index < lines.length; index++) {
    const line = truncate(lines[index] as string, LIMITS.sectionText - 40);
    const next = current ? `${current}\n${line}` : line;
    if (next.length <= LIMITS.sectionText - 40) {
      current = next;
      continue;
    }
    if (blocks.length + 1 >= maxBlocks) break;
    blocks.push(section(current));
    current = line;
  }
  const left = lines.length - index;
  if (current) blocks.push(section(left > 0 ? `${current}\n…and ${left} more` : current));
  return blocks;
}

/** Caps a message at Slack's block limit, replacing the overflow with a note. */
export function capBlocks(blocks: Block[]): Block[] {
  if (blocks.length <= LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, LIMITS.blocks - 1);
  kept.push(context(`_${blocks.length - kept.length} more blocks were left out to fit Slack's limit._`));
  return kept;
}

/**
 * Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), zero-width characters (U+200B-U+200F,
 * U+2060, U+FEFF) and the soft hyphen: invisible in Slack, they can make a title read differently from what
 * it is ("Trojan Source"), or hide a word from a reader while the notification still carries it.
 */
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
 * The one escaping function for every sender-controlled value that reaches a Slack text field (mrkdwn,
 * plain_text, and a message's top-level `text`, which Slack parses as mrkdwn for notifications): `&`, `<`
 * and `>` become entities, so `<!channel>`, `<@U123>`, `<#C123>` and `<url|label>` are shown, never acted on;
 * invisible bidi and zero-width characters are removed.
 * @example escapeMrkdwn('<!channel> 5xx & more') // "&lt;!channel&gt; 5xx &amp; more"
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(INVISIBLE, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A message's top-level `text` (the notification and the fallback for clients without blocks). Slack
 * truncates over 40,000 characters and answers `msg_too_long` well before its 4 MB request limit, so it is
 * kept to {@link LIMITS.fallbackText}; callers escape the sender's parts with {@link escapeMrkdwn} first.
 */
export function fallbackText(text: string): string {
  return truncate(text, LIMITS.fallbackText);
}

/** Characters that would end or split a Slack link (`<url|label>`) or start a mention inside one. */
const LINK_BREAKERS: Readonly<Record<string, string>> = { '|': '%7C', '<': '%3C', '>': '%3E' };

/**
 * A sender's URL made safe to put in `<url|label>`: only an absolute http(s) URL with a host and no
 * credentials, at most {@link LIMITS.url} characters, with `|`, `<`, `>` (and spaces, quotes, controls)
 * percent-encoded by the URL parser or here; anything else is `undefined` and the caller shows no link.
 * @example safeUrl('https://a.example/x|y><!channel>') // "https://a.example/x%7Cy%3E%3C!channel%3E"
 */
export function safeUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  if (!/^https?:\/\//i.test(trimmed) || !URL.canParse(trimmed)) return undefined;
  const url = new URL(trimmed);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  // The parser percent-encodes spaces, quotes and controls, and `<`/`>` in the path; `|` it leaves alone.
  const href = url.href.replace(/[|<>]/g, (c) => LINK_BREAKERS[c] ?? c).replace(INVISIBLE, '');
  return href.length <= LIMITS.url ? href : undefined;
}

/**
 * The one way a link is written into mrkdwn: `<url|label>` with the URL checked by {@link safeUrl} and the
 * label escaped, or the label alone when the URL is not one apierr will link to.
 */
export function mrkdwnLink(url: string | undefined, label: string): string {
  const href = safeUrl(url);
  return href === undefined ? escapeMrkdwn(label) : `<${href}|${escapeMrkdwn(label)}>`;
}
