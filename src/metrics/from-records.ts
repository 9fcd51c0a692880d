/**
 * An executor's snapshot rebuilt from its records file, for when its GET /metrics cannot be fetched (it
 * was killed, or it was gone after a `scancel`). The records file holds one line per finished request, in
 * the order the executor recorded them; each measured line goes through the same `MetricsRecorder` the
 * executor used, so the counters, error reasons, histograms and time windows equal the executor's own for
 * those records, and so do the multi-turn session counts (src/metrics/sessions.ts, warmup turns included).
 * Not in the records: open-loop arrivals that were never sent (`dropped_sends`, counted by
 * the executor only when its loop ends) and, unless given, the executor's start of the measurement (then
 * the earliest `scheduled` of a measured request, which is at or after it).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type MetricsSnapshot, type RecordJson, recordFromJson } from '../contracts/index.js';
import { MetricsRecorder, type RecorderOptions } from './recorder.js';
import { SessionCounter } from './sessions.js';

export interface RebuildOptions extends RecorderOptions {
  /** Epoch ms the executor's measurement began (its `window_start`), when known. */
  windowStart?: number;
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
  private firstScheduled?: number;

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
    if (r.warmup) return;
    if (this.lastSend === undefined || r.sent > this.lastSend) this.lastSend = r.sent;
    if (this.firstScheduled === undefined || r.scheduled < this.firstScheduled)
      this.firstScheduled = r.scheduled;
    this.recorder.add(recordFromJson(r));
  }

  finish(): Rebuilt {
    this.recorder.windowStart = this.opts.windowStart ?? this.firstScheduled;
    const snapshot = this.recorder.snapshot();
    snapshot.last_send = this.lastSend;
    if (this.sessions.seen) snapshot.sessions = this.sessions.counts();
    this.recorder.destroy();
    return {
      snapshot,
      lines: this.lines,
      skipped: this.skipped,
      unplannedTurns: this.sessions.unplanned,
    };
  }
}
