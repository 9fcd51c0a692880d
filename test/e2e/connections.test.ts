/**
 * The executors' connections in a run's output (docs/metrics.md, `connections`): `hpcbench run` with two
 * executors against the simulator behind a small proxy that, as llama.cpp's server does, ends the
 * client's connection after every streamed (chunked) response without saying so. The pools learn it, and
 * summary.json says so (learnt by both executors), with the connections opened (one per request at
 * least: no connection carries two streamed responses) and the requests resent after a stale connection
 * (as many as the records with `retries: 1`); summary.md, report.html and the terminal say that every
 * request opened a new TCP connection before it was sent (its connect in the schedule lag, not in TTFT),
 * benchmarks.csv has the figures, and `hpcbench check` fails a threshold on the connections per request
 * (`requests`: one per record, a resend not counted again). The same run straight against the simulator
 * (which keeps its connections) learns nothing, says nothing and passes that threshold.
 */
import { readdir, readFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, onlyRunDir, readJson, readLines, recipe, runCli, sandboxForFile } from './helpers.js';

const env = sandboxForFile({ sim: true });

/** How long after a chunked response's last chunk the proxy ends the connection (llama.cpp: soon after). */
const CLOSE_MS = 20;

interface Proxy {
  url: string;
  /** Connections accepted, and of them those whose first bytes were a POST (the executors' requests). */
  accepted: number;
  posted: number;
  close(): void;
}

/**
 * A TCP proxy to `port` that ends the client's connection CLOSE_MS after each chunked response (its
 * `0\r\n\r\n`), forwarding nothing the client writes meanwhile (that request is lost, as it is to
 * llama.cpp's closing connection); responses of known length keep the connection.
 */
