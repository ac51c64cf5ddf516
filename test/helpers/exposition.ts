/**
 * Reading the Prometheus text exposition in tests: sample values by name and labels, and the metric
 * families a scrape declares. Only for assertions; the server's side is prom-client's.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const found = SAMPLE.exec(line);
    if (!found) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (found[2] ?? '').matchAll(LABEL)) labels[name as string] = value as string;
    samples.push({ name: found[1] as string, labels, value: Number(found[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels` (0 when there is none). */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number {
  return parseSamples(text)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/**
 * Every series name a scrape can contain: each `# TYPE` family, and for histograms and summaries their
 * `_bucket`, `_sum` and `_count` series too.
 */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const found of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = found as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram' || type === 'summary') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    }
  }
  return names;
}

/**
 * The metric names a PromQL expression reads: identifiers that are not functions, keywords, label
 * names (inside braces or after by/without/on/ignoring) or Grafana variables. Good enough for the
 * queries in deploy/: it errs on the side of reporting a name.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // string literals (label values, regexes)
    .replace(/\{[^}]*\}/g, '{}') // label matchers
    .replace(/\[[^\]]*\]/g, '[]') // ranges, including [$__rate_interval]
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // grouping labels
    .replace(/\$\w+/g, ''); // Grafana variables
  const names = new Set<string>();
  for (const found of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = found[0];
    const next = stripped.slice((found.index ?? 0) + word.length).trimStart();
    if (next.startsWith('(')) continue; // a function or aggregation
    if (/^(and|or|unless|bool|offset|inf|nan)$/i.test(word)) continue;
    names.add(word);
  }
  return [...names];
}
