/**
 * The executor's main thread runs before its helper threads (src/loadgen/run/helper-threads.ts,
 * docs/load-generation.md#pacing): once a load starts, every thread of the process but the main thread
 * and the pacer's waker threads is at nice HELPER_NICE, so where they share a core the sends and the
 * stamps do not wait for V8's GC or compiler threads. Linux only (reads /proc/self/task).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { HELPER_NICE, yieldHelperThreads } from '../../src/loadgen/run/helper-threads.js';
import { startLoad } from '../../src/loadgen/run/load-run.js';
import { takeWaker, type Waker, wakerThreads } from '../../src/loadgen/run/waker.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { withCaps } from '../helpers/capabilities.js';
import { simSpec } from '../helpers/spec.js';

const linux = existsSync('/proc/self/task');

/** Each thread's nice value (/proc/self/task/TID/stat, field 19). */
function niceOf(): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const f = readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(Number(t), Number(f[16]));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

let waker: Waker | undefined;
let worker: Worker | undefined;
let sim: DummyServer | undefined;
afterEach(async () => {
  waker?.close();
  waker = undefined;
  await worker?.terminate();
  worker = undefined;
  await sim?.close();
  sim = undefined;
});

/** A helper thread of the test's own (the process may have few others yet), running until terminated. */
async function startWorker(): Promise<Worker> {
  const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
  await new Promise((r) => w.once('online', r));
  return w;
}

it.runIf(linux)(
  'a waker tells its thread id, and stays at its priority when the helpers are lowered',
  async () => {
    waker = takeWaker();
    await waker.ready();
    expect(waker.tid).toBeGreaterThan(0);
    expect(wakerThreads()).toContain(waker.tid);
    worker = await startWorker();
    const before = niceOf();
    const lowered = yieldHelperThreads(wakerThreads());
    const after = niceOf();
    expect(after.get(process.pid)).toBe(before.get(process.pid));
    expect(after.get(waker.tid)).toBe(before.get(waker.tid));
    const helpers = [...after].filter(([tid]) => tid !== process.pid && tid !== waker?.tid);
    expect(helpers.length).toBeGreaterThan(0);
    for (const [, nice] of helpers) expect(nice).toBe(HELPER_NICE);
    expect(lowered).toBeLessThanOrEqual(helpers.length);
    // already lowered: nothing left to do
    expect(yieldHelperThreads(wakerThreads())).toBe(0);
    waker.close();
    expect(wakerThreads()).not.toContain(waker.tid);
  },
);

it.runIf(linux)(
  'a load lowers the helper threads that exist when it starts, not the main thread',
  async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1 });
    worker = await startWorker();
    const before = niceOf();
    const snap = await startLoad(...withCaps(simSpec(sim.url, { duration: 0.3 }))).done;
    expect(snap.counters.sent).toBeGreaterThan(0);
    const after = niceOf();
    expect(after.get(process.pid)).toBe(before.get(process.pid));
    const keep = new Set(wakerThreads() ?? []);
    for (const [tid] of before) {
      if (tid === process.pid || keep.has(tid) || !after.has(tid)) continue;
      expect(after.get(tid), `thread ${tid}`).toBe(HELPER_NICE);
    }
  },
);
