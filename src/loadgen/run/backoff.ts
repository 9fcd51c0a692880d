/**
 * What a load run does when the server pushes back or is gone (docs/load-generation.md#backoff):
 *   - `Backoff` (one per closed-loop user): after a connection error (no HTTP answer, not a timeout),
 *     HTTP 429 or HTTP 503 the user waits `BACKOFF.baseMs · 2^(n−1)` capped at `BACKOFF.capMs`, with equal
 *     jitter (half fixed, half uniform random), before its next request; any other outcome resets it.
 *     Every attempt is still a record with its reason.
 *   - `Reachability` (one per run): the server is unreachable once no request got an HTTP answer for
 *     `unreachable_timeout` seconds (default BACKOFF.unreachableS) while connection errors kept coming;
 *     the run then stops and reports `E008: ...`, which fails the benchmark.
 */
import type { RequestRecord } from '../../contracts/index.js';

export const BACKOFF = {
  /** First wait after a push-back, milliseconds. */
  baseMs: 100,
  /** Longest wait, milliseconds. */
  capMs: 5000,
  /** Seconds without any HTTP answer (only connection errors) after which the server is unreachable. */
  unreachableS: 10,
} as const;

/** A failure that got no HTTP answer at all (refused, reset, host not found...): timeouts excluded. */
export function isConnectionError(rec: RequestRecord): boolean {
  return rec.status === 'error' && rec.http_status === undefined && rec.error !== 'timeout';
}

/** Whether a finished request asks its user to back off: a connection error, HTTP 429 or 503. */
export function isPushBack(rec: RequestRecord): boolean {
  return isConnectionError(rec) || rec.http_status === 429 || rec.http_status === 503;
}

export class Backoff {
  private failures = 0;

  constructor(
    private readonly random: () => number = Math.random,
    private readonly baseMs: number = BACKOFF.baseMs,
    private readonly capMs: number = BACKOFF.capMs,
  ) {}

  /** Milliseconds to wait before the next request after `rec` (0: none). */
  after(rec: RequestRecord): number {
    if (rec.status === 'cancelled' || !isPushBack(rec)) {
      this.failures = 0;
      return 0;
    }
    this.failures++;
    const d = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.failures - 1, 30));
    return d / 2 + (d / 2) * this.random();
  }
}

export class Reachability {
  /** Epoch ms of the first connection error since the last HTTP answer. */
  private since?: number;
  private readonly reasons = new Map<string, number>();

  constructor(readonly limitMs: number = BACKOFF.unreachableS * 1000) {}

  /** Observes a finished request; returns the E008 message once the server counts as unreachable. */
  observe(rec: RequestRecord, now: number): string | undefined {
    if (rec.status === 'cancelled') return undefined;
    if (!isConnectionError(rec)) {
      if (rec.http_status !== undefined || rec.status === 'ok') {
        this.since = undefined;
        this.reasons.clear();
      }
      return undefined;
    }
    this.since ??= rec.sent;
    const why = rec.error ?? 'network_error';
    this.reasons.set(why, (this.reasons.get(why) ?? 0) + 1);
    if (now - this.since < this.limitMs) return undefined;
    const list = [...this.reasons].map(([r, n]) => `${r} ×${n}`).join(', ');
    return `E008: server ${rec.server} unreachable for ${Math.round((now - this.since) / 1000)}s (${list}); benchmark stopped`;
  }
}
