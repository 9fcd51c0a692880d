/**
 * An executor's snapshot rebuilt from its records file, for when its GET /metrics cannot be fetched (it
 * was killed, or it was gone after a `scancel`). The records file holds one line per finished request, in
 * the order the executor recorded them; each measured line goes through the same `MetricsRecorder` the
 * executor used, so the counters, error reasons, histograms and time windows equal the executor's own for
 * those records, and so do the multi-turn session counts (src/metrics/sessions.ts, warmup turns included).
 * Not in the records: open-loop arrivals that were never sent (`dropped_sends`, counted by
 * the executor only when its loop ends: `unsent` counts them from the arrival frontier the records show,
 * src/orchestrator/rebuild.ts) and, unless given, the executor's start of the measurement (then the
 * earliest `scheduled` of a measured request, which is at or after it).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type MetricsSnapshot, type RecordJson, recordFromJson } from '../contracts/index.js';
import { MetricsRecorder, type RecorderOptions } from './recorder.js';
import { SessionCounter } from './sessions.js';

export interface RebuildOptions extends RecorderOptions {
  /** Epoch ms the executor's measurement began (its `window_start`), when known. */
  windowStart?: number;
  /**
   * Open loop: the arrivals due by the frontier's `lastSend` that were never sent, counted as dropped at
   * that moment (the recorder's `dropped`, as the executor counts them when its loop ends); undefined
   * when they cannot be counted.
   */
  unsent?: (frontier: SendFrontier) => number | undefined;
}

/**
 * How far an open-loop executor's sends got, as its records show: its arrivals are sent in schedule order,
 * so every arrival up to the latest scheduled one recorded was sent. Arrival records are the requests
 * (with multi-turn sessions, the sessions' first turns: the later turns are due on a response, not on the
 * schedule).
 */
export interface SendFrontier {
  /** The executor's measurement start (its `window_start`), when known. */
  windowStart?: number;
  /** Measured arrival records. */
  count: number;
  /** Warmup arrival records (the warmup arrivals the executor sent). */
  warmup: number;
  /** The earliest and latest `scheduled` of a measured arrival record. */
  first: number;
  last: number;
  /** Measured arrival records scheduled at `last` (a trace's rows may share an instant). */
  atLast: number;
  /**
   * The latest `sent` of a measured arrival record: the last moment the records show the executor sending
   * on its schedule (with sessions, a later turn is sent on its previous turn's response, long after its
   * session arrived: it says nothing about how far the schedule got).
   */
  lastSend: number;
  /** Measured records (every turn with sessions). */
  measured: number;
}

export interface Rebuilt {
  snapshot: MetricsSnapshot;
  /** Lines read (warmup included). */
  lines: number;
  /** Lines that were not a whole record (the last line of a killed executor's file), skipped. */
  skipped: number;
  /**
   * Multi-turn sessions: turns recorded without their session's planned `turns` (an older records file):
   * `sessions.completed` cannot be told from them.
   */
  unplannedTurns: number;
  /** Where the sends got (undefined without a measured arrival record). */
  frontier?: SendFrontier;
  /** The arrivals `unsent` counted as dropped (undefined when it was not given or could not count them). */
  unsent?: number;
}

/** Rebuilds a snapshot from records-file lines (given in file order). */
export function snapshotFromLines(lines: Iterable<string>, opts: RebuildOptions = {}): Rebuilt {
  const builder = new Builder(opts);
  for (const line of lines) builder.line(line);
  return builder.finish();
}

/** Rebuilds a snapshot from a records file (streamed: any size). */
export async function snapshotFromRecordsFile(path: string, opts: RebuildOptions = {}): Promise<Rebuilt> {
  const builder = new Builder(opts);
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) builder.line(line);
  return builder.finish();
}

class Builder {
  private readonly recorder: MetricsRecorder;
  private readonly sessions = new SessionCounter();
  private lines = 0;
  private skipped = 0;
  private lastSend?: number;
  /** The latest `sent` of a measured arrival record (the frontier's `lastSend`). */
  private lastArrivalSend?: number;
  private firstScheduled?: number;
  private measured = 0;
  /** Arrival records (see SendFrontier): measured ones' count and scheduled span, warmup ones' count. */
  private arrivals = 0;
  private warmupArrivals = 0;
  private firstArrival = Number.POSITIVE_INFINITY;
  private lastArrival = Number.NEGATIVE_INFINITY;
  private atLastArrival = 0;

  constructor(private readonly opts: RebuildOptions) {
    this.recorder = new MetricsRecorder(opts);
  }

  line(text: string): void {
    if (!text) return;
    let r: RecordJson;
    try {
      r = JSON.parse(text) as RecordJson;
    } catch {
      this.skipped++;
      return;
    }
    if (typeof r !== 'object' || r === null || typeof r.sent !== 'number' || typeof r.end !== 'number') {
      this.skipped++;
      return;
    }
    this.lines++;
    this.sessions.add(r);
    const arrival = r.turn === undefined || r.turn <= 1;
    if (r.warmup) {
      if (arrival) this.warmupArrivals++;
      return;
    }
    this.measured++;
    if (this.lastSend === undefined || r.sent > this.lastSend) this.lastSend = r.sent;
    if (this.firstScheduled === undefined || r.scheduled < this.firstScheduled)
      this.firstScheduled = r.scheduled;
    if (arrival) {
      this.arrivals++;
      if (this.lastArrivalSend === undefined || r.sent > this.lastArrivalSend) this.lastArrivalSend = r.sent;
      if (r.scheduled < this.firstArrival) this.firstArrival = r.scheduled;
      if (r.scheduled > this.lastArrival) {
        this.lastArrival = r.scheduled;
        this.atLastArrival = 1;
      } else if (r.scheduled === this.lastArrival) this.atLastArrival++;
    }
    this.recorder.add(recordFromJson(r));
  }

  private frontier(): SendFrontier | undefined {
    if (this.arrivals === 0 || this.lastArrivalSend === undefined) return undefined;
    return {
      ...(this.opts.windowStart !== undefined ? { windowStart: this.opts.windowStart } : {}),
      count: this.arrivals,
      warmup: this.warmupArrivals,
      first: this.firstArrival,
      last: this.lastArrival,
      atLast: this.atLastArrival,
      lastSend: this.lastArrivalSend,
      measured: this.measured,
    };
  }

  finish(): Rebuilt {
    this.recorder.windowStart = this.opts.windowStart ?? this.firstScheduled;
    const frontier = this.frontier();
    const unsent = frontier && this.opts.unsent?.(frontier);
    if (frontier && unsent) this.recorder.dropped(frontier.lastSend, unsent);
    const snapshot = this.recorder.snapshot();
    snapshot.last_send = this.lastSend;
    if (this.sessions.seen) snapshot.sessions = this.sessions.counts();
    this.recorder.destroy();
    return {
      snapshot,
      lines: this.lines,
      skipped: this.skipped,
      unplannedTurns: this.sessions.unplanned,
      ...(frontier ? { frontier } : {}),
      ...(unsent !== undefined ? { unsent } : {}),
    };
  }
}
