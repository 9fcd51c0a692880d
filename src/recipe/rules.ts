/**
 * Rules that span fields. They read the recipe as written (defaults not applied), defensively, so they
 * run even when the schema found errors and every problem is reported at once.
 */
import { apiSchema, rampFieldIssues } from '../contracts/index.js';
import { parseThreshold, runFigureMessage } from '../decide/threshold.js';
import type { ConfigIssue } from '../errors.js';
import { apiRefusal } from '../loadgen/index.js';
import { cancelRules } from './cancel-rules.js';
import { loadModeRules } from './load-rules.js';
import { has, type Loose, num, obj, str } from './loose.js';
import { searchedField, searchRules } from './search-rules.js';
import { serviceCapabilities } from './services.js';
import { sessionRules } from './session-rules.js';
import { dotted, issueAt, type PathSegment, type RecipeSource } from './source.js';
import { sweepRules } from './sweep-rules.js';

export interface RuleContext {
  src: RecipeSource;
  data: Loose;
  services: readonly string[];
}

type Push = (path: PathSegment[], message: string, severity?: ConfigIssue['severity']) => void;

function slurmRules(d: Loose, service: string | undefined, err: Push): void {
  const orch = obj(d.orchestration);
  if (orch.mode !== 'slurm') return;
  for (const k of ['partition', 'account'] as const)
    if (!has(d, k)) err([k], `required for orchestration.mode slurm: the Slurm ${k} to submit to`);
  const res = obj(d.resources);
  if (!has(d, 'resources'))
    err(['resources'], 'required for orchestration.mode slurm: resources.servers and resources.clients');
  else
    for (const role of ['servers', 'clients'] as const)
      if (!has(res, role))
        err(
          ['resources', role],
          `required for orchestration.mode slurm: {gpus, cpus_per_task, mem_gb} per ${role} node`,
        );
  const needsArtifacts = service === undefined || serviceCapabilities(service)?.needs_artifacts !== false;
  if (!has(d, 'artifacts') && needsArtifacts)
    err(
      ['artifacts'],
      `required for orchestration.mode slurm with service ${service ?? '?'}: the server's container ` +
        '(artifacts.container: a .sif path, or artifacts.service: {path, remote}), or `container: none` to run binaries directly',
    );
}

function nodeRules(d: Loose, err: Push): void {
  const orch = obj(d.orchestration);
  const alloc = obj(orch.node_allocation);
  const count = (role: string, dflt: number) =>
    has(alloc, role) ? (num(obj(alloc[role]).nodes) ?? dflt) : role === 'monitors' ? 0 : dflt;
  const servers = count('servers', 1);
  const clients = count('clients', 1);
  const monitors = count('monitors', 1);
  const total = num(orch.total_nodes);
  const sum = servers + clients + monitors;
  if (total !== undefined && total !== sum)
    err(
      ['orchestration', 'total_nodes'],
      `${total} does not match node_allocation: ${servers} servers + ${clients} clients + ${monitors} monitors = ${sum}; ` +
        `set total_nodes: ${sum} (or leave it out: it defaults to the sum)`,
    );
  const jobNodes = total ?? sum;
  for (const role of ['servers', 'clients', 'monitors']) {
    const range = str(obj(alloc[role]).node_range);
    if (!range || !/^[\d,\s-]+$/.test(range)) continue;
    const idx = range.split(',').flatMap((p) => p.split('-').map((x) => Number(x.trim())));
    const bad = idx.find((i) => Number.isInteger(i) && i >= jobNodes);
    if (bad !== undefined)
      err(
        ['orchestration', 'node_allocation', role, 'node_range'],
        `node index ${bad} is outside the job's ${jobNodes} nodes (0-${jobNodes - 1})`,
      );
  }
  const cl = obj(alloc.clients);
  if (cl.distribution_strategy === 'static' && !has(cl, 'target_mapping'))
    err(
      ['orchestration', 'node_allocation', 'clients', 'target_mapping'],
      'required for distribution_strategy static: [{client_group, server_endpoints}]',
    );
  if (has(cl, 'target_mapping') && cl.distribution_strategy !== 'static')
    err(
      ['orchestration', 'node_allocation', 'clients', 'target_mapping'],
      'only used with distribution_strategy: static',
      'warning',
    );
  targetMappingRules(cl.target_mapping, err);
}

/** Shape checks of `target_mapping` that need no run (names are checked against the run's nodes at its start). */
function targetMappingRules(mapping: unknown, err: Push): void {
  if (!Array.isArray(mapping)) return;
  const path: PathSegment[] = ['orchestration', 'node_allocation', 'clients', 'target_mapping'];
  if (mapping.length === 0)
    err(path, 'empty: give one {client_group, server_endpoints} per group of executors');
  const seen = new Map<string, number>();
  for (const [i, raw] of mapping.entries()) {
    const g = obj(raw);
    const group = str(g.client_group);
    if (group !== undefined) {
      const prev = seen.get(group);
      if (prev !== undefined)
        err(
          [...path, i, 'client_group'],
          `"${group}" is already target_mapping[${prev}]: merge their server_endpoints`,
        );
      else seen.set(group, i);
    }
    if (Array.isArray(g.server_endpoints) && g.server_endpoints.length === 0)
      err(
        [...path, i, 'server_endpoints'],
        'empty: list server URLs (http://host:port) or server node names (local mode: server-1, server-2, ...)',
      );
  }
}

