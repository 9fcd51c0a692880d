/**
 * Open versus closed loop is implied by `target_rps`: a benchmark with it is open loop (arrivals at a
 * rate), without it closed loop (a fixed number of users). Load fields of the other loop mean nothing
 * and are warned about where they are written — the workload, a suite entry, a sweep axis (the first
 * version's `concurrency: [..]` list is one) — when every benchmark they reach ignores them. A service
 * whose executor runs a per-user hook has no open loop: `target_rps` for it is an error, with the
 * executor's own message (loadgen's hookLoadRefusal).
 */
import { hookLoadRefusal } from '../loadgen/index.js';
import { type Loose, obj, str } from './loose.js';
import type { Push, RuleContext } from './rules.js';
import { WORKLOAD_ALIASES } from './schema/workload.js';
import { searchedField } from './search-rules.js';
import { servicePerUserHook } from './services.js';
import type { PathSegment } from './source.js';
import { sweepField } from './sweep-rules.js';

/** Fields of the closed loop (users), and of the open loop (arrivals). */
const CLOSED_ONLY = new Set(['clients_per_node', 'sleep_seconds']);
const OPEN_ONLY = new Set(['request_distribution', 'burstiness', 'max_concurrency', 'pacer_poll_ms']);

const canonical = (key: string): string => WORKLOAD_ALIASES[key] ?? key;
const present = (v: unknown) => v !== undefined && v !== null;

/** One group of benchmarks: a suite entry (or the workload alone), each of its sweep points. */
interface Group {
  fields: Loose;
  at?: PathSegment[];
}

export function loadModeRules(ctx: RuleContext, err: Push, reported: (path: PathSegment[]) => boolean): void {
  const w = obj(ctx.data.workload);
  const suite = Array.isArray(w.benchmark_suite) ? w.benchmark_suite.map(obj) : [];
  const groups: Group[] = suite.length
    ? suite.map((fields, i) => ({ fields, at: ['workload', 'benchmark_suite', i] }))
    : [{ fields: {} }];
  const axes = Object.entries(obj(w.sweep)).filter(([k]) => k !== 'mode');
  const axis = (field: string) => axes.find(([k]) => sweepField(k) === field);
  const keysOf = (o: Loose, field: string) => Object.keys(o).filter((k) => canonical(k) === field);
  /** An entry's own value (`null` unsets the workload's), else the workload's. */
  const own = (g: Group, field: string) => keysOf(g.fields, field).some((k) => g.fields[k] !== undefined);
  const merged = (g: Group, field: string) => {
    const o = own(g, field) ? g.fields : w;
    const k = keysOf(o, field).find((x) => o[x] !== undefined);
    return k === undefined ? undefined : o[k];
  };
  // what makes a group open loop: target_rps (also an open-loop search's probes, target_rps set per
  // probe) or a rate ramp
  const opener = (g: Group): 'target_rps' | 'ramp' | undefined => {
    const set = (k: string) => axis(k) !== undefined || present(merged(g, k));
    if (set('target_rps') || searchedField(w) === 'target_rps') return 'target_rps';
    return set('ramp') ? 'ramp' : undefined;
  };
  const open = (g: Group) => opener(g) !== undefined;
  /** What made the `reached` groups (all open) open loop, and the rate requests arrive at. */
  const openedBy = (reached: Group[]): [string, string] => {
    const by = new Set(reached.map(opener));
    if (by.size > 1)
      return ['target_rps or a rate ramp (ramp, ramp_start_rps, ramp_end_rps) makes', 'the given rate'];
    return by.has('ramp')
      ? ['the rate ramp (ramp, ramp_start_rps, ramp_end_rps) makes', "the ramp's rate"]
      : ['target_rps makes', 'target_rps'];
  };

  const check = (path: PathSegment[], key: string, reached: Group[]) => {
    const field = canonical(key);
    if (!reached.length || reported(path)) return;
    const scope =
      reached.length === 1 && groups.length === 1 && !axes.length
        ? 'this benchmark'
        : 'every benchmark it applies to';
    if (CLOSED_ONLY.has(field) && reached.every(open)) {
      const [by, rate] = openedBy(reached);
      err(
        path,
        `ignored: ${by} ${scope} open loop (requests arrive at ${rate}, not from a fixed number of users); ${key} applies to closed loop only`,
        'warning',
      );
    }
    if (OPEN_ONLY.has(field) && !reached.some(open))
      err(
        path,
        `ignored: without target_rps ${scope} is closed loop (clients_per_node users, each sending its next request when its last one is answered); ${key} applies to open loop only: set target_rps`,
        'warning',
      );
  };
  const loadKeys = (o: Loose) =>
    Object.keys(o).filter(
      (k) => present(o[k]) && (CLOSED_ONLY.has(canonical(k)) || OPEN_ONLY.has(canonical(k))),
    );
  for (const key of loadKeys(w))
    if (!axis(canonical(key)))
      check(
        ['workload', key],
        key,
        groups.filter((g) => !own(g, canonical(key))),
      );
  // an entry's `request_distribution: constant` that resets the workload's poisson/burst (request_distribution
  // cannot be null) is how a closed-loop entry of an open-loop suite is written: no warning
  const resets = (g: Group, key: string) =>
    key === 'request_distribution' &&
    g.fields[key] === 'constant' &&
    present(w[key]) &&
    w[key] !== 'constant';
  for (const g of groups)
    if (g.at)
      for (const key of loadKeys(g.fields))
        if (!axis(canonical(key)) && !resets(g, key)) check([...g.at, key], key, [g]);
  for (const [key] of axes)
    if (CLOSED_ONLY.has(canonical(key)) || OPEN_ONLY.has(canonical(key)))
      check(['workload', 'sweep', key], key, groups);

  // a per-user hook runs users: target_rps for its service is what its executor refuses
  const services = axis('service');
  const rps = axis('target_rps');
  for (const g of groups) {
    if (!open(g)) continue;
    const names = services && Array.isArray(services[1]) ? services[1] : [merged(g, 'service')];
    const hooked = names.map(str).find((s) => s !== undefined && servicePerUserHook(s));
    const refusal = hookLoadRefusal('open');
    if (!hooked || !refusal) continue;
    const path: PathSegment[] = rps
      ? ['workload', 'sweep', rps[0]]
      : g.at && own(g, 'target_rps')
        ? [...g.at, 'target_rps']
        : ['workload', 'target_rps'];
    if (!reported(path)) err(path, `service ${hooked}: ${refusal}`);
  }
}
