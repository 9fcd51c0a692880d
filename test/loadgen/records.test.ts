/** The request record and its JSONL line: every field is written, chunks as offsets from `sent`. */
import { describe, expect, it } from 'vitest';
import type { RecordJson, RequestRecord } from '../../src/contracts/index.js';
import { chunkOffsetMs } from '../../src/contracts/record.js';
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

// the reference: every field of the line (AllFields: the compiler flags one left out here)
const reference = (r: RequestRecord): string => {
  const line: RecordJson = {
    id: r.id,
    benchmark: r.benchmark,
    executor: r.executor,
    warmup: r.warmup,
    api: r.api,
    stream: r.stream,
    server: r.server,
    scheduled: r.scheduled,
    sent: r.sent,
    first_token: r.first_token,
    last_token: r.last_token,
    end: r.end,
    chunk_offsets_ms: r.chunks.map((c) => chunkOffsetMs(c, r.sent)),
    status: r.status,
    http_status: r.http_status,
    error: r.error,
    cancelled_by: r.cancelled_by,
    error_detail: r.error_detail,
    retries: r.retries,
    prompt_tokens_server: r.prompt_tokens_server,
    output_tokens_server: r.output_tokens_server,
    prompt_tokens_client: r.prompt_tokens_client,
    output_tokens_client: r.output_tokens_client,
    prompt_tokens: r.prompt_tokens,
    output_tokens: r.output_tokens,
    tokens_source: r.tokens_source,
    server_figures: r.server_figures,
    session: r.session,
    turn: r.turn,
    turns: r.turns,
  };
  return JSON.stringify(line);
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
      cancelled_by: 'stop',
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
      turns: 3,
    } satisfies Partial<RequestRecord>);
    const line = JSON.parse(recordToJson(r)) as Record<string, unknown>;
    const { chunks, ...rest } = r;
    expect(line).toEqual({ ...rest, chunk_offsets_ms: [10, 19.563, 30] });
    // every field of the record is in the line (chunks as chunk_offsets_ms)
    const fields = Object.keys(r).filter((k) => k !== 'chunks');
    expect(Object.keys(line).sort()).toEqual([...fields, 'chunk_offsets_ms'].sort());
    expect(chunks).toHaveLength(3);
  });

  it("the line is byte for byte JSON.stringify's of the record's JSON form, whatever the values", () => {
    const strings = [
      '',
      'plain',
      'q"uote',
      'back\\slash',
      'nl\n\ttab\u0001',
      'ü 服务器 🚦',
      'lone \ud800 x',
      '\udc00',
    ];
    const numbers = [
      0,
      -0,
      1,
      0.1 + 0.2,
      1_795_000_000_000.125,
      1e21,
      1e-7,
      -3.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ];
    let n = 0;
    for (const s of strings) {
      for (const v of numbers) {
        const r = newRecord({
          ...base,
          id: `${s}-${n}`,
          benchmark: s,
          executor: s,
          scheduled: v,
          prompt_tokens_client: v,
        });
        Object.assign(r, { server: s, sent: 1_795_000_000_001.5, end: v, output_tokens_client: v });
        const t = 1_795_000_000_001.5;
        // runs of equal stamps (one network piece) and distinct ones
        r.chunks.push(t + 1, t + 1, t + 1, t + 2.0004, t + 2.0006, t + 2.0006, t + v);
        if (n % 2 === 0) {
          Object.assign(r, {
            first_token: v,
            last_token: t + 3,
            status: 'cancelled',
            http_status: 503,
            error: s,
            cancelled_by: 'workload',
            error_detail: s,
            retries: 1,
            prompt_tokens_server: v,
            output_tokens_server: 7,
            tokens_source: 'mixed',
            server_figures: { eval_count: 3, total_duration_ns: v },
            session: s,
            turn: v,
            turns: v,
          } satisfies Partial<RequestRecord>);
        }
        expect(recordToJson(r)).toBe(reference(r));
        n++;
      }
    }
  });

  it('epoch stamps are written as String() writes them: every step of their 2^-12 ms spacing', () => {
    const r = newRecord(base);
    // 2004-11, now, 2039-09 (the fast path's edges) and a few between
    const wholes = [
      2 ** 40,
      2 ** 40 + 1,
      1_795_000_000_000,
      1_795_000_000_999,
      1_999_999_999_999,
      2 ** 41 - 1,
    ];
    for (let k = 0; k < 6; k++) wholes.push(2 ** 40 + Math.floor(Math.random() * 2 ** 40));
    const got: string[] = [];
    const want: string[] = [];
    for (const w of wholes) {
      for (let m = 0; m < 4096; m++) {
        Object.assign(r, {
          scheduled: w + m / 4096,
          sent: w + ((m * 7) % 4096) / 4096,
          end: w + 1 + m / 4096,
        });
        got.push(recordToJson(r));
        want.push(reference(r));
      }
    }
    expect(got).toEqual(want);
    // outside the fast path: before 2004-11 and after 2039-09
    Object.assign(r, { scheduled: 2 ** 40 - 1 / 8192, sent: 2 ** 41 + 0.25, end: 1.5e12 });
    expect(recordToJson(r)).toBe(reference(r));
  });

  it('chunk offsets are written as JSON writes them, negative and long ones too', () => {
    const r = newRecord({ ...base, scheduled: 1_795_000_000_000.125 });
    r.sent = 1_795_000_000_001.5;
    for (let k = -3000; k < 300_000; k += k < 3000 ? 1 : 37) {
      r.chunks = [r.sent + k / 1000, r.sent + k / 1000 + 0.0004, r.sent + k / 1000 + 0.0006];
      expect(recordToJson(r)).toBe(reference(r));
    }
    r.chunks = [r.sent + 1e13, Number.NaN, r.sent - 1e16];
    expect(recordToJson(r)).toBe(reference(r));
  });

  it('a record that differs from the one before in one field only is written with that field', () => {
    // lines reuse the bytes of fields unchanged since the last record: each field must count as a change
    const filled = (): RequestRecord => {
      const r = newRecord(base);
      Object.assign(r, {
        server: 'http://127.0.0.1:9',
        sent: 1_795_000_000_001.5,
        first_token: 1_795_000_000_011.5,
        last_token: 1_795_000_000_031.5,
        end: 1_795_000_000_032,
        chunks: [1_795_000_000_011.5],
        status: 'ok',
        http_status: 200,
        prompt_tokens_server: 11,
        output_tokens_server: 3,
        output_tokens_client: 4,
        prompt_tokens: 11,
        output_tokens: 3,
        tokens_source: 'server',
      } satisfies Partial<RequestRecord>);
      return r;
    };
    const changes: Partial<RequestRecord> = {
      id: 'n1-8',
      benchmark: 'b2',
      executor: 'n2',
      warmup: true,
      api: 'chat',
      stream: false,
      server: 'http://127.0.0.1:10',
      status: 'error',
      http_status: 500,
      error: 'http_500',
      cancelled_by: 'stop',
      error_detail: 'd',
      retries: 1,
      prompt_tokens_server: 12,
      output_tokens_server: 4,
      prompt_tokens_client: 13,
      output_tokens_client: 5,
      prompt_tokens: 12,
      output_tokens: 4,
      tokens_source: 'mixed',
      server_figures: { eval_count: 3 },
      session: 'n1-s1',
      turn: 2,
      turns: 3,
    };
    for (const [k, v] of Object.entries(changes)) {
      const before = filled();
      expect(recordToJson(before)).toBe(reference(before));
      const after = Object.assign(filled(), { [k]: v });
      expect(recordToJson(after), k).toBe(reference(after));
      // and back
      expect(recordToJson(before), k).toBe(reference(before));
    }
  });
});
