/** The per-user hook (the seed's `_run_benchmark(workload_config, thread_id)`), in the load generator. */
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../../src/contracts/index.js';
import { isHpcBenchError } from '../../src/errors.js';
import { nowMs } from '../../src/loadgen/record.js';
import { startLoad } from '../../src/loadgen/run/load-run.js';
import type { RunUser } from '../../src/loadgen/run/user-hook.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { withCaps } from '../helpers/capabilities.js';

let sim: DummyServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const spec = (url: string, extra: Partial<WorkloadSpec> = {}): WorkloadSpec => ({
  benchmark: 'b',
  service: 'dummy',
  server_url: url,
  model: 'dummy-model',
  duration: 0.8,
  warmup: 0,
  load: { mode: 'closed', clients_per_node: 3 },
  max_tokens: 8,
  prompts: { source: 'synthetic', input_tokens: 16, output_tokens: 8 },
  ...extra,
});

describe('runUser', () => {
  it('is called once per user; measured requests count in the snapshot, send() uses the service client', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1, seed: 1 });
    const calls: number[] = [];
    const made: Record<number, number> = {};
    const runUser: RunUser = async (workload, threadId, user) => {
      calls.push(threadId);
      expect(user.threadId).toBe(threadId);
      made[threadId] = 0;
      while (user.active()) {
        if (threadId === 0) {
          await user.send(); // the default request of the service
          continue;
        }
        await user.measure(async (input, rec, signal) => {
          const abort = new AbortController();
          signal.addEventListener('abort', () => abort.abort());
          const res = await fetch(`${workload.server_url}/v1/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              model: workload.model,
              prompt: input.prompt,
              max_tokens: input.maxTokens,
            }),
            signal: abort.signal,
          });
          const body = (await res.json()) as { usage: { completion_tokens: number } };
          rec.last_token = nowMs();
          rec.http_status = res.status;
          rec.status = res.ok ? 'ok' : 'error';
          rec.output_tokens_server = body.usage.completion_tokens;
        });
        made[threadId]++;
      }
    };
    const records: { executor: string; server: string; status: string; output_tokens: number }[] = [];
    const snap = await startLoad(...withCaps(spec(sim.url), { runUser, onRecord: (r) => records.push(r) }))
      .done;
    expect(calls.sort()).toEqual([0, 1, 2]);
    expect(made[1]).toBeGreaterThan(0);
    expect(made[2]).toBeGreaterThan(0);
    expect(snap.counters.sent).toBe(records.length);
    expect(snap.counters.ok).toBe(records.length);
    expect(records.every((r) => r.server !== '' && r.output_tokens === 8)).toBe(true);
    expect(snap.counters.output_tokens).toBe(records.length * 8);
  });

  it('a throw inside measure makes that request an error, not the run', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1 });
    const runUser: RunUser = async (_w, _id, user) => {
      await user.measure(async () => {
        throw new Error('custom client broke');
      });
    };
    const snap = await startLoad(
      ...withCaps(spec(sim.url, { load: { mode: 'closed', clients_per_node: 2 } }), {
        runUser,
      }),
    ).done;
    expect(snap.counters).toMatchObject({ sent: 2, failed: 2, ok: 0 });
    expect(snap.errors_by_reason).toEqual({ client_error: 2 });
  });

  it('with target_rps (open loop) the hook is refused with E006 naming the field', () => {
    const runUser: RunUser = async () => {};
    let err: unknown;
    try {
      startLoad(
        ...withCaps(spec('http://127.0.0.1:9', { load: { mode: 'open', target_rps: 5 } }), { runUser }),
      );
    } catch (e) {
      err = e;
    }
    expect(isHpcBenchError(err) && err.code).toBe('E006');
    expect((err as Error).message).toMatch(/workload\.target_rps: .*per-user hook/);
  });
});
