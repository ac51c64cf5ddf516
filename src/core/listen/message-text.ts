/**
 * Reading an alert out of a Slack message posted by another tool (Alertmanager's default Slack template,
 * Grafana, Datadog, Sentry, PagerDuty, or a person): the text is where those tools put it, in `text`,
 * `attachments[].title/text/fallback/fields`, and `blocks` (header, section, rich_text, context). Pure: no
 * Slack client, no store.
 * @module
 */

/** The parts of a Slack `message` event (or a shortcut's `message`) that carry its content. */
export interface SlackMessageLike {
  text?: unknown;
  attachments?: unknown;
  blocks?: unknown;
}

export interface ReadMessage {
  /** The alert's name as the tool shows it, without status prefixes: the first line worth reading. */
  title: string;
  /** Everything else, one piece per line, de-duplicated (fallback texts often repeat the title). */
  description: string;
  status: 'firing' | 'resolved';
  /** The title reduced to what stays the same across a tool's re-posts and its resolved message. */
  key: string;
}

const MAX_TEXT = 4000;

/** All text of a message, in reading order: blocks, then `text`, then attachments. */
export function messageLines(message: SlackMessageLike): string[] {
  const lines: string[] = [];
  const add = (value: unknown) => {
    if (typeof value !== 'string') return;
    for (const line of value.split('\n')) {
      const clean = cleanMrkdwn(line);
      if (clean) lines.push(clean);
    }
  };
  if (Array.isArray(message.blocks)) for (const block of message.blocks) blockText(block, add);
  add(message.text);
  if (Array.isArray(message.attachments)) {
    for (const raw of message.attachments) {
      if (raw === null || typeof raw !== 'object') continue;
      const a = raw as Record<string, unknown>;
      add(a.pretext);
      add(a.title);
      add(a.text);
      if (Array.isArray(a.fields))
        for (const field of a.fields) {
          if (field === null || typeof field !== 'object') continue;
          const f = field as { title?: unknown; value?: unknown };
          if (typeof f.title === 'string' && typeof f.value === 'string') add(`${f.title}: ${f.value}`);
          else {
            add(f.title);
            add(f.value);
          }
        }
      if (Array.isArray(a.blocks)) for (const block of a.blocks) blockText(block, add);
      add(a.fallback);
      add(a.footer);
    }
  }
  const seen = new Set<string>();
  return lines.filter((line) => {
    const k = line.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function blockText(block: unknown, add: (value: unknown) => void): void {
  if (block === null || typeof block !== 'object') return;
  const b = block as Record<string, unknown>;
  switch (b.type) {
    case 'header':
    case 'section': {
      add((b.text as { text?: unknown } | undefined)?.text);
      if (Array.isArray(b.fields)) for (const f of b.fields) add((f as { text?: unknown } | null)?.text);
      return;
    }
    case 'context': {
      if (Array.isArray(b.elements)) for (const e of b.elements) add((e as { text?: unknown } | null)?.text);
      return;
    }
    case 'rich_text': {
      if (!Array.isArray(b.elements)) return;
      for (const element of b.elements) add(richText(element));
      return;
    }
    default:
      return;
  }
}

/** A rich_text section, list, quote or preformatted block, flattened (lists one item per line). */
function richText(element: unknown): string {
  if (element === null || typeof element !== 'object') return '';
  const e = element as Record<string, unknown>;
  if (!Array.isArray(e.elements)) {
    if (e.type === 'text' || e.type === 'link') return String(e.text ?? e.url ?? '');
    if (e.type === 'emoji') return '';
    return '';
  }
  const separator = e.type === 'rich_text_list' ? '\n' : '';
  return e.elements.map(richText).join(separator);
}

/** Slack mrkdwn to plain words: links keep their label (or URL), emoji codes and markup go. */
export function cleanMrkdwn(line: string): string {
  return line
    .replace(/<([^>|]+)\|([^>]+)>/g, '$2')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/:[a-z0-9_+-]+:/g, '')
    .replace(/[*_~`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

// Status words the tools put in front of the alert's name: Alertmanager `[FIRING:2]`/`[RESOLVED]`, Grafana
// `[Alerting]`/`[OK]`/`[FIRING:1]`, Datadog `Triggered:`/`Recovered:`, PagerDuty `Triggered`/`Resolved`,
// Sentry's issue titles (no status word), emoji already removed.
const RESOLVED_PREFIX =
  /^\s*(?:\[(?:resolved|ok)(?::\s*\d+)?\]|(?:resolved|recovered|ok)\s*[:\-–]|resolved\b|recovered\b)\s*/i;
const FIRING_PREFIX =
  /^\s*(?:\[(?:firing|alerting|alert|triggered|no data|pending)(?::\s*\d+)?\]|(?:firing|triggered|alert|alerting|warn|warning|critical|re-?triggered)\s*[:\-–]|(?:firing|triggered)\b)\s*/i;

/** Reads the alert in a message: its title (status prefix removed), the rest, whether it is resolved. */
export function readMessage(message: SlackMessageLike): ReadMessage | undefined {
  const lines = messageLines(message);
  const first = lines[0];
  if (first === undefined) return undefined;
  const resolved = lines.slice(0, 3).some((line) => RESOLVED_PREFIX.test(line));
  const titleLine = lines.find((line) => stripStatus(line) !== '') ?? first;
  const title = stripStatus(titleLine).slice(0, 300);
  const description = lines
    .filter((line) => line !== titleLine && stripStatus(line) !== title)
    .join('\n')
    .slice(0, MAX_TEXT);
  return { title, description, status: resolved ? 'resolved' : 'firing', key: alertKey(title) };
}

function stripStatus(line: string): string {
  let out = line;
  for (let i = 0; i < 3; i++) {
    const next = out.replace(RESOLVED_PREFIX, '').replace(FIRING_PREFIX, '');
    if (next === out) break;
    out = next;
  }
  return out.trim();
}

/** Lower case, counts and numbers in brackets dropped: `HighErrorRate (checkout-api critical)` either way. */
export function alertKey(title: string): string {
  return title
    .toLowerCase()
    .replace(/\(\d+ alerts?\)/g, '')
    .replace(/#\d+/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[^a-z0-9[(]+/, '')
    .trim()
    .slice(0, 200);
}
