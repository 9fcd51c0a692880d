/**
 * Prometheus text exposition format (0.0.4): a small parser for scraping inference servers' `/metrics`
 * (vLLM `vllm:*`, llama.cpp `llamacpp:*`, the simulated service) and a renderer for what we push.
 */

export interface PromSample {
  /** Metric name as exposed, e.g. `vllm:num_requests_running` or `x_bucket`. */
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Optional sample timestamp (epoch ms) when the exposition carries one. */
  timestamp?: number;
}

export interface PromFamily {
  help?: string;
  type?: string;
}

export interface ParsedExposition {
  samples: PromSample[];
  /** HELP/TYPE per family name. */
  families: Record<string, PromFamily>;
}

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const n = Number(text);
  if (text === '' || Number.isNaN(n)) throw new Error(`bad sample value '${text}'`);
  return n;
}

/** Parses `{a="x",b="y\"z"}` starting at `line[start] === '{'`; returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return [labels, i + 1];
    const eq = line.indexOf('=', i);
    if (eq < 0 || line[eq + 1] !== '"') throw new Error('bad label set');
    const name = line.slice(i, eq).trim();
    let value = '';
    let j = eq + 2;
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === '\\') {
        const next = line[++j];
        value += next === 'n' ? '\n' : next;
      } else value += line[j];
    }
    if (j >= line.length) throw new Error('unterminated label value');
    labels[name] = value;
    i = j + 1;
  }
}

function parseSampleLine(line: string): PromSample {
  let i = 0;
  while (i < line.length && line[i] !== '{' && line[i] !== ' ' && line[i] !== '\t') i++;
  const name = line.slice(0, i);
  let labels: Record<string, string> = {};
  if (line[i] === '{') [labels, i] = parseLabels(line, i);
  const rest = line.slice(i).trim().split(/\s+/);
  const sample: PromSample = { name, labels, value: parseValue(rest[0] ?? '') };
  if (rest[1] !== undefined) sample.timestamp = Number(rest[1]);
  if (!name) throw new Error('missing metric name');
  return sample;
}

/**
 * Parses an exposition. Lines that cannot be parsed are skipped and counted in `invalid` (a scraper keeps
 * what it can rather than losing a whole scrape to one odd line).
 */
export function parsePrometheusText(text: string): ParsedExposition & { invalid: number } {
  const samples: PromSample[] = [];
  const families: Record<string, PromFamily> = {};
  let invalid = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)\s*(.*)$/.exec(line);
      if (m) {
        families[m[2]] ??= {};
        const fam = families[m[2]];
        if (m[1] === 'HELP') fam.help = m[3];
        else fam.type = m[3];
      }
      continue;
    }
    try {
      samples.push(parseSampleLine(line));
    } catch {
      invalid++;
    }
  }
  return { samples, families, invalid };
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

export interface GaugeFamily {
  name: string;
  help: string;
  type?: 'gauge' | 'counter';
  samples: { labels?: Record<string, string>; value: number }[];
}

/** Renders gauge/counter families as exposition text (what the Pushgateway accepts). */
export function renderPrometheusText(families: GaugeFamily[]): string {
  let out = '';
  for (const f of families) {
    if (f.samples.length === 0) continue;
    out += `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type ?? 'gauge'}\n`;
    for (const s of f.samples) {
      const entries = Object.entries(s.labels ?? {});
      const labels = entries.length
        ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
        : '';
      out += `${f.name}${labels} ${formatValue(s.value)}\n`;
    }
  }
  return out;
}
