/**
 * The simulator under abuse (127.0.0.1 only): thousands of half-open (slowloris) connections are closed
 * by the header timeout while /health keeps answering; connections beyond the cap are closed at once;
 * a body declared larger than the cap is refused with 413 without being read.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';

let server: DummyServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = undefined;
});

/** Opens `n` connections that each send half a request head and never finish it. */
async function halfOpen(port: number, n: number): Promise<{ closed: () => number }> {
  let closed = 0;
  let opened: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    // in batches well under the listen backlog (511): a connection the kernel queued but the server
    // never accepted is not the server's to time out
    if (i % 100 === 0) {
      await Promise.all(opened);
      opened = [];
      await new Promise((r) => setTimeout(r, 20));
    }
    const s = connect(port, '127.0.0.1');
    sockets.push(s);
    s.on('error', () => {});
    s.on('close', () => closed++);
    opened.push(
      new Promise((resolve) => {
        s.once('connect', () => {
          s.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
          resolve();
        });
        s.once('error', () => resolve());
      }),
    );
  }
  await Promise.all(opened);
  return { closed: () => closed };
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return cond();
}

describe('simulator under abuse', () => {
  it('2,000 half-open connections: /health answers while they are held, and the server closes them after its head timeout', async () => {
    server = await startDummyServer({ load_ms: 0, limits: { headersTimeoutMs: 5000 } });
    const held = await halfOpen(server.port, 2000);
    const health = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(10_000) });
    expect(health.status).toBe(200);
    // the server closes every slowloris connection it accepted (bounded wait, far above the 5 s
    // timeout); a connection still queued in the kernel (never accepted) holds no server descriptor
    let open = await server.openConnections();
    expect(open).toBeGreaterThan(1000);
    const end = Date.now() + 30_000;
    while (open > 1 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      open = await server.openConnections();
    }
    expect(open).toBeLessThanOrEqual(1); // at most the keep-alive connection of the /health fetch
    expect(held.closed()).toBeGreaterThan(1000);
    const again = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(10_000) });
    expect(again.status).toBe(200);
  }, 60_000);

  it('connections beyond the cap are closed at once', async () => {
    server = await startDummyServer({ load_ms: 0, limits: { maxConnections: 20, headersTimeoutMs: 60_000 } });
    const held = await halfOpen(server.port, 30);
    // the 10 beyond the cap are dropped immediately, long before any timeout
    expect(await until(() => held.closed() >= 10, 10_000)).toBe(true);
    expect(held.closed()).toBeLessThan(30);
  }, 30_000);

  it('a body declared larger than the cap is 413 without being read', async () => {
    server = await startDummyServer({ load_ms: 0 });
    const s = connect(server.port, '127.0.0.1');
    sockets.push(s);
    let answer = '';
    s.on('data', (d) => {
      answer += d.toString();
    });
    s.write(
      'POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100000000000\r\n\r\n{"model":',
    );
    expect(await until(() => /\r\n\r\n/.test(answer), 10_000)).toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  }, 30_000);
});
