/**
 * The load generator under a dead, refusing, overloaded or hung server (docs/load-generation.md#backoff):
 * closed-loop users back off after connection errors and 503s (every attempt still a record), a server
 * that gives only connection errors for `unreachable_timeout` stops the run with E008, and requests still
 * in flight `grace_period` after the measurement are cancelled and counted.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RequestRecord, WorkloadSpec } from '../../src/contracts/index.js';
import { BACKOFF, Backoff } from '../../src/loadgen/run/backoff.js';
import { startLoad } from '../../src/loadgen/run/load-run.js';
import { type Closable, refusedPort, scriptedServer } from '../fixtures/net-conditions.js';
import { withCaps } from '../helpers/capabilities.js';

const dir = mkdtempSync(join(tmpdir(), 'hpcbench-backoff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = (url: string, extra: Partial<WorkloadSpec>): WorkloadSpec => ({
  benchmark: 'b',
  service: 'dummy',
  server_url: url,
  model: 'dummy-model',
  api: 'completions',
  duration: 2,
  warmup: 0,
  load: { mode: 'closed', clients_per_node: 4 },
  max_tokens: 8,
  prompts: { source: 'synthetic', input_tokens: 16, output_tokens: 8 },
  ...extra,
});

const records = (p: string): RequestRecord[] =>
  readFileSync(p, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RequestRecord);

async function withServer<T>(s: Closable, f: (s: Closable) => Promise<T>): Promise<T> {
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}

describe('Backoff', () => {
  const rec = (r: Partial<RequestRecord>) => ({ status: 'error', ...r }) as RequestRecord;
  it('doubles from the base after each push-back, caps, jitters within [d/2, d], resets on success', () => {
    const low = new Backoff(() => 0);
    const high = new Backoff(() => 1);
    const lows: number[] = [];
    const highs: number[] = [];
    for (let i = 0; i < 12; i++) {
      lows.push(low.after(rec({ error: 'ECONNREFUSED' })));
      highs.push(high.after(rec({ http_status: 503, error: 'http_503' })));
    }
    expect(highs.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(lows.slice(0, 4)).toEqual([50, 100, 200, 400]);
    expect(Math.max(...highs)).toBe(BACKOFF.capMs);
    expect(high.after(rec({ http_status: 429, error: 'http_429' }))).toBe(BACKOFF.capMs);
    expect(high.after({ status: 'ok', http_status: 200 } as RequestRecord)).toBe(0);
    expect(high.after(rec({ http_status: 503 }))).toBe(100);
    // a timeout or an HTTP 500 is not a push-back
    expect(new Backoff(() => 1).after(rec({ error: 'timeout' }))).toBe(0);
    expect(new Backoff(() => 1).after(rec({ http_status: 500, error: 'http_500' }))).toBe(0);
  });
});

describe('closed loop against a dead server', () => {
  it('backs off, every attempt a record; E008 after unreachable_timeout stops the run', async () => {
    const url = `http://127.0.0.1:${await refusedPort()}`;
    const path = join(dir, 'dead.jsonl');
    const run = startLoad(
      ...withCaps(spec(url, { duration: 30, unreachable_timeout: 1, records_path: path })),
    );
    const snap = await run.done;
    const status = run.status();
    expect(status.error).toMatch(
      /^E008: server http:\/\/127\.0\.0\.1:\d+ unreachable for \d+s \(ECONNREFUSED ×\d+\)/,
    );
    const recs = records(path);
    expect(recs.length).toBe(snap.counters.sent);
    expect(recs.every((r) => r.status === 'error' && r.error === 'ECONNREFUSED')).toBe(true);
    expect(snap.counters.sent).toBe(snap.counters.failed);
    // without backoff 4 users make thousands of refused attempts per second; with it, a few each
    expect(recs.length, `${recs.length} attempts`).toBeLessThan(4 * 12);
    expect(statSync(path).size).toBeLessThan(64 * 1024);
  });
});

describe('closed loop against a 503 storm', () => {
  it('users back off between 503s; the server answered, so it is not unreachable', async () => {
    await withServer(
      await scriptedServer((_req, res) => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":"queue full"}');
      }),
      async (s) => {
        const path = join(dir, '503.jsonl');
        const run = startLoad(
          ...withCaps(spec(s.url, { duration: 2, unreachable_timeout: 0.5, records_path: path })),
        );
        const snap = await run.done;
        expect(run.status().error).toBeUndefined();
        const recs = records(path);
        expect(recs.length).toBe(snap.counters.sent);
        expect(recs.every((r) => r.error === 'http_503')).toBe(true);
        expect(snap.errors_by_reason).toEqual({ http_503: snap.counters.sent });
        // 2 s of 100, 200, 400, 800 ms... waits: at most ~6 attempts per user (thousands without backoff)
        expect(recs.length).toBeLessThanOrEqual(4 * 8);
      },
    );
  });
});

describe('a server that hangs on generation', () => {
  it('in-flight requests are cancelled grace_period after the measurement and counted', async () => {
    await withServer(
      await scriptedServer(() => {
        // never answers
      }),
      async (s) => {
        const path = join(dir, 'hang.jsonl');
        const run = startLoad(
          ...withCaps(spec(s.url, { duration: 0.5, grace_period: 0.3, records_path: path })),
        );
        const snap = await run.done;
        const recs = records(path);
        expect(snap.counters.sent).toBe(4);
        expect(snap.counters.cancelled).toBe(4);
        expect(snap.counters.ok + snap.counters.failed).toBe(0);
        expect(recs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
      },
    );
  });
});
