/**
 * Records finished requests into histograms and counters: overall and per time window (windows are aligned
 * to multiples of `windowSeconds` since the epoch, so windows of different executors line up when merged).
 * Only measured requests count; warmup requests are ignored here. Memory is bounded: no record is kept,
 * and a window's histograms are encoded and released when the next window opens. A latency kept per
 * window is recorded once, into its window: the overall histogram holds the closed windows' sum, and the
 * open window is added in when it is read (exact: counts add), which halves the recording per request.
 */
import type { Histogram } from 'hdr-histogram-js';
import {
  type Counters,
  type LatencyMetric,
  LENGTH_METRICS,
  type LengthMetric,
  MAX_TURN_FIGURES,
  type MetricsSnapshot,
  type RequestRecord,
  type Slo,
  TURN_METRICS,
  type TurnMetric,
  type WindowSnapshot,
} from '../contracts/index.js';
import { zeroCounters } from './counters.js';
import { deriveMetrics, itl, meetsSlo } from './derive.js';
import { encodeHistogram, histogramUs, newRecordingHistogram, recordMs } from './histogram.js';
import { addServerFigures, type ServerSums } from './server-figures.js';

export interface RecorderOptions {
  benchmark?: string;
  source?: string;
  slo?: Slo;
  /** Open loop: also record latencies from the scheduled time. */
  openLoop?: boolean;
  requestedRps?: number;
  windowSeconds?: number;
}

const WINDOWED: LatencyMetric[] = ['ttft', 'itl', 'tpot', 'e2e', 'schedule_lag'];
/** Open loop: latencies from the scheduled time, overall only (recorded directly). */
const OPEN: LatencyMetric[] = ['ttft_from_scheduled', 'e2e_from_scheduled'];

/**
 * Open loop: a measured request whose bytes left more than LATE_MS after its scheduled time is a late send
 * (judged from its record, `sent − scheduled`, the same difference as schedule lag, whatever its status).
 */
export const LATE_MS = 10;

interface OpenWindow {
  start: number;
  counters: Counters;
  hist: Partial<Record<LatencyMetric, Histogram>>;
}

export class MetricsRecorder {
  readonly counters = zeroCounters();
  readonly errors: Record<string, number> = {};
  readonly server: ServerSums = {};
  /** Overall: the closed windows' sum for WINDOWED metrics (see `overall`), every value for OPEN ones. */
  private readonly hist: Partial<Record<LatencyMetric, Histogram>> = {};
  /** Token counts per ok request (prompt sent, output received). */
  private readonly lengths = {} as Record<LengthMetric, Histogram>;
  private readonly closed: WindowSnapshot[] = [];
  /** Multi-turn sessions: histograms per turn index (created on a session's first measured ok turn). */
  private turns?: Map<number, Record<TurnMetric, Histogram>>;
  private win?: OpenWindow;
  private readonly windowMs: number;
  windowStart?: number;
  windowEnd?: number;

  constructor(private readonly opts: RecorderOptions = {}) {
    for (const m of opts.openLoop ? [...WINDOWED, ...OPEN] : WINDOWED) this.hist[m] = newRecordingHistogram();
    for (const m of LENGTH_METRICS) this.lengths[m] = newRecordingHistogram();
    this.windowMs = (opts.windowSeconds ?? 10) * 1000;
  }

  private window(at: number): OpenWindow {
    const start = Math.floor(at / this.windowMs) * this.windowMs;
    // completions arrive in time order; anything earlier than the open window joins it
    if (this.win && this.win.start >= start) return this.win;
    this.closeWindow();
    const hist: OpenWindow['hist'] = {};
    for (const m of WINDOWED) hist[m] = newRecordingHistogram();
    this.win = { start, counters: zeroCounters(), hist };
    return this.win;
  }

  private closeWindow(): void {
    const w = this.win;
    if (!w) return;
    this.closed.push(encodeWindow(w));
    for (const m of WINDOWED) {
      const h = w.hist[m] as Histogram;
      if (h.totalCount > 0) this.hist[m]?.add(h);
      h.destroy();
    }
    this.win = undefined;
  }

  /** Counts a scheduled measured request that was never sent. */
  dropped(at: number, n = 1): void {
    this.counters.dropped_sends += n;
    this.window(at).counters.dropped_sends += n;
  }

