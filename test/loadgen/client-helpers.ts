/** Sends one request through a client built from a minimal spec and returns its record. */

import type { RequestRecord, WorkloadSpec } from '../../src/contracts/index.js';
import { createServiceClient } from '../../src/loadgen/clients/index.js';
import type { Target } from '../../src/loadgen/clients/pools.js';
import type { TransportHandler } from '../../src/loadgen/clients/transport.js';
import { newRecord, nowMs } from '../../src/loadgen/record.js';
import { capabilitiesOf } from '../helpers/capabilities.js';

export function spec(url: string, extra: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return {
    benchmark: 't',
    service: 'vllm',
    server_url: url,
    model: 'm',
    duration: 1,
    warmup: 0,
    load: { mode: 'closed', clients_per_node: 1 },
    ...extra,
  };
}

export async function sendOne(
  s: WorkloadSpec,
  opts: { prompt?: string; maxTokens?: number; signal?: AbortSignal } = {},
): Promise<RequestRecord> {
  const client = createServiceClient(s, capabilitiesOf(s.service));
  const rec = newRecord({
    id: 'x-1',
    benchmark: s.benchmark,
    executor: 'x',
    warmup: false,
    api: client.api,
    stream: client.stream,
    scheduled: nowMs(),
    prompt_tokens_client: 3,
  });
  rec.sent = nowMs();
  await client.send(
    { prompt: opts.prompt ?? 'a b c', maxTokens: opts.maxTokens ?? 8, promptTokens: 3 },
    rec,
    opts.signal ?? new AbortController().signal,
  );
  await client.close();
  return rec;
}

/**
 * For tests that play the transport's part on the exchange handler (stamp-path, cancel-race): a target
 * whose transport hands each request's handler to `send` (the test calls the handler the way the
 * transport does), a streamed OpenAI completions event and the stream's end, and a fresh record of a
 * streamed completion.
 */
export function standInTarget(send: (h: TransportHandler) => void): Target {
  return {
    origin: 'http://127.0.0.1:1',
    base: '',
    pool: {
      send: (_path, _id, _body, h) => send(h),
      close: async () => {},
      requests: 0,
      opened: 0,
      resentStale: 0,
      closesAfterChunked: false,
    },
  };
}

/** A network piece handed to the handler, as the transport does: just read (stamped now). */
export function handOver(h: TransportHandler, piece: Buffer): void {
  h.onBody(piece, 0, piece.length, nowMs());
}

export const completionEvent = (text: string): Buffer =>
  Buffer.from(`data: ${JSON.stringify({ choices: [{ index: 0, text, finish_reason: null }] })}\n\n`);

export const STREAM_DONE = Buffer.from('data: [DONE]\n\n');

export function streamedRecord(id: string): RequestRecord {
  return newRecord({
    id,
    benchmark: 'b',
    executor: 'x',
    warmup: false,
    api: 'completions',
    stream: true,
    scheduled: nowMs(),
    prompt_tokens_client: 1,
  });
}
