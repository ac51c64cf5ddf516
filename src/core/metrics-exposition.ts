/**
 * The Prometheus text exposition (format 0.0.4) of counters added up in the store, for the Worker, where
 * prom-client (a Node library) does not run and a scrape reaches one isolate of many. The names, types,
 * help texts and labels come from the same catalogue as the Node adapter, so one dashboard reads both.
 * @module
 */
import { METRIC_DEFINITIONS, type MetricsExposition } from './metrics.js';

export interface StoredSeries {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** `\`, `"` and newlines are escaped in label values, as the format requires. */
function labelText(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `{${entries.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(',')}}`;
}

function sampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  return String(value);
}

export function storedExposition(options: {
  counters: () => Promise<readonly StoredSeries[]>;
  gauges: () => Promise<readonly StoredSeries[]>;
}): MetricsExposition {
  return {
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    async render() {
      const [counters, gauges] = await Promise.all([options.counters(), options.gauges()]);
      const all = [...counters, ...gauges];
      const lines: string[] = [];
      for (const definition of Object.values(METRIC_DEFINITIONS)) {
        const family = (name: string) =>
          definition.type === 'histogram'
            ? name === `${definition.name}_bucket` ||
              name === `${definition.name}_sum` ||
              name === `${definition.name}_count`
            : name === definition.name;
        const series = all.filter((s) => family(s.name));
        lines.push(`# HELP ${definition.name} ${definition.help}`, `# TYPE ${definition.name} ${definition.type}`);
        for (const s of series) lines.push(`${s.name}${labelText(s.labels)} ${sampleValue(s.value)}`);
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
