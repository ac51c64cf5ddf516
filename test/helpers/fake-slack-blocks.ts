/**
 * The Block Kit limits the fake enforces (FORMATS.md §3.8), so a message that Slack would reject with
 * `invalid_blocks` is rejected in tests too instead of passing silently.
 *
 * Messages mimic Slack's `errors` entries ("… [json-pointer:/blocks/0/text]"); only the error code is a
 * contract, the wording is a debugging aid.
 * @module
 */

export interface BlocksProblem {
  error: 'invalid_blocks' | 'invalid_blocks_format';
  errors: string[];
}

const MAX_BLOCKS = 50;
const LIMITS = {
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  blockId: 255,
} as const;

/** Returns undefined when Slack would accept the blocks. */
export function checkBlocks(blocks: unknown): BlocksProblem | undefined {
  // A form field that was not valid JSON arrives here as a string; Slack calls that a format error.
  if (!Array.isArray(blocks)) {
    return { error: 'invalid_blocks_format', errors: ['must be an array [json-pointer:/blocks]'] };
  }
  const errors: string[] = [];
  if (blocks.length > MAX_BLOCKS) errors.push(`no more than ${MAX_BLOCKS} items allowed [json-pointer:/blocks]`);
  const seenIds = new Set<string>();
  blocks.forEach((block: unknown, i) => {
    errors.push(...checkBlock(block, `/blocks/${i}`, seenIds));
  });
  return errors.length > 0 ? { error: 'invalid_blocks', errors } : undefined;
}

function checkBlock(block: unknown, at: string, seenIds: Set<string>): string[] {
  if (!isObject(block) || typeof block.type !== 'string') return [`missing required field: type [json-pointer:${at}]`];
  const errors: string[] = [];
  if (typeof block.block_id === 'string') {
    if (seenIds.has(block.block_id)) errors.push(`block_id must be unique [json-pointer:${at}/block_id]`);
    seenIds.add(block.block_id);
    errors.push(...tooLong(block.block_id, LIMITS.blockId, `${at}/block_id`));
  }
  switch (block.type) {
    case 'section': {
      errors.push(...tooLong(textOf(block.text), LIMITS.sectionText, `${at}/text`));
      const fields = Array.isArray(block.fields) ? block.fields : [];
      errors.push(...tooMany(fields, LIMITS.sectionFields, `${at}/fields`));
      fields.forEach((field: unknown, j) => {
        errors.push(...tooLong(textOf(field), LIMITS.sectionFieldText, `${at}/fields/${j}`));
      });
      break;
    }
    case 'header':
      errors.push(...tooLong(textOf(block.text), LIMITS.headerText, `${at}/text`));
      break;
    case 'context':
      errors.push(...tooMany(block.elements, LIMITS.contextElements, `${at}/elements`));
      break;
    case 'actions':
      errors.push(...tooMany(block.elements, LIMITS.actionsElements, `${at}/elements`));
      if (Array.isArray(block.elements))
        block.elements.forEach((element: unknown, j) => {
          errors.push(...checkSelect(element, `${at}/elements/${j}`));
        });
      break;
  }
  return errors;
}

/** A static select: at most 100 options (or 100 groups), option texts and group labels of 75 characters. */
function checkSelect(element: unknown, at: string): string[] {
  if (!isObject(element) || element.type !== 'static_select') return [];
  const errors: string[] = [];
  const groups = Array.isArray(element.option_groups) ? element.option_groups : undefined;
  const options = groups
    ? groups.flatMap((g: unknown) => (isObject(g) && Array.isArray(g.options) ? g.options : []))
    : Array.isArray(element.options)
      ? element.options
      : [];
  if (!groups && !Array.isArray(element.options))
    errors.push(`must provide options or option_groups [json-pointer:${at}]`);
  errors.push(...tooMany(groups ?? [], 100, `${at}/option_groups`));
  if (options.length > 100) errors.push(`no more than 100 options allowed [json-pointer:${at}]`);
  groups?.forEach((g: unknown, k) => {
    errors.push(...tooLong(isObject(g) ? textOf(g.label) : '', 75, `${at}/option_groups/${k}/label`));
  });
  options.forEach((o: unknown, k) => {
    errors.push(...tooLong(isObject(o) ? textOf(o.text) : '', 75, `${at}/options/${k}/text`));
  });
  return errors;
}

function textOf(textObject: unknown): string {
  return isObject(textObject) && typeof textObject.text === 'string' ? textObject.text : '';
}

function tooLong(text: string, max: number, at: string): string[] {
  // Slack counts characters, not UTF-16 code units, so an emoji counts once.
  return [...text].length > max ? [`must be less than ${max + 1} characters [json-pointer:${at}]`] : [];
}

function tooMany(items: unknown, max: number, at: string): string[] {
  return Array.isArray(items) && items.length > max ? [`no more than ${max} items allowed [json-pointer:${at}]`] : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
