/**
 * `sent` is taken when the request's bytes were written to its connection: a request that waited for a
 * free connection counts from when it was written, not from when it was queued; one written at once is
 * stamped after the write (as the bench's bare client stamps onRequestSent), so its TTFT does not hold
 * the write itself. The simulator runs in this process (same clock), so its ground truth can be compared
 * exactly.
 */
import { Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createServiceClient } from '../../src/loadgen/clients/index.js';
import { newRecord, nowMs } from '../../src/loadgen/record.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { capabilitiesOf } from '../helpers/capabilities.js';
import { spec } from './client-helpers.js';

let sim: DummyServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

it('a request queued behind another on the only connection is stamped sent when it is written', async () => {
  sim = await startDummyServer({ load_ms: 0, prefill_base_ms: 0, decode_step_ms: 20 });
  const client = createServiceClient(
    spec(sim.url, { service: 'dummy', model: 'dummy-model' }),
    capabilitiesOf('dummy'),
    1,
  );
  const recs = ['s-1', 's-2'].map((id) =>
    newRecord({
      id,
      benchmark: 't',
      executor: 'x',
      warmup: false,
      api: client.api,
      stream: true,
      scheduled: nowMs(),
      prompt_tokens_client: 1,
    }),
  );
  const queuedAt = nowMs();
  for (const r of recs) r.sent = queuedAt; // what the caller sets before handing it over
  const input = { prompt: 'a', maxTokens: 5, promptTokens: 1 };
  await Promise.all(recs.map((r) => client.send(input, r, new AbortController().signal)));
  await client.close();
  const [a, b] = recs;
  expect([a.status, b.status]).toEqual(['ok', 'ok']);
  expect(b.sent).toBeGreaterThanOrEqual(a.end); // written once the first response had ended
  const tr = (await (await fetch(`${sim.url}/hpcbench/requests`)).json()) as {
    requests: { client_request_id: string; arrived_ms: number }[];
  };
  for (const r of recs) {
    const t = tr.requests.find((x) => x.client_request_id === r.id)!;
    expect(r.sent).toBeLessThanOrEqual(t.arrived_ms); // the server cannot see it before it was written
  }
});

it('a request written at once is stamped sent after its bytes were handed to the socket', async () => {
  sim = await startDummyServer({ load_ms: 0, prefill_base_ms: 0, decode_step_ms: 1 });
  const client = createServiceClient(
    spec(sim.url, { service: 'dummy', model: 'dummy-model' }),
    capabilitiesOf('dummy'),
    1,
  );
  // when the head of each request (it names its id) was handed to a socket, stamped after the call
  const written = new Map<string, number>();
  const write = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    const ok = write.apply(this, args);
    const m = typeof args[0] === 'string' ? /x-request-id: (w-\d+)/.exec(args[0]) : null;
    if (m) written.set(m[1], nowMs());
    return ok;
  } as Socket['write'];
  try {
    const input = { prompt: 'a', maxTokens: 2, promptTokens: 1 };
    for (const id of ['w-1', 'w-2', 'w-3']) {
      const rec = newRecord({
        id,
        benchmark: 't',
        executor: 'x',
        warmup: false,
        api: client.api,
        stream: true,
        scheduled: nowMs(),
        prompt_tokens_client: 1,
      });
      await client.send(input, rec, new AbortController().signal);
      expect(rec.status).toBe('ok');
      expect(written.has(id)).toBe(true);
      expect(rec.sent).toBeGreaterThanOrEqual(written.get(id)!);
      expect(rec.first_token!).toBeGreaterThan(rec.sent);
    }
  } finally {
    Socket.prototype.write = write;
    await client.close();
  }
});
