/**
 * The open-loop pacer (`pacer_poll_ms`, docs/load-generation.md#pacing): whatever its setting, every arrival of
 * the schedule is sent exactly once, in schedule order, with its scheduled time in its record; no request
 * leaves before its time (timers may wake early: the waker takes over before the due time). The recipe field is validated and reaches the executor's load.
 */
import { describe, expect, it } from 'vitest';
import type { RequestRecord, StartBody } from '../../src/contracts/index.js';
import { PACER_POLL_MAX_MS, startRequestSchema } from '../../src/contracts/index.js';
import type { ConfigValidationError } from '../../src/errors.js';
import type { ServiceClient } from '../../src/loadgen/clients/types.js';
import { nowMs } from '../../src/loadgen/record.js';
import { RunContext } from '../../src/loadgen/run/context.js';
import { runOpenLoop } from '../../src/loadgen/run/open-loop.js';
import { arrivalTimes } from '../../src/loadgen/schedule/arrivals.js';
import { executorSchedule } from '../../src/loadgen/schedule/share.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { expandBenchmarks, resolveRecipe } from '../../src/recipe/index.js';
import { specFrom } from '../helpers/spec.js';
import { check, localRecipe, warningsOf } from '../recipe/helpers.js';

/** Answers at once; `sent` is when send was called, as a real client stamps its connection write. */
const instantClient: ServiceClient = {
  api: 'completions',
  stream: false,
  async send(_input, rec) {
    rec.sent = nowMs();
    rec.last_token = rec.end = nowMs();
    rec.status = 'ok';
  },
  close: async () => {},
};

const base = { benchmark: 'b', model: 'm', server_url: 'http://127.0.0.1:1', duration: 1 };
const onePrompt = { size: 1, get: () => ({ prompt: 'p', maxTokens: 1, promptTokens: 1 }) };

async function paced(extra: Partial<StartBody>) {
  const s = specFrom({
    ...base,
    target_rps: 2000,
    request_distribution: 'poisson',
    seed: 7,
    duration: 0,
    max_requests: 400,
    ...extra,
  });
  const recorder = new MetricsRecorder({ openLoop: true, windowSeconds: 1 });
  const records: RequestRecord[] = [];
  const ctx = new RunContext(s, instantClient, onePrompt, recorder, 'x', 400, undefined, (r) =>
    records.push(r),
  );
  if (s.load.mode !== 'open') throw new Error('expected an open-loop spec');
  const schedule = executorSchedule(s)!;
  await runOpenLoop(ctx, schedule, 8192, s.load.pacer_poll_ms);
  await ctx.drain();
  ctx.dispose();
  const snap = recorder.snapshot();
  recorder.destroy();
  const expected = arrivalTimes(schedule, 400).map((t) => ctx.t0 + t * 1000);
  const bySeq = records.sort((a, b) => Number(a.id.split('-')[1]) - Number(b.id.split('-')[1]));
  return { snap, bySeq, expected };
}

describe('open-loop pacer', () => {
  for (const poll of [0, 0.1, 0.5, 2]) {
    it(`pacer_poll_ms ${poll}: every arrival sent once, in schedule order, none dropped`, async () => {
      const { snap, bySeq, expected } = await paced({ pacer_poll_ms: poll });
      expect(snap.counters).toMatchObject({ sent: 400, ok: 400, dropped_sends: 0 });
      expect(bySeq.map((r) => r.scheduled)).toEqual(expected);
      for (let i = 1; i < bySeq.length; i++) expect(bySeq[i].sent).toBeGreaterThanOrEqual(bySeq[i - 1].sent);
      // sleeping (timer, then the waker) and polling send at or after the due time, never before it
      for (const r of bySeq) expect(r.sent).toBeGreaterThanOrEqual(r.scheduled);
    });
  }

  it('the default applies when the field is not given, and the load carries the field when it is', () => {
    expect(specFrom({ ...base, target_rps: 5 }).load).not.toHaveProperty('pacer_poll_ms');
    expect(specFrom({ ...base, target_rps: 5, pacer_poll_ms: 0.25 }).load).toEqual({
      mode: 'open',
      target_rps: 5,
      pacer_poll_ms: 0.25,
    });
  });

  it('a recipe sets it under workload; out of range is an error naming the field and the range', () => {
    const [p] = expandBenchmarks(resolveRecipe(localRecipe({ target_rps: 1000, pacer_poll_ms: 1 })).recipe);
    expect(p.workload.load).toMatchObject({ mode: 'open', target_rps: 1000, pacer_poll_ms: 1 });
    for (const bad of [-1, PACER_POLL_MAX_MS + 1, 'fast']) {
      let err: ConfigValidationError | undefined;
      try {
        resolveRecipe(localRecipe({ target_rps: 1000, pacer_poll_ms: bad }));
      } catch (e) {
        err = e as ConfigValidationError;
      }
      expect(err?.code).toBe('E006');
      expect(err?.format()).toMatch(/workload\.pacer_poll_ms.*0 to 50/);
    }
    const closed = warningsOf(check(localRecipe({ clients_per_node: 2, pacer_poll_ms: 1 })).issues);
    expect(closed.map((w) => w.path)).toContain('workload.pacer_poll_ms');
    expect(warningsOf(check(localRecipe({ target_rps: 5, pacer_poll_ms: 1 })).issues)).toEqual([]);
    const start = startRequestSchema.safeParse({
      ...base,
      service: 'dummy',
      target_rps: 10,
      pacer_poll_ms: 99,
    });
    expect(start.success).toBe(false);
  });
});
