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

/** Escapes text for mrkdwn, where &, < and > are control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
