/**
 * The pacer's sub-millisecond sleep (src/loadgen/run/waker.ts, docs/load-generation.md#pacing): a wait
 * never ends before its deadline, `wake()` ends it at once (the run stops), waits follow one another, and
 * after `close()` a wait still ends (on a timer); a waker given back is the next open loop's, its thread
 * still running. No timing is asserted beyond "not before".
 */
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
