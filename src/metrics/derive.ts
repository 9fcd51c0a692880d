/**
 * The metric definitions (docs/metrics.md), applied to one successful request. All values in ms.
 *   TTFT = first content chunk − sent (streaming only)
 *   E2E  = last content chunk − sent (non-streaming: complete response − sent)
 *   TPOT = (E2E − TTFT) / (output_tokens − 1), only when output_tokens > 1 and TTFT exists
 *   ITL  = chunk[i] − chunk[i−1] for each pair of consecutive content chunks (streaming only), from the
 *          chunks' offsets from `sent` at microsecond resolution (as the records file holds them)
 *   schedule lag = sent − scheduled; *_from_scheduled = the same latencies measured from `scheduled`
 */
import { chunkOffsetMs, type RequestRecord, type Slo } from '../contracts/index.js';

export interface RequestMetrics {
  ttft?: number;
  e2e: number;
  tpot?: number;
  schedule_lag: number;
  ttft_from_scheduled?: number;
  e2e_from_scheduled: number;
}

export function deriveMetrics(r: RequestRecord): RequestMetrics {
  const last = r.last_token ?? r.end;
  const e2e = last - r.sent;
  const ttft = r.first_token !== undefined ? r.first_token - r.sent : undefined;
  const tpot = ttft !== undefined && r.output_tokens > 1 ? (e2e - ttft) / (r.output_tokens - 1) : undefined;
  return {
    ttft,
    e2e,
    tpot,
    schedule_lag: r.sent - r.scheduled,
    ttft_from_scheduled: r.first_token !== undefined ? r.first_token - r.scheduled : undefined,
    e2e_from_scheduled: last - r.scheduled,
  };
}

/**
 * The i-th ITL sample of a request's content-chunk stamps (1 ≤ i < chunks.length): the difference of the
 * two chunks' µs-rounded offsets from `sent` (`chunkOffsetMs`), so the records file gives the same value.
 */
export function itl(chunks: readonly number[], i: number, sent: number): number {
  return chunkOffsetMs(chunks[i], sent) - chunkOffsetMs(chunks[i - 1], sent);
}

/**
 * Goodput: a successful request meets every SLO given. A non-streaming request's first token arrives with
 * the whole response, so its TTFT for SLO purposes is its E2E; a TPOT SLO holds when TPOT is undefined.
 */
export function meetsSlo(m: RequestMetrics, slo: Slo | undefined): boolean {
  if (!slo) return true;
  if (slo.ttft_ms !== undefined && (m.ttft ?? m.e2e) > slo.ttft_ms) return false;
  if (slo.tpot_ms !== undefined && m.tpot !== undefined && m.tpot > slo.tpot_ms) return false;
  if (slo.e2e_ms !== undefined && m.e2e > slo.e2e_ms) return false;
  return true;
}
