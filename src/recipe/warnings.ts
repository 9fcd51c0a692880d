/**
 * Plausibility warnings: settings that are valid but probably not what the user meant. They never fail
 * validation. The thresholds and the reasoning behind them are in docs/recipe-reference.md; those that
 * depend on the service (its plausible rate, its batching, whether it is simulated) are what the service
 * declares in its capabilities (src/contracts/service.ts), plugins included.
 */
import { plausibleRatePerServer } from '../contracts/index.js';
import type { ConfigIssue } from '../errors.js';
import { has, type Loose, num, obj, secs, str } from './loose.js';
import { searchedField } from './search-rules.js';
import { serviceCapabilities } from './services.js';
import { issueAt, type PathSegment, type RecipeSource } from './source.js';

export const MIN_DURATION_S = 10;
const DEFAULT_WARMUP_S = 30;

/** Inside a Slurm allocation (SLURM_JOB_NUM_NODES set): a recipe asking for more nodes cannot place its roles. */
function allocationWarning(
  d: Loose,
  env: NodeJS.ProcessEnv,
  warn: (p: PathSegment[], m: string) => void,
): void {
  const have = Number(env.SLURM_JOB_NUM_NODES);
  if (!Number.isInteger(have) || have <= 0) return;
  const orch = obj(d.orchestration);
  const alloc = obj(orch.node_allocation);
  const n = (role: string, dflt: number) => num(obj(alloc[role]).nodes) ?? (has(alloc, role) ? 1 : dflt);
  const want = num(orch.total_nodes) ?? n('servers', 1) + n('clients', 1) + n('monitors', 0);
  if (want > have)
    warn(
      has(orch, 'total_nodes') ? ['orchestration', 'total_nodes'] : ['orchestration', 'node_allocation'],
      `the recipe needs ${want} nodes but this Slurm allocation (job ${env.SLURM_JOB_ID ?? '?'}) has ${have}`,
    );
}

