/**
 * The exact merge: histograms are added bucket by bucket, counters and error reasons summed, windows
 * merged by their (epoch-aligned) start. Percentiles of the result equal those over the union of all raw
 * values within the histograms' precision; nothing is ever averaged.
 */

import type {
  ConnectionFigures,
  ExecutorLoad,
  LatencyMetric,
  MetricsSnapshot,
  TurnMetric,
  WindowSnapshot,
} from '../contracts/index.js';
import { addCounters, addReasons, zeroCounters } from './counters.js';
import { encodeHistogram, mergeEncoded } from './histogram.js';
import { mergeServerReported } from './server-figures.js';

type Encoded<K extends string = LatencyMetric> = Partial<Record<K, string>>;

function mergeHistograms<K extends string>(list: Encoded<K>[]): Encoded<K> {
  const keys = new Set<K>();
  for (const h of list) for (const k of Object.keys(h)) keys.add(k as K);
  const out: Encoded<K> = {};
  for (const k of keys) {
    const h = mergeEncoded(list.map((e) => e[k]));
    if (h) {
      out[k] = encodeHistogram(h);
      h.destroy();
    }
  }
  return out;
}

function mergeWindows(snaps: MetricsSnapshot[]): WindowSnapshot[] {
  const byStart = new Map<number, WindowSnapshot[]>();
  for (const s of snaps) {
    for (const w of s.windows ?? []) {
      const list = byStart.get(w.start);
      if (list) list.push(w);
      else byStart.set(w.start, [w]);
    }
  }
  return [...byStart.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([start, ws]) => ({
      start,
      counters: ws.reduce((c, w) => addCounters(c, w.counters), zeroCounters()),
      histograms: ws.length === 1 ? { ...ws[0].histograms } : mergeHistograms(ws.map((w) => w.histograms)),
    }));
}

const minOf = (v: (number | undefined)[]): number | undefined => {
  const d = v.filter((x): x is number => x !== undefined);
  return d.length ? Math.min(...d) : undefined;
};
const maxOf = (v: (number | undefined)[]): number | undefined => {
  const d = v.filter((x): x is number => x !== undefined);
  return d.length ? Math.max(...d) : undefined;
};

/** The busiest executor's figures (each the maximum over executors): the one that limits the schedule. */
function busiest(loads: (ExecutorLoad | undefined)[]): ExecutorLoad | undefined {
  const d = loads.filter((x): x is ExecutorLoad => x !== undefined);
  if (!d.length) return undefined;
  return {
    cpu_cores: Math.max(...d.map((l) => l.cpu_cores)),
    event_loop_utilization: Math.max(...d.map((l) => l.event_loop_utilization)),
  };
}

/** Per-turn histograms merged turn by turn (undefined when no snapshot has any). */
function mergeTurns(snaps: MetricsSnapshot[]): MetricsSnapshot['turns'] {
  const byTurn = new Map<string, Encoded<TurnMetric>[]>();
  for (const s of snaps)
    for (const [k, t] of Object.entries(s.turns ?? {})) {
      const list = byTurn.get(k);
      if (list) list.push(t);
      else byTurn.set(k, [t]);
    }
  if (byTurn.size === 0) return undefined;
  const out: NonNullable<MetricsSnapshot['turns']> = {};
  for (const [k, list] of [...byTurn].sort((a, b) => Number(a[0]) - Number(b[0])))
    out[k] = list.length === 1 ? { ...list[0] } : mergeHistograms(list);
  return out;
}

/** Session counts summed (undefined when no snapshot has any). */
function mergeSessions(snaps: MetricsSnapshot[]): MetricsSnapshot['sessions'] {
  const d = snaps.map((s) => s.sessions).filter((x) => x !== undefined);
  if (!d.length) return undefined;
  return {
    started: d.reduce((a, x) => a + x.started, 0),
    completed: d.reduce((a, x) => a + x.completed, 0),
  };
}

/**
 * Connection figures summed over the executors that reported them; the server closes after every
 * streamed response when any executor learnt it (undefined when none reported any).
 */
function mergeConnections(snaps: MetricsSnapshot[]): ConnectionFigures | undefined {
  const d = snaps.map((s) => s.connections).filter((x) => x !== undefined);
  if (!d.length) return undefined;
  const sum = (f: (c: ConnectionFigures) => number) => d.reduce((a, c) => a + f(c), 0);
  const learntBy = sum((c) => c.learnt_by);
  return {
    requests: sum((c) => c.requests),
    opened: sum((c) => c.opened),
    resent_stale: sum((c) => c.resent_stale),
    server_closes_after_stream: learntBy > 0,
    learnt_by: learntBy,
    executors: sum((c) => c.executors),
  };
}

export function mergeSnapshots(snaps: MetricsSnapshot[]): MetricsSnapshot {
  const counters = zeroCounters();
  const errors: Record<string, number> = {};
  for (const s of snaps) {
    addCounters(counters, s.counters);
    addReasons(errors, s.errors_by_reason);
  }
  const rps = snaps.map((s) => s.requested_rps).filter((x): x is number => x !== undefined);
  const sources = snaps.map((s) => s.source).filter((x): x is string => !!x);
  const uncounted = snaps.flatMap((s) => s.dropped_sends_uncounted ?? []);
  return {
    source: sources.length ? sources.join(',') : undefined,
    benchmark: snaps.find((s) => s.benchmark)?.benchmark,
    window_start: minOf(snaps.map((s) => s.window_start)),
    window_end: maxOf(snaps.map((s) => s.window_end)),
    last_send: maxOf(snaps.map((s) => s.last_send)),
    window_seconds: snaps.find((s) => s.window_seconds)?.window_seconds,
    counters,
    errors_by_reason: errors,
    histograms: mergeHistograms(snaps.map((s) => s.histograms ?? {})),
    lengths: mergeHistograms(snaps.map((s) => s.lengths ?? {})),
    windows: mergeWindows(snaps),
    requested_rps: rps.length ? rps.reduce((a, b) => a + b, 0) : undefined,
    ...optional('dropped_sends_uncounted', uncounted.length ? uncounted : undefined),
    executor_load: busiest(snaps.map((s) => s.executor_load)),
    ...optional('connections', mergeConnections(snaps)),
    server_reported: mergeServerReported(snaps.map((s) => s.server_reported)),
    ...optional('turns', mergeTurns(snaps)),
    ...optional('sessions', mergeSessions(snaps)),
  };
}

const optional = <K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> =>
  v === undefined ? {} : ({ [k]: v } as Record<K, V>);
