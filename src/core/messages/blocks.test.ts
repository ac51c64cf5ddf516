import { describe, expect, it } from 'vitest';
import { capBlocks, header, LIMITS, listSections, section, truncate } from './blocks.js';

const sectionText = (block: Record<string, unknown>) => (block.text as { text: string }).text;

describe('Block Kit limits', () => {
  it('cuts a section at 3,000 characters and a header at 150, marking the cut', () => {
    expect(sectionText(section('x'.repeat(5000)))).toHaveLength(LIMITS.sectionText);
    expect(sectionText(section('x'.repeat(5000))).endsWith('…')).toBe(true);
    expect(sectionText(header('y'.repeat(400)))).toHaveLength(LIMITS.headerText);
    expect(truncate('short', 10)).toBe('short');
  });

  it('packs a long list into sections under the limit and counts what it had to leave out', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `• alert number ${i} with a reasonably long title`);
    const blocks = listSections(lines, 10);
    expect(blocks.length).toBeLessThanOrEqual(10);
    for (const block of blocks) expect(sectionText(block).length).toBeLessThanOrEqual(LIMITS.sectionText);
    const shown = blocks.map(sectionText).join('\n');
    const listed = (shown.match(/• alert number/g) ?? []).length;
    expect(shown).toContain(`…and ${5000 - listed} more`);
  });

  it('lists everything when it fits', () => {
    const blocks = listSections(['a', 'b', 'c'], 5);
    expect(blocks).toHaveLength(1);
    expect(sectionText(blocks[0] as Record<string, unknown>)).toBe('a\nb\nc');
  });

  it('keeps a message at 50 blocks, saying how many were left out', () => {
    const blocks = capBlocks(Array.from({ length: 80 }, (_, i) => section(`block ${i}`)));
    expect(blocks).toHaveLength(LIMITS.blocks);
    expect(JSON.stringify(blocks.at(-1))).toContain('31 more blocks were left out');
  });
});
