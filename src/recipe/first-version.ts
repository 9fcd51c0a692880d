/**
 * The first version's recipe format (recipe-format.schema.yaml of the original project) on top of
 * hpcbench's own. Before the schema, `normaliseFirstVersion` rewrites what the first version wrote
 * differently; `firstVersionWarnings` names every field hpcbench accepts but does not act on.
 *
 * Normalised (honoured):
 * - a list in `workload.prompt_len`, `gen_tokens` or `concurrency` expands like a sweep: it moves to
 *   `workload.sweep` (issues about it are reported at the field as written);
 * - `monitoring.metrics[].scrape_interval` sets the monitors' sampling interval (`system`, `gpu`) and the
 *   servers' /metrics scrape interval (`prometheus`), unless `monitoring.interval` /
 *   `monitoring.scrape_server_metrics` are given; the shortest one wins;
 * - `artifacts.dataset` is the workload's dataset when `workload.dataset` is not given.
 */
import type { ConfigIssue } from '../errors.js';
import { parseDuration } from '../util/duration.js';
import { has, type Loose, obj, str } from './loose.js';
import { issueAt, type PathSegment, type RecipeSource } from './source.js';
import { sweepField } from './sweep-rules.js';

/** Workload fields the first version allowed as a list of values (one benchmark per value). */
export const LIST_FIELDS = ['prompt_len', 'gen_tokens', 'concurrency'] as const;

export interface FirstVersion {
  /** The recipe data as hpcbench's schema reads it (a copy where something changed). */
  data: unknown;
  /** Workload fields whose list moved to `workload.sweep`. */
  moved: string[];
  issues: ConfigIssue[];
}

function shortest(entries: Loose[], types: string[]): number | undefined {
  const s = entries
    .filter((m) => types.includes(String(m.type)))
    .map((m) => parseDuration(m.scrape_interval ?? '5s'))
    .filter((v): v is number => v !== undefined && v > 0);
  return s.length ? Math.min(...s) : undefined;
}

export function normaliseFirstVersion(src: RecipeSource, data: unknown): FirstVersion {
  const d = obj(data);
  if (d !== data) return { data, moved: [], issues: [] };
  const issues: ConfigIssue[] = [];
  const out: Loose = { ...d };
  const w = obj(d.workload);
  const lists = LIST_FIELDS.filter((k) => Array.isArray(w[k]));
  const moved: string[] = [];
  if (lists.length || (has(obj(d.artifacts), 'dataset') && !has(w, 'dataset'))) {
    const workload: Loose = { ...w };
    const sweep: Loose = { ...obj(w.sweep) };
    for (const k of lists) {
      const clash = Object.keys(sweep).find((s) => s !== 'mode' && sweepField(s) === sweepField(k));
      if (clash) {
        issues.push(
          issueAt(
            src,
            'error',
            ['workload', k],
            `a list here is a sweep, and workload.sweep already lists ${clash}`,
          ),
        );
        delete workload[k]; // reported once, here
        continue;
      }
      sweep[k] = workload[k];
      delete workload[k];
      moved.push(k);
    }
    if (moved.length) workload.sweep = sweep;
    const ds = obj(d.artifacts).dataset;
    if (ds !== undefined && !has(w, 'dataset')) workload.dataset = ds;
    out.workload = workload;
  }
  const mon = obj(d.monitoring);
  const metrics = Array.isArray(mon.metrics) ? mon.metrics.map(obj) : [];
  if (metrics.length) {
    const monitoring: Loose = { ...mon };
    const sample = shortest(metrics, ['system', 'gpu']);
    if (sample !== undefined && !has(mon, 'interval')) monitoring.interval = sample;
    const scrape = shortest(metrics, ['prometheus']);
    if (scrape !== undefined && !has(mon, 'scrape_server_metrics')) monitoring.scrape_server_metrics = scrape;
    out.monitoring = monitoring;
  }
  return { data: out, moved, issues };
}

/** Issues about a moved list point at `workload.sweep.<k>`: report them where the user wrote the list. */
export function relocateMoved(src: RecipeSource, issues: ConfigIssue[], moved: string[]): ConfigIssue[] {
  if (!moved.length) return issues;
  return issues.map((i) => {
    const m = /^workload\.sweep\.([A-Za-z_]+)((?:\[\d+\])*)$/.exec(i.path);
    if (!m || !moved.includes(m[1])) return i;
    const rest = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
    return issueAt(src, i.severity, ['workload', m[1], ...rest], i.message);
  });
}

const NOT_USED = 'hpcbench does not use it';

/** Every first-version field hpcbench accepts without acting on it, as a warning at the field. */
export function firstVersionWarnings(src: RecipeSource, data: unknown): ConfigIssue[] {
  const d = obj(data);
  const out: ConfigIssue[] = [];
  const warn = (path: PathSegment[], message: string) => out.push(issueAt(src, 'warning', path, message));
  const w = obj(d.workload);
  if (has(w, 'batch'))
    warn(
      ['workload', 'batch'],
      `${NOT_USED}: every request carries one prompt; the load is set by clients_per_node (closed loop) or target_rps and max_concurrency (open loop)`,
    );
  const art = obj(d.artifacts);
  if (has(art, 'python'))
    warn(
      ['artifacts', 'python'],
      `${NOT_USED}: the first version ran its Python load clients in this container; hpcbench's executors are Node programs and run on the host's Node (the node binary that runs hpcbench) unless artifacts.clients names a container with Node in it`,
    );
  if (has(art, 'dataset') && has(w, 'dataset'))
    warn(['artifacts', 'dataset'], 'ignored: workload.dataset is given and wins');
  const mon = obj(d.monitoring);
  if (has(mon, 'retention'))
    warn(
      ['monitoring', 'retention'],
      `${NOT_USED}: monitor CSVs stay in the results folder and the Pushgateway groups are deleted when the run ends (keep_pushgateway_groups keeps them); retention is set in your Prometheus`,
    );
  const metrics = Array.isArray(mon.metrics) ? mon.metrics.map(obj) : [];
  metrics.forEach((m, i) => {
    if (m.type === 'custom')
      warn(['monitoring', 'metrics', i, 'type'], `${NOT_USED}: custom metrics are not collected`);
    const t = Array.isArray(m.targets) ? m.targets : undefined;
    if (t && !t.includes('all'))
      warn(
        ['monitoring', 'metrics', i, 'targets'],
        `${NOT_USED}: a monitor runs on every node of the run (servers, clients, monitor nodes)`,
      );
  });
  const log = obj(d.logging);
  if (str(log.aggregation) === 'distributed')
    warn(
      ['logging', 'aggregation'],
      'logs are always aggregated centrally (stdout.log, stderr.log, aggregated.jsonl)',
    );
  if (has(log, 'categories'))
    warn(['logging', 'categories'], `${NOT_USED}: every component's log is collected whole`);
  if (str(log.format) === 'text')
    warn(
      ['logging', 'format'],
      'stdout.log and stderr.log are the text form; aggregated.jsonl is written unless create_jsonl is false',
    );
  if (has(log, 'retention'))
    warn(['logging', 'retention'], `${NOT_USED}: log files stay in the results folder until you delete them`);
  return out;
}
