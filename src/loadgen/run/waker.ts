/**
 * A sub-millisecond sleep that keeps the event loop serving I/O (docs/load-generation.md#pacing). Node's
 * timers count in whole milliseconds (libuv), so a timer wakes up to about 1 ms late; polling the clock
 * between event-loop turns is exact but keeps a core busy. The waker instead parks a worker thread on a
 * futex with the deadline as its timeout (`Atomics.wait`, microsecond resolution) while the main thread
 * sleeps in its event loop; at the deadline the worker posts a message, which wakes the loop. The main
 * thread thus sleeps between arrivals at any rate, costing a thread wake-up per wait instead of a core.
 *
 * Shared memory: `ctl[GEN]` the generation of the current wait (bumped by each `until`, and to stop),
 * `ctl[QUIT]` set once to end the thread, `due[0]` the deadline (process.hrtime in ms, the same monotonic
 * clock in both threads). The worker answers with the generation it fired for; an answer for an older
 * generation (the main thread armed again meanwhile) is ignored, and the worker, seeing a new
 * generation, reads the new deadline.
 *
 * A thread takes 20–30 ms to start (a Node environment of its own), more than many arrivals' lateness
 * budget: an open loop takes a waker kept from an earlier run (`takeWaker`, `giveBackWaker`), and the
 * executor starts one when it starts (`prestartWaker`), so no run's first arrivals wait for a thread's
 * start-up (a trace replay's clock starts at once: its rows at offset 0 were that late).
 *
 * The thread tells its id first (Linux: /proc/thread-self), so the executor lowers the priority of
 * its other helper threads but not this one's (helper-threads.ts): the wake-up must not wait for them.
 *
 * The thread is unreferenced unless a wait is armed, so a parked waker never keeps a process alive (an
 * executor ends once SIGTERM has closed its server).
 */
import { Worker } from 'node:worker_threads';

const GEN = 0;
const QUIT = 1;

/** The worker's loop (CommonJS, evaluated): fire once per generation when its deadline has passed. */
const SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
// this thread's id (Linux), for the main thread to leave it at its priority (helper-threads.ts)
let tid = 0;
try { tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()) || 0; } catch {}
parentPort.postMessage({ tid });
const ctl = new Int32Array(workerData, 0, 2);
const due = new Float64Array(workerData, 8, 1);
const hr = () => { const t = process.hrtime(); return t[0] * 1e3 + t[1] / 1e6; };
let fired = 0;
while (Atomics.load(ctl, ${QUIT}) === 0) {
  const g = Atomics.load(ctl, ${GEN});
  if (g === fired) { Atomics.wait(ctl, ${GEN}, g); continue; }
  const left = due[0] - hr();
  if (left > 0) { Atomics.wait(ctl, ${GEN}, g, left); continue; }
  fired = g;
  parentPort.postMessage(g);
}
`;

/** Now on the clock the worker reads, in ms. */
export const hrMs = (): number => {
  const t = process.hrtime();
  return t[0] * 1e3 + t[1] / 1e6;
};

export class Waker {
  private readonly worker: Worker;
  private readonly ctl: Int32Array;
  private readonly due: Float64Array;
  private gen = 0;
  private pending?: () => void;
  /** Set when the thread failed or ended: `until` then falls back to a timer. */
  broken = false;
  private online = false;
  /** Called once the thread runs (its first message) or ended. */
  private started: (() => void)[] = [];
  /** The thread told its id, or ended (`starting` counts the wakers that have not yet). */
  private told = false;
  /** The thread's id (Linux; 0 elsewhere), known once it runs (`ready`). */
  tid = 0;

  constructor() {
    const shared = new SharedArrayBuffer(16);
    this.ctl = new Int32Array(shared, 0, 2);
    this.due = new Float64Array(shared, 8, 1);
    this.worker = new Worker(SOURCE, { eval: true, workerData: shared });
    starting++;
    this.worker.on('message', (g: number | { tid: number }) => {
      if (typeof g === 'number') {
        if (g === this.gen) this.wake();
        return;
      }
      this.tid = g.tid;
      if (g.tid) live.add(g.tid);
      this.online = true;
      this.start();
    });
    const lost = (): void => {
      live.delete(this.tid);
      this.start();
      if (this.broken) return;
      this.broken = true;
      // a wait armed on the thread ends on a timer instead
      const r = this.pending;
      this.pending = undefined;
      if (r) this.later(this.due[0], r);
    };
    this.worker.on('error', lost);
    this.worker.on('exit', lost);
    // after the listeners: adding a 'message' listener refs the worker again
    this.worker.unref();
  }

  /** Resolves once the thread runs (a wait armed before then would wake late by its start-up). */
  ready(): Promise<void> {
    if (this.broken || this.online) return Promise.resolve();
    // awaited: the thread's start keeps the process alive until then (nothing else may)
    this.worker.ref();
    return new Promise((resolve) => {
      this.started.push(() => {
        if (this.pending === undefined) this.worker.unref();
        resolve();
      });
    });
  }

  private start(): void {
    if (!this.told) {
      this.told = true;
      starting--;
    }
    const waiting = this.started;
    this.started = [];
    for (const f of waiting) f();
  }

  /**
   * Resolves at `at` (hrMs clock) or later, never before it unless `wake()` is called; one wait at a
   * time (a new one replaces the pending one, which then never resolves — callers await each in turn).
   */
  until(at: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.broken) {
        this.later(at, resolve);
        return;
      }
      this.pending = resolve;
      this.due[0] = at;
      this.gen = (Atomics.add(this.ctl, GEN, 1) + 1) | 0;
      Atomics.notify(this.ctl, GEN);
      // while a wait is armed the thread keeps the process alive (an awaited wake must come)
      this.worker.ref();
    });
  }

  /** Without the thread: a timer, checked again until `at` has passed (timers may fire early). */
  private later(at: number, resolve: () => void): void {
    const left = at - hrMs();
    if (left <= 0) resolve();
    else setTimeout(() => this.later(at, resolve), Math.ceil(left));
  }

  /** Resolves the pending wait now (the run stops). */
  wake(): void {
    const r = this.pending;
    if (!r) return;
    this.pending = undefined;
    this.worker.unref();
    r();
  }

  /** Ends the thread (it leaves its loop; nothing is killed mid-wait) and resolves a pending wait. */
  close(): void {
    live.delete(this.tid);
    this.broken = true;
    Atomics.store(this.ctl, QUIT, 1);
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
    this.wake();
  }
}

/** The thread ids of the wakers whose thread runs (helper-threads.ts leaves them at their priority). */
const live = new Set<number>();
/** Wakers whose thread has not told its id yet. */
let starting = 0;

/** The wakers' thread ids; undefined while a waker's thread is starting (its id not known yet). */
export function wakerThreads(): number[] | undefined {
  return starting > 0 ? undefined : [...live];
}

/** Wakers with their thread parked (no wait armed), for the next open loop of this process. */
const idle: Waker[] = [];
/** Idle wakers kept: one executor runs one load at a time; more are closed when given back. */
const KEEP = 2;

/** A waker for one open loop: a kept one (its thread already running), else a new one. */
export function takeWaker(): Waker {
  return idle.pop() ?? new Waker();
}

/** Hands back a waker whose loop ended (no wait pending): kept for the next loop, or closed. */
export function giveBackWaker(w: Waker): void {
  w.wake();
  if (!w.broken && idle.length < KEEP) idle.push(w);
  else w.close();
}

/** Starts a waker's thread now, for the first open loop (the executor calls it at start-up). */
export function prestartWaker(): void {
  if (idle.length === 0) idle.push(new Waker());
}