export function plausibilityWarnings(
  src: RecipeSource,
  d: Loose,
  env: NodeJS.ProcessEnv = process.env,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const warn = (path: PathSegment[], message: string) => out.push(issueAt(src, 'warning', path, message));
  const alloc = obj(obj(d.orchestration).node_allocation);
  const serverNodes = num(obj(alloc.servers).nodes) ?? 1;
  const clientNodes = num(obj(alloc.clients).nodes) ?? 1;
  const w = obj(d.workload);
  const suite = (Array.isArray(w.benchmark_suite) ? w.benchmark_suite : []).map(obj);

  allocationWarning(d, env, warn);
  const gpus = num(obj(obj(d.resources).clients).gpus);
  if (gpus !== undefined && gpus > 0)
    warn(
      ['resources', 'clients', 'gpus'],
      `${gpus} GPU(s) per client node: load generators do not use GPUs; usually 0`,
    );

  const runs: { at: PathSegment[]; x: Loose }[] = [
    { at: ['workload'], x: w },
    ...suite.map((x, i) => ({ at: ['workload', 'benchmark_suite', i] as PathSegment[], x })),
  ];
  for (const { at, x } of runs) {
    if (at.length > 1 && !has(x, 'duration') && !has(x, 'warmup')) continue;
    // the workload's own values matter only when some entry runs with them
    if (at.length === 1 && suite.length > 0 && suite.every((e) => has(e, 'duration'))) continue;
    const dur = secs(x.duration ?? w.duration);
    const warm = secs(x.warmup ?? w.warmup) ?? DEFAULT_WARMUP_S;
    const field = has(x, 'duration') ? 'duration' : 'warmup';
    if (dur === 0) continue; // an error (src/recipe/limits.ts)
    if (dur !== undefined && dur < MIN_DURATION_S)
      warn(
        [...at, field],
        `very short measurement (${dur} s, under ${MIN_DURATION_S} s): few samples, noisy percentiles`,
      );
    else if (dur !== undefined && dur < warm)
      warn([...at, field], `the measurement (${dur} s) is shorter than the warmup (${warm} s)`);
  }

  const sweepRps = obj(w.sweep).target_rps;
  const rates: { at: PathSegment[]; rps: number; service: string }[] = [];
  const base = str(w.service) ?? '';
  for (const { at, x } of runs) {
    const r = num(x.target_rps);
    if (r !== undefined) rates.push({ at: [...at, 'target_rps'], rps: r, service: str(x.service) ?? base });
  }
  if (Array.isArray(sweepRps))
    sweepRps.forEach((r, i) => {
      if (typeof r === 'number')
        rates.push({ at: ['workload', 'sweep', 'target_rps', i], rps: r, service: base });
    });
  for (const { at, rps, service } of rates) {
    const caps = serviceCapabilities(service);
    const limit = plausibleRatePerServer(caps, obj(d.environment));
    const perServer = rps / serverNodes;
    const note = caps?.plausible_rate?.note;
    if (limit !== undefined && perServer > limit)
      warn(
        at,
        `${rps} requests/s over ${serverNodes} ${service} server(s) is ${perServer.toFixed(0)}/s each: implausible for ${service} (about ${limit}/s per server at most${note ? `: ${note}` : ''}); the run would measure queueing, not the server`,
      );
  }

  const openLoop = rates.length > 0 || searchedField(w) === 'target_rps';
  const cpnPath: PathSegment[] = has(w, 'clients_per_node')
    ? ['workload', 'clients_per_node']
    : ['orchestration', 'node_allocation', 'clients', 'clients_per_node'];
  const cpn =
    num(w.clients_per_node ?? w.num_threads ?? w.concurrency) ??
    num(obj(alloc.clients).clients_per_node) ??
    1;
  const baseCaps = base ? serviceCapabilities(base) : undefined;
  const minBatch = baseCaps?.min_batching_concurrency;
  if (!openLoop && suite.length === 0 && w.sweep === undefined && minBatch !== undefined) {
    const per = (cpn * clientNodes) / serverNodes;
    if (per < minBatch)
      warn(
        cpnPath,
        `${cpn} per node × ${clientNodes} client node(s) = ${cpn * clientNodes} concurrent requests for ${serverNodes} ${base} server(s) (${per} each): may be too few for good load; a continuous-batching server needs at least ${minBatch} per server to show its capacity`,
      );
  }

  const anyOf = (k: string) => has(w, k) || suite.some((x) => has(x, k)) || has(obj(w.sweep), k);
  if (base && !baseCaps?.simulated && !['prompt_len', 'dataset', 'shared_prefix'].some(anyOf))
    warn(
      ['workload'],
      'no prompt_len or dataset: synthetic prompts of 128 tokens are used; set prompt_len (and gen_tokens) to match your use case',
    );
  if (has(obj(w.slo), 'ttft_ms') && w.stream === false)
    warn(
      ['workload', 'slo', 'ttft_ms'],
      'TTFT needs streaming (stream: true); without it only e2e_ms can be met',
    );
  const capNote = 'caps open-loop load only (target_rps); closed loop is already bounded by clients_per_node';
  // max_concurrency and pacer_poll_ms without target_rps: load-rules.ts (ignored in closed loop)
  if (w.stop_on_saturation === true && !openLoop && !anyOf('ramp'))
    warn(
      ['workload', 'stop_on_saturation'],
      'has no effect in closed loop: saturation is judged for open-loop loads (target_rps) only',
    );
  // a suite entry that unsets target_rps runs closed loop with the workload's (or its own) max_concurrency
  const sweepOpen = has(obj(w.sweep), 'target_rps');
  suite.forEach((x, i) => {
    const cap = 'max_concurrency' in x ? x.max_concurrency : w.max_concurrency; // null in x unsets
    if (!openLoop || sweepOpen || x.target_rps !== null || cap === undefined || cap === null) return;
    warn(
      ['workload', 'benchmark_suite', i, 'target_rps'],
      `this entry runs closed loop; max_concurrency ${capNote}`,
    );
  });
  reportingWarnings(obj(d.reporting), warn);
  return out;
}

/** `reporting.formats: [pdf]` writes nothing of its own; `include` does not change what is written. */
function reportingWarnings(r: Loose, warn: (p: PathSegment[], m: string) => void): void {
  const formats = Array.isArray(r.formats) ? r.formats : [];
  const pdf = formats.indexOf('pdf');
  if (pdf >= 0)
    warn(
      ['reporting', 'formats', pdf],
      formats.includes('html')
        ? 'no PDF is written: print report.html from a browser (the page has a print layout)'
        : 'no PDF is written: add html and print report.html from a browser',
    );
  if (has(r, 'include'))
    warn(
      ['reporting', 'include'],
      'has no effect: report.html always has the summary, the graphs and the monitors; records are always kept',
    );
}
