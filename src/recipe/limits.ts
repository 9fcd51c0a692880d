/**
 * Bounds a recipe keeps (src/contracts/caps.ts, shared with the executor's POST /start): a measurement
 * lasts more than 0 s and no duration exceeds MAX_DURATION_S; per executor, users, request rate and
 * concurrency stay under the executor's default caps; token lengths, node counts and the number of
 * benchmarks a recipe expands to are bounded. Each violation is an error at its field.
 */
import {
  capViolations,
  DEFAULT_CAPS,
  MAX_BENCHMARKS,
  MAX_DURATION_S,
  MAX_NODES,
  MAX_TOKENS,
} from '../contracts/caps.js';
import type { ConfigIssue } from '../errors.js';
import { has, type Loose, num, obj, secs } from './loose.js';
import { issueAt, type PathSegment, type RecipeSource } from './source.js';

const DURATIONS = ['duration', 'warmup', 'request_timeout', 'window'] as const;
const USERS = ['clients_per_node', 'num_threads', 'concurrency'] as const;
const LENGTHS = ['prompt_len', 'gen_tokens'] as const;

type Err = (path: PathSegment[], message: string) => void;
interface Ctx {
  err: Err;
  clientNodes: number;
  /** max_requests applies where the value is (a duration of 0 then means "until max_requests"). */
  maxRequests: boolean;
}

function durationIssue(field: string, value: unknown, at: PathSegment[], ctx: Ctx): void {
  const s = secs(value);
  if (s === undefined) return; // not a duration: the schema says so
  if (field === 'duration' && s === 0 && !ctx.maxRequests)
    ctx.err(
      at,
      'a measurement of 0 s measures nothing: give a duration > 0, e.g. 60s (0 means "no time limit" only with max_requests)',
    );
  else if (s > MAX_DURATION_S)
    ctx.err(at, `${s} s is beyond the longest allowed duration (${MAX_DURATION_S} s = 7d)`);
}

function lengthIssue(value: unknown, at: PathSegment[], err: Err): void {
  const n = num(value);
  if (n !== undefined && n > MAX_TOKENS) err(at, `${n} tokens is above the limit of ${MAX_TOKENS}`);
  if (n === undefined)
    for (const k of ['min', 'max', 'mean'] as const) {
      const b = num(obj(value)[k]);
      if (b !== undefined && b > MAX_TOKENS)
        err([...at, k], `${b} tokens is above the limit of ${MAX_TOKENS}`);
    }
}

/** Checks the fields of one workload-like mapping (the workload, a suite entry, one sweep value). */
function fieldIssues(field: string, value: unknown, at: PathSegment[], ctx: Ctx): void {
  const { err, clientNodes } = ctx;
  if ((DURATIONS as readonly string[]).includes(field)) durationIssue(field, value, at, ctx);
  else if ((LENGTHS as readonly string[]).includes(field)) lengthIssue(value, at, err);
  else {
    const n = num(value);
    if (n === undefined) return;
    const load =
      field === 'target_rps'
        ? { target_rps: n, executor_count: clientNodes }
        : field === 'max_concurrency'
          ? { max_concurrency: n }
          : (USERS as readonly string[]).includes(field)
            ? { clients_per_node: n }
            : undefined;
    if (load) for (const v of capViolations(load, DEFAULT_CAPS)) err(at, v.message);
  }
}

function sweepPointCount(sweep: Loose): number {
  const lists = Object.entries(sweep)
    .filter(([k, v]) => k !== 'mode' && Array.isArray(v))
    .map(([, v]) => (v as unknown[]).length);
  if (!lists.length) return 1;
  return sweep.mode === 'zip' ? Math.max(...lists) : lists.reduce((a, b) => a * b, 1);
}

export function limitIssues(src: RecipeSource, d: Loose): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const err: Err = (path, message) => out.push(issueAt(src, 'error', path, message));
  const orch = obj(d.orchestration);
  const alloc = obj(orch.node_allocation);
  const clients = obj(alloc.clients);
  const clientNodes = num(clients.nodes) ?? 1;
  for (const role of ['servers', 'clients', 'monitors']) {
    const n = num(obj(alloc[role]).nodes);
    if (n !== undefined && n > MAX_NODES)
      err(
        ['orchestration', 'node_allocation', role, 'nodes'],
        `${n} nodes is above the limit of ${MAX_NODES}`,
      );
  }
  const total = num(orch.total_nodes);
  if (total !== undefined && total > MAX_NODES)
    err(['orchestration', 'total_nodes'], `${total} nodes is above the limit of ${MAX_NODES}`);
  const ctx = (maxRequests: boolean): Ctx => ({ err, clientNodes, maxRequests });
  fieldIssues(
    'clients_per_node',
    clients.clients_per_node,
    ['orchestration', 'node_allocation', 'clients', 'clients_per_node'],
    ctx(false),
  );

  const w = obj(d.workload);
  const suite = Array.isArray(w.benchmark_suite) ? w.benchmark_suite : [];
  const runs: { at: PathSegment[]; x: Loose }[] = [
    { at: ['workload'], x: w },
    ...suite.map((x, i) => ({ at: ['workload', 'benchmark_suite', i] as PathSegment[], x: obj(x) })),
  ];
  const sweep = obj(w.sweep);
  const base = has(w, 'max_requests') || has(sweep, 'max_requests');
  for (const { at, x } of runs) {
    const c = ctx(base || has(x, 'max_requests'));
    for (const [field, value] of Object.entries(x)) fieldIssues(field, value, [...at, field], c);
  }
  for (const [field, values] of Object.entries(sweep))
    if (Array.isArray(values))
      for (const [i, v] of values.entries())
        fieldIssues(field, v, ['workload', 'sweep', field, i], ctx(base));
  const count = Math.max(1, suite.length) * sweepPointCount(sweep);
  if (count > MAX_BENCHMARKS)
    err(
      has(w, 'sweep') ? ['workload', 'sweep'] : ['workload', 'benchmark_suite'],
      `the recipe expands to ${count} benchmarks, above the limit of ${MAX_BENCHMARKS}`,
    );
  return out;
}
