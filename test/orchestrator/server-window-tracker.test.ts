/**
 * ServerWindowTracker against small HTTP servers on 127.0.0.1 serving scripted /metrics: a server that
 * cannot be scraped is a warning (once per run) and is left out, never a failure; a server whose counters
 * went down (restarted) is flagged with a warning-worthy reset and no negative numbers; a restart of the
 * window (executors left warmup) replaces the start scrape. And `leftWarmup`, which decides when.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { leftWarmup } from '../../src/orchestrator/benchmark-runner.js';
import { ServerWindowTracker } from '../../src/serverstats/window-tracker.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Serves `bodies[n]` (or the last one) on the n-th GET /metrics; a number is an HTTP status. */
async function scripted(bodies: (string | number)[]): Promise<{ url: string; hits: () => number }> {
  let n = 0;
  const s = createServer((req, res) => {
    if (req.url !== '/metrics') return res.writeHead(404).end();
    const b = bodies[Math.min(n++, bodies.length - 1)];
    if (typeof b === 'number') res.writeHead(b).end('metrics disabled');
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(b);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  servers.push(s);
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits: () => n };
}

const gen = (n: number) => `vllm:generation_tokens_total{model_name="m"} ${n}\nvllm:num_requests_running 1\n`;

describe('ServerWindowTracker', () => {
  it('sums the servers it can scrape; one that answers 501 is a warning (once per run), not a failure', async () => {
    const a = await scripted([gen(100), gen(160)]);
    const b = await scripted([gen(0), gen(40)]);
    const off = await scripted([501]);
    const warnings: string[] = [];
    const warned = new Set<string>();
    const make = () =>
      new ServerWindowTracker({
        targets: [a, b, off].map(({ url }) => ({ url, metricsPath: '/metrics' })),
        warn: (m) => warnings.push(m),
        warned,
        gaugeInterval: 0,
      });
    const t = make();
    await t.begin('benchmark-start');
    const view = await t.end();
    expect(view?.counters.generation_tokens).toBe(60 + 40);
    expect(view?.servers.map((s) => s.scraped)).toEqual([true, true, false]);
    expect(view?.servers[2]?.error).toMatch(/HTTP 501.*--metrics/);
    expect(warnings).toHaveLength(2); // start and end of the window
    expect(warnings[0]).toContain(off.url);
    // The next benchmark of the same run: the same failure is not warned again.
    const t2 = make();
    await t2.begin('benchmark-start');
    await t2.end();
    expect(warnings).toHaveLength(2);
  });

  it('a restarted server (counter went down) is flagged, counted from zero, never negative', async () => {
    const a = await scripted([gen(5000), gen(25)]);
    const t = new ServerWindowTracker({
      targets: [{ url: a.url, metricsPath: '/metrics' }],
      warn: () => {},
      gaugeInterval: 0,
    });
    await t.begin('benchmark-start');
    const view = await t.end();
    expect(view?.counters.generation_tokens).toBe(25);
    expect(view?.servers[0]?.reset).toEqual(['vllm:generation_tokens_total']);
    expect(view?.servers[0]?.generation_tokens).toBe(25);
  });

  it('begin(warmup-end) replaces the start scrape; no server at all gives no view', async () => {
    const a = await scripted([gen(10), gen(50), gen(80)]);
    const t = new ServerWindowTracker({
      targets: [{ url: a.url, metricsPath: '/metrics' }],
      warn: () => {},
      gaugeInterval: 0,
    });
    await t.begin('benchmark-start');
    await t.begin('warmup-end');
    const view = await t.end();
    expect(view?.counters.generation_tokens).toBe(30);
    expect(view?.window.start_trigger).toBe('warmup-end');
    expect(a.hits()).toBe(3);

    const none = new ServerWindowTracker({ targets: [], warn: () => {} });
    await none.begin('benchmark-start');
    expect(await none.end()).toBeUndefined();
  });
});

describe('leftWarmup', () => {
  const st = (phase: string | undefined, elapsed = 0) => ({
    node: 'n',
    url: 'u',
    status: { running: true, elapsed_seconds: elapsed, threads_active: 1, ...(phase ? { phase } : {}) },
  });
  it('is true once no executor is in warmup (by phase, else by elapsed time)', () => {
    // biome-ignore lint/suspicious/noExplicitAny: minimal ExecutorStatus fixtures
    const f = (list: any[]) => leftWarmup(list, 2);
    expect(f([st('measuring'), st('warmup')])).toBe(false);
    expect(f([st('measuring'), st('done')])).toBe(true);
    expect(f([st(undefined, 1.5)])).toBe(false);
    expect(f([st(undefined, 2.1)])).toBe(true);
    expect(f([])).toBe(false);
  });
});
