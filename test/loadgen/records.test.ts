/** The request record and its JSONL line: every field is written, chunks as offsets from `sent`. */
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/contracts/index.js';
import { newRecord, recordToJson } from '../../src/loadgen/record.js';

const base = {
  id: 'n1-7',
  benchmark: 'b',
  executor: 'n1',
  warmup: false,
  api: 'generate' as const,
  stream: true,
  scheduled: 1_795_000_000_000.125,
  prompt_tokens_client: 12,
};

describe('request records', () => {
  it('a fresh record has the caller fields and the defaults; absent fields stay out of the line', () => {
    const r = newRecord(base);
    expect(r).toMatchObject({ ...base, server: '', sent: 0, end: 0, chunks: [], status: 'error' });
    expect(JSON.parse(recordToJson(r))).toEqual({
      ...base,
      server: '',
      sent: 0,
      end: 0,
      chunk_offsets_ms: [],
      status: 'error',
      output_tokens_client: 0,
      prompt_tokens: 0,
      output_tokens: 0,
      tokens_source: 'client',
    });
  });

  it('a filled record is written completely: every field, chunks as µs-rounded offsets', () => {
    const r: RequestRecord = newRecord(base);
    Object.assign(r, {
      server: 'http://127.0.0.1:9',
      sent: 1_795_000_000_001.5,
      first_token: 1_795_000_000_011.5,
      last_token: 1_795_000_000_031.5,
      end: 1_795_000_000_032,
      chunks: [1_795_000_000_011.5, 1_795_000_000_021.0625, 1_795_000_000_031.5],
      status: 'error',
      http_status: 200,
      error: 'server_error',
      error_detail: 'boom "quoted"',
      retries: 1,
      prompt_tokens_server: 11,
      output_tokens_server: 3,
      output_tokens_client: 4,
      prompt_tokens: 11,
      output_tokens: 3,
      tokens_source: 'server',
      server_figures: { prompt_eval_count: 11, eval_count: 3, total_duration_ns: 30_000_000 },
      session: 'n1-s4',
      turn: 2,
    } satisfies Partial<RequestRecord>);
    const line = JSON.parse(recordToJson(r)) as Record<string, unknown>;
    const { chunks, ...rest } = r;
    expect(line).toEqual({ ...rest, chunk_offsets_ms: [10, 19.563, 30] });
    // every field of the record is in the line (chunks as chunk_offsets_ms)
    const fields = Object.keys(r).filter((k) => k !== 'chunks');
    expect(Object.keys(line).sort()).toEqual([...fields, 'chunk_offsets_ms'].sort());
    expect(chunks).toHaveLength(3);
  });
});
