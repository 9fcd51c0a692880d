/**
 * workload.cancel through every client against the in-process simulator: OpenAI completions and chat,
 * Ollama generate and chat, streamed (after N tokens) and not (after a delay). Each cancelled request is
 * recorded as cancelled by the workload with what it received, and the simulator saw its client go away
 * (ground truth `cancelled`, fewer tokens than planned, its abort counter). POST /start refuses
 * after_tokens without streaming (E006), and a bad cancel with the schema's message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, RequestRecord, StartBody } from '../../src/contracts/index.js';
import { ConfigValidationError } from '../../src/errors.js';
import { parseWorkloadSpec } from '../../src/executor/spec-schema.js';
import { startLoad } from '../../src/loadgen/run/load-run.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { withCaps } from '../helpers/capabilities.js';
import { specFrom } from '../helpers/spec.js';

let sim: DummyServer;
beforeAll(async () => {
  sim = await startDummyServer({ load_ms: 0, decode_step_ms: 5, seed: 3 });
});
afterAll(() => sim.close());

/** Resolves once `done()` holds (checked every 5 ms); rejects after 10 s. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!done()) throw new Error('the simulator did not record every request');
}

const OUT = 30;
const body = (extra: Partial<StartBody>): StartBody => ({
  benchmark: 'b',
  server_url: sim.url,
  model: 'dummy-model',
  duration: 0,
  warmup: 0,
  clients_per_node: 2,
  max_requests: 4,
  max_tokens: OUT,
  ignore_eos: true,
  prompts: { source: 'synthetic', input_tokens: 8, output_tokens: OUT },
  ...extra,
});

async function cancelled(service: string, api: Api, stream: boolean, cancel: StartBody['cancel']) {
  sim.engine.clearTraces();
  const aborts = sim.engine.stats.success.abort;
  const records: RequestRecord[] = [];
  const spec = specFrom(body({ service, api, stream, cancel }), service);
  await startLoad(...withCaps(spec, { source: `${api}-${stream}`, onRecord: (r) => records.push(r) })).done;
  // the server notices a closed connection a little after the client closed it: wait until it has
  await until(() => {
    const ids = new Set(sim.engine.recentTraces().map((s) => s.clientId));
    return records.every((r) => ids.has(r.id));
  });
  const truth = new Map(sim.engine.recentTraces().map((s) => [s.clientId, s]));
  return { records, truth, aborted: sim.engine.stats.success.abort - aborts };
}

describe('workload.cancel through every client', () => {
  it.each([
    ['dummy', 'completions'],
    ['dummy', 'chat'],
    ['ollama', 'generate'],
    ['ollama', 'chat'],
  ] as const)('%s %s streamed: cancelled after N tokens, the server saw it', async (service, api) => {
    const { records, truth, aborted } = await cancelled(service, api, true, { share: 1, after_tokens: 3 });
    expect(records).toHaveLength(4);
    for (const r of records) {
      expect([r.status, r.cancelled_by, r.error]).toEqual(['cancelled', 'workload', undefined]);
      expect(r.chunks.length).toBeGreaterThanOrEqual(3);
      expect(r.chunks.length).toBeLessThan(OUT);
      expect(r.first_token).toBeDefined();
      expect(r.error_detail).toMatch(/^cancelled by workload\.cancel after \d+ tokens$/);
      const t = truth.get(r.id);
      expect(t?.protocol).toBe(service === 'ollama' ? 'ollama' : 'openai');
      expect(t?.state).toBe('cancelled');
      expect(t?.emitted).toBeLessThan(OUT);
    }
    expect(aborted).toBe(4);
  });

  it.each([
    ['dummy', 'chat'],
    ['ollama', 'generate'],
  ] as const)('%s %s not streamed: cancelled after the delay, the server saw it', async (service, api) => {
    const { records, truth, aborted } = await cancelled(service, api, false, { share: 1, after: 0.05 });
    expect(records).toHaveLength(4);
    for (const r of records) {
      expect([r.status, r.cancelled_by]).toEqual(['cancelled', 'workload']);
      expect(r.end - r.sent).toBeGreaterThanOrEqual(50);
      expect(truth.get(r.id)?.state).toBe('cancelled');
    }
    expect(aborted).toBe(4);
  });

  it('a request that finishes before its cancel point is ok', async () => {
    const { records } = await cancelled('dummy', 'completions', true, { share: 1, after_tokens: OUT });
    expect(records.map((r) => [r.status, r.cancelled_by, r.chunks.length])).toEqual(
      Array(4).fill(['ok', undefined, OUT]),
    );
  });

  it('in multi-turn sessions a cancelled turn ends its session (its reply never came whole)', async () => {
    sim.engine.clearTraces();
    const records: RequestRecord[] = [];
    const spec = specFrom(
      body({ api: 'chat', stream: true, session: { turns: 3 }, cancel: { share: 1, after_tokens: 3 } }),
    );
    const snap = await startLoad(...withCaps(spec, { source: 's', onRecord: (r) => records.push(r) })).done;
    expect(records).toHaveLength(4);
    // every session ended after its first turn: four sessions of one cancelled turn each
    expect(records.map((r) => [r.status, r.cancelled_by, r.turn])).toEqual(
      Array(4).fill(['cancelled', 'workload', 1]),
    );
    expect(new Set(records.map((r) => r.session)).size).toBe(4);
    expect(snap.sessions).toMatchObject({ started: 4, completed: 0 });
  });

  it('POST /start: after_tokens without streaming is E006; a bad cancel names the field', () => {
    const spec = specFrom(body({ stream: false, cancel: { share: 0.5, after_tokens: 4 } }));
    expect(() => startLoad(...withCaps(spec))).toThrow(ConfigValidationError);
    expect(() => startLoad(...withCaps(spec))).toThrow(/workload\.cancel\.after_tokens: needs stream: true/);
    const bad = parseWorkloadSpec(body({ cancel: { share: 2, after: '1s' } }), 'dummy');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.error).toMatch(/cancel\.share.*must be above 0 and at most 1/);
    const both = parseWorkloadSpec(body({ cancel: { share: 0.5, after: 1, after_tokens: 3 } }), 'dummy');
    expect(both.ok ? '' : both.error).toMatch(/cancel\.after_tokens.*not both/);
  });
});
