/**
 * The knowledge-entry schema: what every file in `knowledge/` must hold.
 * @module
 */
import { z } from 'zod';

export const LAYERS = ['client', 'auth', 'gateway', 'app', 'dependency', 'browser'] as const;
export type Layer = (typeof LAYERS)[number];

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and "-"');
const text = z.string().trim().min(1, 'must not be empty');

const regexSource = text.refine(
  (source) => {
    try {
      new RegExp(source, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not a valid regular expression' },
);

export const fixSchema = z.strictObject({ id: slug, text });

export const entrySchema = z
  .strictObject({
    id: slug,
    title: text,
    kind: z.enum(['status', 'symptom']),
    codes: z.array(z.number().int().min(100).max(599)).default([]),
    aliases: z.array(text).default([]),
    signals: z.array(regexSource).default([]),
    layer: z.enum(LAYERS),
    summary: text,
    causes: z.array(text).min(1),
    first_checks: z.array(text).min(2, 'list at least 2 first checks'),
    fixes: z.array(fixSchema).min(1, 'list at least 1 fix'),
    compare: z.record(slug, text).default({}),
    references: z.array(text).default([]),
    examples: z.array(text).default([]),
  })
  .superRefine((entry, ctx) => {
    const seen = new Set<string>();
    entry.fixes.forEach((fix, index) => {
      if (seen.has(fix.id)) {
        ctx.addIssue({ code: 'custom', path: ['fixes', index, 'id'], message: `duplicate fix id "${fix.id}"` });
      }
      seen.add(fix.id);
    });
    if (entry.compare[entry.id] !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['compare', entry.id], message: 'an entry cannot compare with itself' });
    }
  });

export type EntryFrontMatter = z.infer<typeof entrySchema>;
export type Fix = z.infer<typeof fixSchema>;

/** A validated entry: the front matter plus the Markdown body. */
export interface Entry extends EntryFrontMatter {
  body: string;
}

/** The compiled knowledge base both runtimes import. */
export interface KnowledgeBundle {
  version: 1;
  entries: Entry[];
}

export const bundleSchema = z.object({
  version: z.literal(1),
  entries: z.array(entrySchema.and(z.object({ body: z.string() }))),
});
