/** Live progress of a benchmark: current requests/s, TTFT p50, errors and the ETA of the whole suite. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { attachProgress, durationText, liveFigures } from '../../src/cli/progress.js';
import { OrchestratorEmitter } from '../../src/orchestrator/events.js';
import { sampleSummary } from '../orchestrator/fixtures.js';

const progress = (elapsed: number, ok: number, failed = 0, ttft?: number) => ({
  name: 'b',
  index: 0,
  total: 3,
  elapsed,
  phase: 'measuring',
  requestsOk: ok,
  requestsFailed: failed,
  executorsRunning: 2,
  ...(ttft !== undefined ? { ttftP50Ms: ttft } : {}),
});

describe('live progress', () => {
  it('req/s from the ok count since the previous event, TTFT p50, errors, ETA over the suite', () => {
    const planned = { seconds: 15, remainingSeconds: 60 };
    const line = liveFigures(progress(5, 150, 2, 12.34), planned, { ok: 100, at: 0 }, 2000);
    expect(line).toBe('25.0 req/s, TTFT p50 12.3 ms, 2 errors, ETA 1m10s (suite)');
    expect(liveFigures(progress(1, 0), { seconds: 10, remainingSeconds: 0 }, undefined, 0)).toBe(
      '- req/s, TTFT p50 -, 0 errors, ETA 9s',
    );
    expect(durationText(3599)).toBe('59m59s');
  });

  it('plain progress lines carry the live figures', () => {
    const o = new OrchestratorEmitter();
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => {
      text += d;
    });
    attachProgress(o, { stream: out as unknown as NodeJS.WriteStream, plain: true, every: 0 });
    o.emit('benchmark-start', {
      name: 'b',
      index: 0,
      total: 3,
      warmup: 5,
      duration: 10,
      executors: 2,
      remainingSeconds: 30,
    });
    o.emit('benchmark-progress', progress(6, 40, 1, 9.5));
    expect(text).toMatch(/b: 6s measuring, 40 ok, - req\/s, TTFT p50 9\.5 ms, 1 errors, ETA 39s \(suite\)/);
    // the done line: cancelled requests when there are some (those of workload.cancel in brackets)
    const summary = sampleSummary('b');
    o.emit('benchmark-done', { name: 'b', status: 'completed', summary, index: 0, total: 3 });
    expect(text).toMatch(/✓ benchmark b completed: 9 ok, 1 failed, 5\.00 req\/s/);
    summary.requests = { sent: 20, ok: 9, failed: 1, cancelled: 10, cancelled_by_workload: 8 };
    o.emit('benchmark-done', { name: 'b', status: 'completed', summary, index: 0, total: 3 });
    expect(text).toMatch(
      /✓ benchmark b completed: 9 ok, 1 failed, 10 cancelled \(8 by workload\.cancel\), 5\.00 req\/s/,
    );
  });
});