function serviceRules(ctx: RuleContext, w: Loose, path: PathSegment[], err: Push): void {
  const service = str(w.service);
  if (service === undefined) return;
  if (!ctx.services.includes(service)) {
    const plugins = Array.isArray(ctx.data.plugins) && ctx.data.plugins.length > 0;
    const msg = `unknown service "${service}"${w.component === undefined || w.component === 'inference' ? ' (not an inference service hpcbench knows)' : ''}; registered services: ${ctx.services.join(', ')}`;
    if (plugins)
      err([...path, 'service'], `${msg}; expected to be registered by the recipe's plugins`, 'warning');
    else err([...path, 'service'], `${msg} (a plugin adds more: see docs/extending.md)`);
  }
  const caps = serviceCapabilities(service);
  const api = apiSchema.safeParse(w.api);
  const refused = api.success && caps ? apiRefusal(service, caps, api.data) : undefined;
  if (refused) err([...path, 'api'], refused);
}

/** Prompt sources a benchmark may name only one of; `prompt_len` sizes synthetic prompts only. */
const PROMPT_SOURCES = ['dataset', 'shared_prefix', 'trace'] as const;

/**
 * One prompt source per benchmark: the workload's, and each suite entry merged with it (its own value,
 * else the workload's; `null` unsets). Reported at the field that adds the second source.
 */
function promptSourceRules(w: Loose, suite: Loose[], err: Push): void {
  const check = (given: (k: string) => boolean, own: (k: string) => boolean, at: PathSegment[]) => {
    const present = PROMPT_SOURCES.filter(given);
    const generated = present.filter((k) => k !== 'dataset');
    if (present.length > 1) {
      const k = present.find(own) ?? present[1];
      err(
        [...at, k],
        `give one prompt source: ${present.join(' and ')} are both set (${PROMPT_SOURCES.join(', ')} exclude each other)`,
      );
    } else if (generated.length === 1 && given('prompt_len')) {
      const k = own('prompt_len') ? 'prompt_len' : generated[0];
      err(
        [...at, k],
        `prompt_len sizes synthetic prompts; with ${generated[0]} the prompt lengths come from it`,
      );
    }
  };
  const base = (k: string) => has(w, k);
  check(base, base, ['workload']);
  // a trace sets its own arrival times
  const rate = (given: (k: string) => boolean, at: PathSegment[]) => {
    if (given('trace') && given('target_rps'))
      err(
        [...at, 'target_rps'],
        'a trace replay sends at the trace’s own times: remove target_rps (or trace)',
      );
    else if (given('trace') && given('clients_per_node'))
      err(
        [...at, 'clients_per_node'],
        'not used by a trace replay (requests leave at the trace’s times, whatever is in flight)',
        'warning',
      );
  };
  rate(base, ['workload']);
  if (has(obj(w.sweep), 'target_rps') && has(w, 'trace'))
    err(
      ['workload', 'sweep', 'target_rps'],
      'a trace replay sends at the trace’s own times: sweep time_scale in trace instead',
    );
  suite.forEach((x, i) => {
    const own = (k: string) => x[k] !== undefined;
    const merged = (k: string) => (own(k) ? has(x, k) : has(w, k));
    if (own('trace') || own('target_rps') || own('clients_per_node'))
      rate(merged, ['workload', 'benchmark_suite', i]);
    if (!PROMPT_SOURCES.some(own) && !own('prompt_len')) return;
    check(merged, own, ['workload', 'benchmark_suite', i]);
  });
}

/** A rate ramp needs its two rates and no target_rps: the base workload, and each suite entry merged with it. */
function rampRules(w: Loose, suite: Loose[], err: Push): void {
  const sweep = obj(w.sweep);
  const merged = (x: Loose) => {
    const m: Loose = { ...w, ...x };
    for (const k of Object.keys(sweep)) if (k !== 'mode') m[k] = true; // a swept field is set at every point
    return m;
  };
  const entries = suite.length
    ? suite.map((x, i) => ({ x, at: ['workload', 'benchmark_suite', i] as PathSegment[] }))
    : [];
  const base = rampFieldIssues(merged({}));
  if (!suite.length) for (const [k, m] of base) err(['workload', k], m);
  // ramp rates the workload gives its ramp entries are no mistake in the others
  for (const { x, at } of entries)
    for (const [k, m] of rampFieldIssues(merged(x)))
      if (!m.startsWith('only used') || has(x, k))
        err(has(x, k) ? [...at, k] : has(w, k) ? ['workload', k] : at, m);
}

