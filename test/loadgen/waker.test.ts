/**
 * The pacer's sub-millisecond sleep (src/loadgen/run/waker.ts, docs/load-generation.md#pacing): a wait
 * never ends before its deadline, `wake()` ends it at once (the run stops), waits follow one another, and
 * after `close()` a wait still ends (on a timer); a waker given back is the next open loop's, its thread
 * still running. No timing is asserted beyond "not before".
 */
import { spawnSync } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { giveBackWaker, hrMs, prestartWaker, takeWaker, Waker } from '../../src/loadgen/run/waker.js';

let w: Waker | undefined;
afterEach(() => {
  w?.close();
  w = undefined;
});

it('a wait ends at or after its deadline, for deadlines from 0 to a few ms ahead, one after another', async () => {
  w = new Waker();
  await w.ready();
  for (const ahead of [0, 0.01, 0.05, 0.2, 0.5, 1, 2.5, -1]) {
    const at = hrMs() + ahead;
    await w.until(at);
    expect(hrMs()).toBeGreaterThanOrEqual(at);
  }
});

it('wake() ends a pending wait at once; a later wait still works', async () => {
  w = new Waker();
  await w.ready();
  const far = hrMs() + 60_000;
  let ended = false;
  const p = w.until(far).then(() => {
    ended = true;
  });
  await new Promise((r) => setTimeout(r, 5));
  expect(ended).toBe(false);
  w.wake();
  await p;
  expect(hrMs()).toBeLessThan(far);
  const at = hrMs() + 0.3;
  await w.until(at);
  expect(hrMs()).toBeGreaterThanOrEqual(at);
});

it('after close() the thread has ended and a wait still ends, not before its deadline', async () => {
  w = new Waker();
  await w.ready();
  w.close();
  const at = hrMs() + 2;
  await w.until(at);
  expect(hrMs()).toBeGreaterThanOrEqual(at);
});

it('a waker given back is taken again with its thread running; ready() resolves again at once', async () => {
  const a = takeWaker();
  await a.ready();
  await a.ready();
  giveBackWaker(a);
  const b = takeWaker();
  expect(b).toBe(a);
  expect(b.broken).toBe(false);
  const at = hrMs() + 0.5;
  await b.until(at);
  expect(hrMs()).toBeGreaterThanOrEqual(at);
  w = b;
});

it('a closed waker given back is not kept; a prestarted one is taken first', async () => {
  const a = takeWaker();
  a.close();
  giveBackWaker(a);
  prestartWaker();
  const b = takeWaker();
  expect(b).not.toBe(a);
  await b.ready();
  const at = hrMs() + 0.2;
  await b.until(at);
  expect(hrMs()).toBeGreaterThanOrEqual(at);
  w = b;
});

/**
 * Runs `body` as an ES module in a fresh node with the built waker (dist/, as an executor runs it; `npm
 * test` builds first): its exit code and output. Under tsx's loader the bug below does not show.
 */
function runAlone(body: string): { status: number | null; signal: NodeJS.Signals | null; out: string } {
  const src = new URL('../../dist/loadgen/run/waker.js', import.meta.url).href;
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import { Waker, hrMs, prestartWaker } from '${src}';\n${body}`],
    { encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' },
  );
  return { status: r.status, signal: r.signal, out: r.stdout + r.stderr };
}

it('a parked waker never keeps a process alive: it ends on its own once nothing else is left', () => {
  // an executor prestarts one; SIGTERM closes its server and the process must then end by itself
  const r = runAlone(`prestartWaker(); new Waker(); setTimeout(() => console.log('done'), 50);`);
  expect(r.signal).toBeNull();
  expect(r.status).toBe(0);
  expect(r.out).toContain('done');
});

it('awaiting ready() and a wait keeps a process alive until they end (nothing else holds it)', () => {
  // exit code 13 = the event loop emptied under a pending top-level await
  const r = runAlone(
    `const w = new Waker(); await w.ready(); console.log('online'); await w.until(hrMs() + 20); console.log('woke');`,
  );
  expect(r.out).toContain('woke');
  expect(r.status).toBe(0);
});
