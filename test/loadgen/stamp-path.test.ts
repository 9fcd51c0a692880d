/**
 * Between bytes and stamp (docs/load-generation.md#timestamps): a network piece is stamped when the
 * transport hands it over and parsed later in the same event-loop turn, so parsing one response never
 * delays another's stamps; each response's pieces, end and failure keep their order. Driven through a
 * stand-in for the transport that calls the handler the way the transport does, at moments the test
 * controls (no network, no timing).
 */

import { describe, expect, it } from 'vitest';
import { runExchange } from '../../src/loadgen/clients/exchange.js';
import { openAiProtocol } from '../../src/loadgen/clients/openai.js';
import type { TransportHandler } from '../../src/loadgen/clients/transport.js';
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
const never = { aborted: false, reason: undefined, addEventListener() {}, removeEventListener() {} };

/** A transport that only keeps the handler; the test plays the transport's part on it. */
function standIn() {
  const handlers: TransportHandler[] = [];
  const target = standInTarget((h) => {
    handlers.push(h);
    h.onConnect(() => {});
    h.onRequestSent();
    h.onStatus(200);
  });
  return { target, handlers };
}

describe('stamps are taken when the bytes are handed over, parsing comes after', () => {
  it('pieces of two responses read in one turn: each stamped on arrival, parsed after both were read', async () => {
    const { target, handlers } = standIn();
    const a = streamedRecord('a');
    const b = streamedRecord('b');
    const doneA = runExchange(target, exchange, '{}', a, never);
    const doneB = runExchange(target, exchange, '{}', b, never);
    const [ha, hb] = handlers;
    // one event-loop turn: both sockets readable, read back to back
    const t0 = nowMs();
    handOver(ha, completionEvent('one'));
    const t1 = nowMs();
    handOver(hb, completionEvent('uno'));
    const t2 = nowMs();
    handOver(ha, Buffer.concat([completionEvent(' two'), completionEvent(' three')]));
    const t3 = nowMs();
    // nothing parsed yet: the handler only stamped and queued
    expect(a.chunks).toEqual([]);
    expect(b.chunks).toEqual([]);
    handOver(ha, STREAM_DONE);
    handOver(hb, STREAM_DONE);
    ha.onEnd(nowMs());
    hb.onEnd(nowMs());
    await Promise.all([doneA, doneB]);
    expect(a.status).toBe('ok');
    expect(b.status).toBe('ok');
    expect(a.chunks).toHaveLength(3);
    expect(a.chunks[0]).toBeGreaterThanOrEqual(t0);
    expect(a.chunks[0]).toBeLessThanOrEqual(t1);
    expect(b.chunks[0]).toBeGreaterThanOrEqual(t1);
    expect(b.chunks[0]).toBeLessThanOrEqual(t2);
    // two events in one piece share its stamp
    expect(a.chunks[1]).toBe(a.chunks[2]);
    expect(a.chunks[1]).toBeGreaterThanOrEqual(t2);
    expect(a.chunks[1]).toBeLessThanOrEqual(t3);
    expect(a.first_token).toBe(a.chunks[0]);
    expect(a.last_token).toBe(a.chunks[2]);
    // the end is when it was seen, not when it was processed
    expect(a.end).toBeGreaterThanOrEqual(t3);
    expect(a.output_tokens_client).toBe(3);
  });

  it('a failure mid-stream comes after the pieces before it: their chunks stay in the record', async () => {
    const { target, handlers } = standIn();
    const r = streamedRecord('c');
    const done = runExchange(target, exchange, '{}', r, never);
    const [h] = handlers;
    handOver(h, completionEvent('kept'));
    const cut = Object.assign(new Error('the server closed the connection'), { code: 'connection_closed' });
    h.onFail(cut, nowMs());
    await done;
    expect(r.status).toBe('error');
    expect(r.error).toBe('connection_closed');
    expect(r.chunks).toHaveLength(1);
    expect(r.first_token).toBe(r.chunks[0]);
    expect(r.end).toBeGreaterThanOrEqual(r.chunks[0]);
  });
});
