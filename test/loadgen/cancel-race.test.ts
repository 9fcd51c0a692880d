/**
 * workload.cancel after a delay is exact about what arrived before it (docs/load-generation.md#cancellation):
 * the transport hands a response's pieces and end over (stamped at once) and they are parsed later in the
 * same event-loop turn; the delay's timer can fire in between. A response whose end was handed over before the
 * timer fired is ok with all its chunks; a cancelled one keeps every chunk handed over before the cancel.
 * Driven through a stand-in for the transport that delivers the response from a timer it arms just before
 * the handler's cancel timer with the same delay, so both fire in one timers pass, delivery first (Node runs
 * expired timers of one duration in the order they were armed): no network, nothing timed. And a request
 * cancelled while it waits to be sent again (its kept-alive connection was stale) is never sent.
 */
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/contracts/index.js';
import { runExchange } from '../../src/loadgen/clients/exchange.js';
import { openAiProtocol } from '../../src/loadgen/clients/openai.js';
import type { TransportHandler } from '../../src/loadgen/clients/transport.js';
import type { CancelSignal } from '../../src/loadgen/clients/types.js';
import { nowMs } from '../../src/loadgen/record.js';
import {
  completionEvent,
  handOver,
  STREAM_DONE,
  spec,
  standInTarget,
  streamedRecord,
} from './client-helpers.js';

const exchange = openAiProtocol(spec('http://127.0.0.1:1'), 'completions', true).exchange;
const AFTER_MS = 20;
const cancelAfter: CancelSignal = {
  aborted: false,
  reason: undefined,
  cancelAfterMs: AFTER_MS,
  addEventListener() {},
  removeEventListener() {},
};

/**
 * A transport that writes the request at once and delivers `pieces` (then the end, when `complete`) from a timer
 * of the cancel's delay armed before the handler's own: in the timers pass where the cancel fires, the
 * response has just been handed over and is not parsed yet. `handedOver`: when the delivery finished.
 */
function standIn(rec: RequestRecord, pieces: Buffer[], complete: boolean) {
  const handedOver = { at: 0 };
  const target = standInTarget((h) => {
    h.onConnect(() => {});
    setTimeout(() => {
      // the cancel's deadline has passed by the record's own clock, so its timer cancels (no re-arm)
      while (nowMs() < rec.sent + AFTER_MS) {}
      h.onStatus(200);
      for (const p of pieces) handOver(h, p);
      if (complete) h.onEnd(nowMs());
      handedOver.at = nowMs();
    }, AFTER_MS);
    h.onRequestSent();
  });
  return { target, handedOver };
}

describe('workload.cancel after a delay, in the turn the response arrives', () => {
  it('a response whose end was handed over before the cancel fired is ok with all its chunks', async () => {
    const rec = streamedRecord('x-1');
    const { target, handedOver } = standIn(
      rec,
      [completionEvent('one'), completionEvent(' two'), STREAM_DONE],
      true,
    );
    await runExchange(target, exchange, '{}', rec, cancelAfter);
    expect(rec.status).toBe('ok');
    expect(rec.cancelled_by).toBeUndefined();
    expect(rec.chunks).toHaveLength(2);
    expect(rec.output_tokens_client).toBe(2);
    expect(rec.end).toBeLessThanOrEqual(handedOver.at);
  });

  it('a cancelled response keeps every chunk handed over before the cancel', async () => {
    const rec = streamedRecord('x-2');
    const { target, handedOver } = standIn(
      rec,
      [completionEvent('one'), Buffer.concat([completionEvent(' two'), completionEvent(' three')])],
      false,
    );
    await runExchange(target, exchange, '{}', rec, cancelAfter);
    expect(rec.status).toBe('cancelled');
    expect(rec.cancelled_by).toBe('workload');
    expect(rec.chunks).toHaveLength(3);
    expect(rec.first_token).toBe(rec.chunks[0]);
    expect(rec.chunks[2]).toBeLessThanOrEqual(handedOver.at);
    // cancelled after what it kept arrived, and not before its delay
    expect(rec.end).toBeGreaterThanOrEqual(rec.chunks[2]);
    expect(rec.end! - rec.sent).toBeGreaterThanOrEqual(AFTER_MS);
  });
});

describe('workload.cancel while a stale connection’s request waits to be sent again', () => {
  it('the request sent again is aborted as soon as it gets its connection (the server never runs it)', async () => {
    const rec = streamedRecord('x-3');
    const dispatched: TransportHandler[] = [];
    const target = standInTarget((h) => {
      dispatched.push(h);
      if (dispatched.length === 1) {
        // the kept-alive connection was closed by the server: the request fails before any header
        h.onConnect(() => {});
        h.onRequestSent();
        const closed = Object.assign(new Error('the server closed the connection'), {
          code: 'connection_closed',
        });
        h.onFail(closed, nowMs());
      }
      // the retry waits for a connection: the test hands it one after the cancel
    });
    await runExchange(target, exchange, '{}', rec, cancelAfter);
    expect(rec.status).toBe('cancelled');
    expect(rec.cancelled_by).toBe('workload');
    expect(rec.retries).toBe(1);
    expect(dispatched).toHaveLength(2);
    const aborted: (Error | undefined)[] = [];
    dispatched[1].onConnect((err?: Error) => aborted.push(err));
    expect(aborted).toHaveLength(1);
  });
});