function workloadRules(ctx: RuleContext, err: Push): void {
  const w = obj(ctx.data.workload);
  const service = str(w.service);
  serviceRules(ctx, w, ['workload'], err);
  if (!has(w, 'model') && service !== undefined && !serviceCapabilities(service)?.default_model)
    err(['workload', 'model'], `required for service ${service}: the model to benchmark (e.g. llama2:7b)`);
  const aliases = ['clients_per_node', 'num_threads', 'concurrency'].filter((k) => has(w, k));
  if (aliases.length > 1)
    err(['workload', aliases[1]], `give only one of ${aliases.join(', ')} (they are the same setting)`);
  const suite = Array.isArray(w.benchmark_suite) ? w.benchmark_suite : [];
  const seen = new Map<string, number>();
  suite.forEach((e, i) => {
    const entry = obj(e);
    const name = str(entry.name);
    if (name !== undefined) {
      if (seen.has(name))
        err(
          ['workload', 'benchmark_suite', i, 'name'],
          `duplicate benchmark name "${name}" (also entry ${seen.get(name)})`,
        );
      else seen.set(name, i);
    }
    if (has(entry, 'service')) serviceRules(ctx, entry, ['workload', 'benchmark_suite', i], err);
    const al = ['clients_per_node', 'num_threads', 'concurrency'].filter((k) => has(entry, k));
    if (al.length > 1) err(['workload', 'benchmark_suite', i, al[1]], `give only one of ${al.join(', ')}`);
  });
  const anyOpenLoop =
    ['target_rps', 'ramp'].some(
      (k) => has(w, k) || suite.some((e) => has(obj(e), k)) || has(obj(w.sweep), k),
    ) || searchedField(w) === 'target_rps';
  rampRules(w, suite.map(obj), err);
  // A suite entry is checked as merged with the base workload: its own value, else the base's; `null`
  // ("not set") hides the base's value.
  const sweepRps = has(obj(w.sweep), 'target_rps');
  const baseDist = w.request_distribution;
  if ((baseDist === 'poisson' || baseDist === 'burst') && !anyOpenLoop)
    err(
      ['workload', 'request_distribution'],
      'applies to open loop only: set target_rps (requests/s across all client nodes)',
    );
  // burstiness in a closed loop is load-rules' warning (ignored: no target_rps)
  if (has(w, 'burstiness') && baseDist !== 'burst' && anyOpenLoop)
    err(['workload', 'burstiness'], 'only used with request_distribution: burst', 'warning');
  suite.map(obj).forEach((x, i) => {
    const at: PathSegment[] = ['workload', 'benchmark_suite', i];
    const own = (k: string) => x[k] !== undefined; // null counts: it unsets the base's value
    const rps = (own('target_rps') ? has(x, 'target_rps') : has(w, 'target_rps')) || sweepRps;
    const dist = own('request_distribution') ? x.request_distribution : baseDist;
    if ((dist === 'poisson' || dist === 'burst') && !rps) {
      if (own('request_distribution'))
        err(
          [...at, 'request_distribution'],
          'applies to open loop only: set target_rps (requests/s across all client nodes)',
        );
      else if (x.target_rps === null)
        err(
          [...at, 'target_rps'],
          `null makes this entry closed loop, but request_distribution ${String(dist)} (from workload) applies to open loop only: also set request_distribution: constant here`,
        );
    }
    if (has(x, 'burstiness') && dist !== 'burst' && rps)
      err([...at, 'burstiness'], 'only used with request_distribution: burst', 'warning');
    thresholdRules(x.thresholds, at, err);
  });
  thresholdRules(w.thresholds, ['workload'], err);
  promptSourceRules(w, suite.map(obj), err);
  cancelRules(w, suite.map(obj), err);
  sessionRules(w, suite.map(obj), err);
  sweepRules(ctx, w, err);
  searchRules(ctx.data, w, err);
}

/** Every condition of a `thresholds:` list names a known figure with a value in its unit. */
function thresholdRules(list: unknown, at: PathSegment[], err: Push): void {
  if (!Array.isArray(list)) return; // the schema reports it
  list.forEach((c, i) => {
    if (typeof c !== 'string') return;
    const p = parseThreshold(c);
    if (!p.ok) err([...at, 'thresholds', i], p.message);
    else if (p.threshold.figure.scope === 'run')
      err([...at, 'thresholds', i], runFigureMessage(p.threshold.figure.name));
  });
}

function serverRules(d: Loose, err: Push): void {
  const s = obj(d.servers);
  if (has(s, 'endpoints') && has(s, 'command'))
    err(
      ['servers', 'command'],
      'give either servers.endpoints (attach to running servers) or servers.command (start one), not both',
    );
}

export function crossFieldRules(ctx: RuleContext): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const push: Push = (path, message, severity = 'error') =>
    out.push(issueAt(ctx.src, severity, path, message));
  slurmRules(ctx.data, str(obj(ctx.data.workload).service), push);
  nodeRules(ctx.data, push);
  workloadRules(ctx, push);
  // after the workload's own rules: a field they already reported is not warned about twice
  loadModeRules(ctx, push, (path) => out.some((i) => i.path === dotted(path)));
  serverRules(ctx.data, push);
  return out;
}

export type { Push };