  /** Adds one finished measured request (ok, error or cancelled). */
  add(r: RequestRecord): void {
    const c = this.counters;
    const w = this.window(r.end);
    const wc = w.counters;
    c.sent++;
    wc.sent++;
    if (this.windowEnd === undefined || r.end > this.windowEnd) this.windowEnd = r.end;
    // late sends: in the request's completion window, like every other counter
    if (this.opts.openLoop && r.sent - r.scheduled > LATE_MS) {
      c.late_sends++;
      wc.late_sends++;
    }
    if (r.status !== 'ok') {
      if (r.status === 'cancelled') {
        c.cancelled++;
        wc.cancelled++;
        if (r.cancelled_by === 'workload') {
          c.cancelled_by_workload++;
          wc.cancelled_by_workload++;
        }
      } else {
        c.failed++;
        wc.failed++;
        const reason = r.error ?? 'unknown';
        this.errors[reason] = (this.errors[reason] ?? 0) + 1;
      }
      return;
    }
    c.ok++;
    wc.ok++;
    c.prompt_tokens += r.prompt_tokens;
    wc.prompt_tokens += r.prompt_tokens;
    c.output_tokens += r.output_tokens;
    wc.output_tokens += r.output_tokens;
    this.lengths.prompt_tokens.recordValue(Math.max(0, Math.round(r.prompt_tokens)));
    this.lengths.output_tokens.recordValue(Math.max(0, Math.round(r.output_tokens)));
    addServerFigures(this.server, r);
    const m = deriveMetrics(r);
    if (meetsSlo(m, this.opts.slo)) {
      c.good++;
      wc.good++;
    }
    const h = this.hist;
    const wh = w.hist;
    recordMs(wh.e2e!, m.e2e);
    recordMs(wh.schedule_lag!, m.schedule_lag);
    if (m.ttft !== undefined) recordMs(wh.ttft!, m.ttft);
    if (m.tpot !== undefined) recordMs(wh.tpot!, m.tpot);
    if (this.opts.openLoop) {
      recordMs(h.e2e_from_scheduled!, m.e2e_from_scheduled);
      if (m.ttft_from_scheduled !== undefined) recordMs(h.ttft_from_scheduled!, m.ttft_from_scheduled);
    }
    if (r.turn !== undefined) this.addTurn(r.turn, m.ttft, m.tpot, m.e2e, r.prompt_tokens);
    // equal gaps in a row (events that arrived in one network piece) are recorded at once
    const ch = r.chunks;
    const wItl = wh.itl!;
    let gap = -1;
    let count = 0;
    for (let i = 1; i < ch.length; i++) {
      const us = histogramUs(itl(ch, i, r.sent));
      if (us === gap) count++;
      else {
        if (count > 0) wItl.recordValueWithCount(gap, count);
        gap = us;
        count = 1;
      }
    }
    if (count > 0) wItl.recordValueWithCount(gap, count);
  }

  private addTurn(
    turn: number,
    ttft: number | undefined,
    tpot: number | undefined,
    e2e: number,
    prompt: number,
  ): void {
    this.turns ??= new Map();
    const k = Math.min(Math.max(1, turn), MAX_TURN_FIGURES);
    let t = this.turns.get(k);
    if (!t) {
      t = {} as Record<TurnMetric, Histogram>;
      for (const m of TURN_METRICS) t[m] = newRecordingHistogram();
      this.turns.set(k, t);
    }
    if (ttft !== undefined) recordMs(t.ttft, ttft);
    if (tpot !== undefined) recordMs(t.tpot, tpot);
    recordMs(t.e2e, e2e);
    t.prompt_tokens.recordValue(Math.max(0, Math.round(prompt)));
  }

  /**
   * Calls `read` with a metric's overall histogram: for a windowed one, the closed windows' sum plus the
   * open window (a temporary histogram, freed after `read`).
   */
  private overall<T>(metric: LatencyMetric, read: (h: Histogram) => T): T | undefined {
    const h = this.hist[metric];
    if (!h) return undefined;
    const open = this.win?.hist[metric];
    if (!open || open.totalCount === 0) return read(h);
    const sum = newRecordingHistogram();
    try {
      sum.add(h);
      sum.add(open);
      return read(sum);
    } finally {
      sum.destroy();
    }
  }

  /** A percentile (ms) of a metric over the measured requests so far; undefined before any. */
  percentile(metric: LatencyMetric, p: number): number | undefined {
    return this.overall(metric, (h) => (h.totalCount > 0 ? h.getValueAtPercentile(p) / 1000 : undefined));
  }

  snapshot(): MetricsSnapshot {
    const histograms: MetricsSnapshot['histograms'] = {};
    for (const k of Object.keys(this.hist) as LatencyMetric[])
      histograms[k] = this.overall(k, encodeHistogram);
    const lengths: MetricsSnapshot['lengths'] = {};
    for (const m of LENGTH_METRICS) lengths[m] = encodeHistogram(this.lengths[m]);
    const windows = this.win ? [...this.closed, encodeWindow(this.win)] : [...this.closed];
    let turns: MetricsSnapshot['turns'];
    if (this.turns) {
      turns = {};
      for (const [k, t] of [...this.turns].sort((a, b) => a[0] - b[0])) {
        const e: Partial<Record<TurnMetric, string>> = {};
        for (const m of TURN_METRICS) if (t[m].totalCount > 0) e[m] = encodeHistogram(t[m]);
        turns[String(k)] = e;
      }
    }
    return {
      source: this.opts.source,
      benchmark: this.opts.benchmark,
      window_start: this.windowStart,
      window_end: this.windowEnd,
      window_seconds: this.windowMs / 1000,
      counters: { ...this.counters },
      errors_by_reason: { ...this.errors },
      histograms,
      lengths,
      windows,
      requested_rps: this.opts.requestedRps,
      server_reported: { ...this.server },
      ...(turns && { turns }),
    };
  }

  /** Frees the histograms' memory (the recorder is unusable afterwards). */
  destroy(): void {
    for (const h of Object.values(this.hist)) h?.destroy();
    for (const h of Object.values(this.lengths)) h.destroy();
    if (this.win) for (const h of Object.values(this.win.hist)) h?.destroy();
    if (this.turns) for (const t of this.turns.values()) for (const m of TURN_METRICS) t[m].destroy();
  }
}

function encodeWindow(w: OpenWindow): WindowSnapshot {
  const histograms: WindowSnapshot['histograms'] = {};
  for (const [k, h] of Object.entries(w.hist)) {
    if (h && h.totalCount > 0) histograms[k as LatencyMetric] = encodeHistogram(h);
  }
  return { start: w.start, counters: { ...w.counters }, histograms };
}
