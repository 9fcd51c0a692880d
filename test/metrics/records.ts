/** Crafted request records for metric tests. */

import type { RequestRecord } from '../../src/contracts/index.js';
import { newRecord } from '../../src/loadgen/record.js';

export interface Crafted {
  scheduled?: number;
  sent: number;
  /** Content chunk times (epoch ms); empty = non-streaming. */
  chunks?: number[];
  end?: number;
  output?: number;
  prompt?: number;
  status?: RequestRecord['status'];
  error?: string;
}

export function craft(c: Crafted): RequestRecord {
  const chunks = c.chunks ?? [];
  const r = newRecord({
    id: 'r',
    benchmark: 'b',
    executor: 'x',
    warmup: false,
    api: 'completions',
    stream: chunks.length > 0,
    scheduled: c.scheduled ?? c.sent,
    prompt_tokens_client: c.prompt ?? 10,
  });
  r.sent = c.sent;
  r.chunks = chunks;
  r.first_token = chunks[0];
  r.last_token = chunks.length ? chunks[chunks.length - 1] : c.end;
  r.end = c.end ?? chunks[chunks.length - 1] ?? c.sent;
  r.status = c.status ?? 'ok';
  r.error = c.error;
  r.output_tokens_client = c.output ?? chunks.length;
  r.prompt_tokens = r.prompt_tokens_client;
  r.output_tokens = r.output_tokens_client;
  return r;
}