async function closingProxy(port: number): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const proxy: Proxy = { url: '', accepted: 0, posted: 0, close: () => {} };
  const server: Server = createServer((client) => {
    proxy.accepted++;
    const up = connect({ host: '127.0.0.1', port });
    for (const s of [client, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    let first = true;
    let closing = false;
    let chunked = false;
    let tail = '';
    client.on('data', (d: Buffer) => {
      if (first && d.subarray(0, 5).toString('latin1') === 'POST ') proxy.posted++;
      first = false;
      if (!closing) up.write(d);
    });
    client.on('end', () => up.end());
    up.on('data', (d: Buffer) => {
      if (closing) return;
      client.write(d);
      const s = tail + d.toString('latin1');
      if (/\r\ntransfer-encoding: *chunked\r\n/i.test(s)) chunked = true;
      tail = s.slice(-64);
      if (chunked && s.endsWith('\r\n0\r\n\r\n')) {
        closing = true;
        up.destroy();
        setTimeout(() => client.end(), CLOSE_MS);
      }
    });
    up.on('end', () => client.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  proxy.close = () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
  return proxy;
}

let proxy: Proxy;
beforeAll(async () => {
  proxy = await closingProxy(env.sim.port);
});
afterAll(() => proxy?.close());

async function run(name: string, url: string) {
  const file = await env.box.writeRecipe(
    `${name}.yaml`,
    recipe(
      name,
      { stream: true, warmup: '0s', duration: '2s', gen_tokens: 4, prompt_len: 8, clients_per_node: 2 },
      { servers: { endpoints: [url], health_check: { timeout: 20, interval: 0.2 } } },
    ),
  );
  const results = env.box.path(`results-${name}`);
  const res = await runCli(['run', file, '--results-dir', results], { timeout: 180_000 });
  expect(res.exitCode, res.all).toBe(0);
  const dir = await onlyRunDir(results);
  const bench = join(dir, 'benchmarks', 'default');
  const records: Json[] = [];
  for (const f of (await readdir(bench)).filter((x) => x.startsWith('records-')))
    for (const line of await readLines(join(bench, f))) records.push(JSON.parse(line));
  return {
    stdout: res.stdout,
    dir,
    records,
    summary: await readJson(join(bench, 'summary.json')),
    metrics: await readJson(join(bench, 'metrics.json')),
    md: await readFile(join(dir, 'summary.md'), 'utf8'),
    html: await readFile(join(dir, 'report.html'), 'utf8'),
    csv: (await readFile(join(dir, 'benchmarks.csv'), 'utf8')).trim().split('\n'),
  };
}

/** `hpcbench check` of a run on its connections: a connection per request is a failure. */
async function checkConnections(dir: string) {
  const res = await runCli([
    'check',
    dir,
    '--threshold',
    'connections.opened_per_request < 50%',
    '--threshold',
    'connections.resent_stale_per_request < 1%',
    '--json',
  ]);
  const t = JSON.parse(res.stdout).benchmarks[0].thresholds;
  return {
    exitCode: res.exitCode,
    all: res.all,
    actual: t.map((x: Json) => x.actual),
    pass: t.map((x: Json) => x.pass),
  };
}

const NOTE =
  /the server closed the connection after every streamed response: every request opened a new TCP connection before it was sent, so the connect is not in TTFT or E2E but in the schedule lag/;

describe('connections in the run output', () => {
  it('a server closing after every streamed response: learnt by every executor, said next to the latencies', async () => {
    const r = await run('closes', proxy.url);
    const ok = r.records.filter((x) => x.status === 'ok').length;
    const resent = r.records.filter((x) => x.retries === 1).length;
    expect(ok).toBeGreaterThan(0);
    const c = r.summary.connections;
    expect(c).toMatchObject({ server_closes_after_stream: true, learnt_by: 2, executors: 2 });
    expect(c.resent_stale).toBe(resent);
    // every request given to the pools once (a resend not counted again): one record each
    expect(c.requests).toBe(r.records.length);
    // no connection carried two streamed responses; every one the pools opened went through the proxy
    expect(c.opened).toBeGreaterThanOrEqual(ok);
    expect(c.opened).toBeGreaterThanOrEqual(proxy.posted);
    expect(c.opened).toBeLessThanOrEqual(proxy.accepted);
    // each executor's own, in metrics.json's per-client summaries
    const per = r.metrics.per_client.map((p: Json) => p.summary.connections);
    expect(per.map((p: Json) => [p.server_closes_after_stream, p.executors])).toEqual([
      [true, 1],
      [true, 1],
    ]);
    expect(per.reduce((n: number, p: Json) => n + p.opened, 0)).toBe(c.opened);
    // the run-level summary.json carries the benchmark's summary
    const runSummary = await readJson(join(r.dir, 'summary.json'));
    expect(runSummary.benchmarks[0].summary.connections).toEqual(c);
    expect(r.md).toMatch(NOTE);
    expect(r.md).toContain('learnt by 2 of 2 executors');
    expect(r.html).toMatch(NOTE);
    expect(r.html).toContain(`Connections: ${c.opened} opened, ${c.resent_stale} request`);
    expect(r.stdout).toMatch(new RegExp(`note: benchmark default: ${NOTE.source}`));
    const head = r.csv[0].split(',');
    const row = r.csv[1].split(',');
    expect(row[head.indexOf('server_closes_after_stream')]).toBe('true');
    expect(row[head.indexOf('connections_opened')]).toBe(String(c.opened));
    expect(row[head.indexOf('resent_stale')]).toBe(String(c.resent_stale));
    // a threshold on the connections per request fails on this run's folder
    const check = await checkConnections(r.dir);
    expect(check.exitCode, check.all).toBe(99);
    expect(check.actual).toEqual([c.opened / c.requests, c.resent_stale / c.requests]);
    expect(check.pass[0]).toBe(false);
  }, 240_000);

  it('a server that keeps its connections: nothing learnt, a connection per user, no note', async () => {
    const r = await run('keeps', env.sim.url);
    expect(r.summary.connections).toEqual({
      requests: r.records.length,
      opened: 4, // two users on each of two executors, each on its own kept-alive connection
      resent_stale: 0,
      server_closes_after_stream: false,
      learnt_by: 0,
      executors: 2,
    });
    expect(r.md).not.toMatch(NOTE);
    expect(r.html).not.toMatch(NOTE);
    expect(r.html).toContain('Connections: 4 opened, 0 requests resent after a stale connection');
    expect(r.stdout).not.toMatch(NOTE);
    // and passes on this one's
    const check = await checkConnections(r.dir);
    expect(check.exitCode, check.all).toBe(0);
    expect(check.actual).toEqual([4 / r.records.length, 0]);
    expect(check.pass).toEqual([true, true]);
  }, 240_000);
});
