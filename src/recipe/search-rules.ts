/** `workload.search`: bounds in order, conditions in the threshold language, nothing it cannot run with (suite, sweep, thresholds, repetitions, ramp, trace). */
import { parseThreshold, runFigureMessage } from '../decide/threshold.js';
import { has, type Loose, num, obj } from './loose.js';
import type { Push } from './rules.js';

/** The field a search varies as written (`concurrency` is `clients_per_node`); undefined without a search. */
export function searchedField(w: Loose): 'target_rps' | 'clients_per_node' | undefined {
  if (w.search === undefined || w.search === null) return undefined;
  const f = obj(w.search).field ?? 'target_rps';
  return f === 'target_rps' ? 'target_rps' : 'clients_per_node';
}

export function searchRules(d: Loose, w: Loose, err: Push): void {
  const field = searchedField(w);
  if (!field) return;
  const s = obj(w.search);
  const at = ['workload', 'search'];
  for (const k of ['benchmark_suite', 'sweep', 'thresholds'] as const)
    if (has(w, k))
      err(
        ['workload', k],
        k === 'thresholds'
          ? 'not with workload.search: its probes are judged by search.slo (thresholds would fail every probe above capacity); move the conditions to search.slo'
          : `not with workload.search: a search runs the one workload at the loads it chooses; remove ${k} or search in a recipe of its own`,
      );
  if (num(d.repetitions) !== undefined && (num(d.repetitions) ?? 1) > 1)
    err(['repetitions'], 'not with workload.search: a search runs each probe once; remove repetitions');
  if (field === 'clients_per_node' && has(w, 'target_rps'))
    err(
      ['workload', 'target_rps'],
      'search.field clients_per_node searches closed-loop users: remove target_rps (it makes the probes open loop)',
    );
  if (has(w, 'ramp'))
    err(
      ['workload', 'ramp'],
      'not with workload.search: a search probes steady loads it chooses; remove the ramp (or run it in a recipe of its own)',
    );
  if (has(w, 'trace'))
    err(
      ['workload', 'trace'],
      "not with workload.search: a trace replay sends the trace's own requests at its own times whatever the probe's load, so every probe would replay the same trace; remove the trace or replay it in a recipe of its own",
    );
  if (field === 'target_rps' && has(w, 'target_rps'))
    err(['workload', 'target_rps'], 'set per probe by search (field target_rps): remove it here');
  const start = num(s.start);
  const min = num(s.min);
  const max = num(s.max);
  if (start !== undefined && max !== undefined && start > max)
    err([...at, 'start'], `must not exceed search.max (${max})`);
  if (min !== undefined && start !== undefined && min > start)
    err([...at, 'min'], `must not exceed search.start (${start})`);
  if (field === 'clients_per_node')
    for (const [k, v] of [
      ['start', start],
      ['min', min],
      ['max', max],
    ] as const)
      if (v !== undefined && !Number.isInteger(v))
        err([...at, k], `a whole number of clients per node (search.field ${String(s.field ?? field)})`);
  if (Array.isArray(s.slo))
    s.slo.forEach((c, i) => {
      if (typeof c !== 'string') return;
      const p = parseThreshold(c);
      if (!p.ok) err([...at, 'slo', i], p.message);
      else if (p.threshold.figure.scope === 'run')
        err([...at, 'slo', i], runFigureMessage(p.threshold.figure.name));
    });
}
