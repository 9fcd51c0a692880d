/**
 * workload.cancel end to end (`hpcbench run` against a simulator it attaches to, two executors): a seeded
 * share of the requests is cancelled after N streamed tokens (OpenAI completions) or after a delay
 * (Ollama generate, not streamed). summary.json counts exactly the cancelled records, by the workload;
 * their partial timings are in the records; latency statistics leave them out; the simulator's ground
 * truth shows those requests aborted after about N chunks and its vLLM abort counter equals the count.
 * A bad cancel is an E006 error at file:line:col.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hasStackTrace,
  type Json,
  onlyRunDir,
  readJson,
  readLines,
  recipe,
  runCli,
  sandboxForFile,
} from './helpers.js';

const env = sandboxForFile({ sim: true });

async function get(path: string): Promise<Response> {
  return fetch(`${env.sim.url}${path}`);
}

/** The simulator's vLLM counter of requests whose client went away. */
async function aborts(): Promise<number> {
  const text = await (await get('/metrics')).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('vllm:request_success_total{') && l.includes('"abort"'));
  return Number(line?.split(' ').pop());
}

async function run(name: string, workload: Record<string, unknown>) {
  await fetch(`${env.sim.url}/hpcbench/requests`, { method: 'DELETE' });
  const before = await aborts();
  const r = recipe(
    name,
    { warmup: '0s', duration: '2s', max_schedule_lag: '2s', ...workload },
    {
      servers: { endpoints: [env.sim.url], health_check: { timeout: 20, interval: 0.2 } },
    },
  );
  const file = await env.box.writeRecipe(`${name}.yaml`, r);
  const results = env.box.path(`results-${name}`);
  const res = await runCli(['run', file, '--quiet', '--results-dir', results], { timeout: 180_000 });
  expect(res.exitCode, res.all).toBe(0);
  const dir = await onlyRunDir(results);
  const bench = join(dir, 'benchmarks', 'default');
  const records: Json[] = [];
  for (const f of (await readdir(bench)).filter((x) => x.startsWith('records-')))
    for (const line of await readLines(join(bench, f))) records.push(JSON.parse(line));
  // the simulator notices a closed connection a little after the client closed it: wait until it has
  const ground = async (): Promise<Json[]> =>
    ((await (await get('/hpcbench/requests')).json()) as Json).requests;
  let truth = await ground();
  for (let i = 0; i < 200 && truth.length < records.length; i++) {
    await new Promise((r) => setTimeout(r, 50));
    truth = await ground();
  }
  return {
    dir,
    res,
    records,
    summary: await readJson(join(bench, 'summary.json')),
    truth: new Map(truth.map((t) => [t.client_request_id, t])),
    aborted: (await aborts()) - before,
  };
}

describe('workload.cancel', () => {
  it('after N tokens: counted as cancelled by the workload, partial timings kept, the server saw the disconnect', async () => {
    const N = 6;
    const {
      records,
      summary: s,
      truth,
      aborted,
      res,
    } = await run('by-tokens', {
      api: 'completions',
      gen_tokens: 40,
      ignore_eos: true,
      cancel: { share: 0.5, after_tokens: N },
    });
    const cancelled = records.filter((r) => r.status === 'cancelled');
    const ok = records.filter((r) => r.status === 'ok');
    expect(cancelled.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(0);
    // the summary counts exactly the cancelled records, all by the workload (none by the run's stop)
    expect(s.requests).toEqual({
      sent: records.length,
      ok: ok.length,
      failed: 0,
      cancelled: cancelled.length,
      cancelled_by_workload: cancelled.length,
    });
    for (const r of cancelled) {
      expect(r.cancelled_by).toBe('workload');
      // partial timings: the first token, the N chunks received, when it was cancelled
      expect(r.first_token).toBeGreaterThan(r.sent);
      // (N, or a few more when chunks arrived together with the N-th in one network piece)
      expect(r.chunk_offsets_ms.length).toBeGreaterThanOrEqual(N);
      expect(r.chunk_offsets_ms.length).toBeLessThan(40);
      expect(r.end).toBeGreaterThanOrEqual(r.last_token);
      expect(r.output_tokens_client).toBeGreaterThan(0);
      expect(r.error).toBeUndefined();
    }
    for (const r of ok) expect(r.chunk_offsets_ms).toHaveLength(40);
    // latency statistics exclude them, as failed requests are
    expect(s.latency_ms.ttft.count).toBe(ok.length);
    expect(s.latency_ms.e2e.count).toBe(ok.length);
    expect(s.latency_ms.itl.count).toBe(ok.length * 39);
    expect(s.lengths.output_tokens.count).toBe(ok.length);
    // the server saw each one go away after about N chunks, and counted it as vLLM does
    for (const r of cancelled) {
      const t = truth.get(r.id);
      expect(t.state).toBe('cancelled');
      expect(t.finish_reason).toBe('abort');
      expect(t.output_tokens).toBeGreaterThanOrEqual(N);
      expect(t.output_tokens).toBeLessThan(40);
      expect(t.end_ms).toBeGreaterThanOrEqual(r.first_token);
    }
    for (const r of ok) expect(truth.get(r.id).state).toBe('done');
    expect(aborted).toBe(cancelled.length);
    // and the run's view of the server over the window says the same
    expect(s.server_metrics.counters.requests_aborted).toBe(cancelled.length);
    expect(s.server_metrics.ground_truth.by_state).toEqual({ cancelled: cancelled.length, done: ok.length });
    // the terminal table shows them: cancelled (of which by the workload)
    expect(res.stdout).toContain(`${cancelled.length} (${cancelled.length})`);
  }, 240_000);

  it('after a delay, not streamed (Ollama generate): cancelled at the delay, the server saw it', async () => {
    const {
      records,
      summary: s,
      truth,
      aborted,
    } = await run('by-delay', {
      api: 'generate',
      stream: false,
      gen_tokens: 40,
      ignore_eos: true,
      cancel: { share: 0.5, after: '150ms' },
    });
    const cancelled = records.filter((r) => r.status === 'cancelled');
    const ok = records.filter((r) => r.status === 'ok');
    expect(cancelled.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(0);
    expect(s.requests.cancelled).toBe(cancelled.length);
    expect(s.requests.cancelled_by_workload).toBe(cancelled.length);
    expect(s.latency_ms.e2e.count).toBe(ok.length);
    for (const r of cancelled) {
      expect(r.cancelled_by).toBe('workload');
      // the delay runs from the connection write (`sent`); never cancelled before it
      expect(r.end - r.sent).toBeGreaterThanOrEqual(150);
      const t = truth.get(r.id);
      expect(t.protocol).toBe('ollama');
      expect(t.state).toBe('cancelled');
      expect(t.output_tokens).toBeLessThan(40);
    }
    expect(aborted).toBe(cancelled.length);
  }, 240_000);

  it('a bad cancel is E006 at file:line:col, before anything starts', async () => {
    const file = await env.box.writeRecipe(
      'bad.yaml',
      'scenario: bad\nworkload:\n  service: dummy\n  duration: 10s\n  stream: false\n  cancel: { share: 0.5, after_tokens: 8 }\n',
    );
    const res = await runCli(['validate', file]);
    expect(res.exitCode).not.toBe(0);
    expect(res.all).toContain(`${file}:6:39`);
    expect(res.all).toMatch(/E006/);
    expect(res.all).toMatch(/after_tokens needs stream: true/);
    expect(hasStackTrace(res.all)).toBe(false);
  }, 60_000);
});
