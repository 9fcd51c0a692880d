/**
 * The simulated service's ground truth over a window: its own record of every finished request
 * (`GET /hpcbench/requests`, times in Unix epoch ms to the microsecond), kept when the request ended
 * inside the window, summarised exactly (no histogram): count by state, tokens, TTFT / E2E / queue time.
 */
import type { ExactLatency, GroundTruthSummary } from './types.js';

/** The fields of one `/hpcbench/requests` entry used here. */
export interface TraceEntry {
  id: number;
  state: string;
  prompt_tokens: number;
  /** Absent from simulators older than the prefix cache. */
  cached_prompt_tokens?: number;
  output_tokens: number;
  arrived_ms: number | null;
  admitted_ms: number | null;
  end_ms: number | null;
  chunk_written_ms: (number | null)[];
}

/** Nearest-rank percentile of sorted values. */
function rank(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function exactLatency(values: number[]): ExactLatency | undefined {
  if (values.length === 0) return undefined;
  const v = [...values].sort((a, b) => a - b);
  return {
    count: v.length,
    mean: v.reduce((a, b) => a + b, 0) / v.length,
    min: v[0],
    max: v[v.length - 1],
    p50: rank(v, 0.5),
    p90: rank(v, 0.9),
    p99: rank(v, 0.99),
  };
}

export interface GroundTruthSource {
  requests: TraceEntry[];
  /** The server's `trace_capacity` (how many finished requests it keeps), when known. */
  capacity?: number;
}

/**
 * Summary of the requests of every source that ended in (`fromMs`, `toMs`]. `complete` is false when a
 * source's buffer was full and its oldest kept request ended inside the window (older ones were dropped).
 */
export function summarizeGroundTruth(
  sources: GroundTruthSource[],
  fromMs: number,
  toMs: number,
): GroundTruthSummary {
  const byState: Record<string, number> = {};
  let prompt = 0;
  let cached = 0;
  let output = 0;
  let n = 0;
  let complete = true;
  const ttft: number[] = [];
  const e2e: number[] = [];
  const queue: number[] = [];
  for (const src of sources) {
    const list = src.requests;
    const oldestEnd = list.reduce((m, r) => Math.min(m, r.end_ms ?? Number.POSITIVE_INFINITY), Infinity);
    if (src.capacity !== undefined && list.length >= src.capacity && oldestEnd > fromMs) complete = false;
    for (const r of list) {
      if (r.end_ms === null || r.end_ms <= fromMs || r.end_ms > toMs) continue;
      n++;
      byState[r.state] = (byState[r.state] ?? 0) + 1;
      prompt += r.prompt_tokens;
      cached += r.cached_prompt_tokens ?? 0;
      output += r.output_tokens;
      if (r.state !== 'done' || r.arrived_ms === null) continue;
      const written = r.chunk_written_ms.filter((t): t is number => typeof t === 'number');
      if (written.length > 0) {
        ttft.push(written[0] - r.arrived_ms);
        e2e.push(written[written.length - 1] - r.arrived_ms);
      }
      if (r.admitted_ms !== null) queue.push(r.admitted_ms - r.arrived_ms);
    }
  }
  const latency_ms: GroundTruthSummary['latency_ms'] = {};
  const t = exactLatency(ttft);
  const e = exactLatency(e2e);
  const q = exactLatency(queue);
  if (t) latency_ms.ttft = t;
  if (e) latency_ms.e2e = e;
  if (q) latency_ms.queue = q;
  return {
    source: 'GET /hpcbench/requests',
    requests: n,
    by_state: byState,
    prompt_tokens: prompt,
    cached_prompt_tokens: cached,
    output_tokens: output,
    latency_ms,
    complete,
  };
}
