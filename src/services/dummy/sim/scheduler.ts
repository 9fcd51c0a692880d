/**
 * One shared timer for every stream: a binary min-heap of due times (performance.now() ms) and a single
 * armed timer. setTimeout fires `spinMs` early; the last stretch is covered by setImmediate turns (which
 * still let I/O run) so chunks go out close to their modelled time without a timer per chunk. spinMs
 * trades CPU for precision (Node timers have millisecond granularity): 0 never busy-waits.
 *
 * Busy-waiting is capped at `spinShare` of a core (a token bucket: the budget refills at spinShare ms per
 * ms, holds at most SPIN_BURST_MS; 1: uncapped). Few streams spin freely; many streams (a chunk due every
 * few tens of µs, so the window is almost never empty) would spin all the time: a whole core, and on a
 * shared one the process that never sleeps gets preempted for milliseconds (measured: chunks later, not
 * earlier). Past the budget, the timer alone (about a millisecond late at most).
 */
const SPIN_BURST_MS = 20;

export interface Timed {
  due: number;
  heapIndex: number;
  timer?: NodeJS.Timeout;
}

/** What the engine needs from a scheduler. */
export interface ChunkScheduler<T extends Timed> {
  push(item: T): void;
  remove(item: T): void;
  stop(): void;
}

/** The naive alternative, kept to measure against (`scheduler: timeout`): one setTimeout per chunk. */
export class TimeoutScheduler<T extends Timed> implements ChunkScheduler<T> {
  private readonly live = new Set<T>();
  constructor(private readonly fire: (item: T, now: number) => void) {}
  push(item: T): void {
    this.live.add(item);
    item.timer = setTimeout(
      () => {
        this.live.delete(item);
        item.timer = undefined;
        this.fire(item, performance.now());
      },
      Math.max(0, item.due - performance.now()),
    );
  }
  remove(item: T): void {
    if (item.timer) clearTimeout(item.timer);
    item.timer = undefined;
    this.live.delete(item);
  }
  stop(): void {
    for (const item of this.live) this.remove(item);
  }
}

export class Scheduler<T extends Timed> implements ChunkScheduler<T> {
  private readonly heap: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private running = false;
  private readonly fire: (item: T, now: number) => void;
  private readonly spinMs: number;
  private readonly spinShare: number;
  private budget = SPIN_BURST_MS;
  private refilledAt = performance.now();
  /** When the pending setImmediate turn started busy-waiting (0: not waiting). */
  private spinFrom = 0;
  /** Total time spent busy-waiting (ms). */
  spunMs = 0;
  /** The longest single busy-wait turn (ms): charged after it ran, so the cap can be passed by one turn. */
  longestTurnMs = 0;

  constructor(fire: (item: T, now: number) => void, spinMs = 1, spinShare = 0.2) {
    this.fire = fire;
    this.spinMs = spinMs;
    this.spinShare = spinShare;
  }

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    const h = this.heap;
    item.heapIndex = h.length;
    h.push(item);
    this.up(item.heapIndex);
    if (!this.running && item.due < this.armedFor) this.arm();
  }

  remove(item: T): void {
    const i = item.heapIndex;
    const h = this.heap;
    if (i < 0 || h[i] !== item) return;
    const last = h.pop()!;
    item.heapIndex = -1;
    if (i < h.length) {
      h[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(last.heapIndex);
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    this.heap.length = 0;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const now = performance.now();
    this.charge(now);
    const top = this.heap[0];
    if (!top) {
      this.armedFor = Number.POSITIVE_INFINITY;
      return;
    }
    this.armedFor = top.due;
    const delay = top.due - now;
    if (delay > this.spinMs) {
      this.timer = setTimeout(this.run, delay - this.spinMs);
      return;
    }
    if (delay > 0) {
      this.budget = Math.min(SPIN_BURST_MS, this.budget + (now - this.refilledAt) * this.spinShare);
      if (this.spinShare <= 0) this.budget = 0;
      this.refilledAt = now;
      if (this.budget <= 0 && this.spinShare < 1) {
        this.timer = setTimeout(this.run, delay);
        return;
      }
      this.spinFrom = now;
    }
    this.immediate = setImmediate(this.run);
  }

  private readonly run = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    this.running = true;
    const h = this.heap;
    let now = performance.now();
    this.charge(now);
    while (h.length > 0 && h[0].due <= now) {
      const item = h[0];
      const last = h.pop()!;
      if (h.length > 0) {
        h[0] = last;
        last.heapIndex = 0;
        this.down(0);
      }
      item.heapIndex = -1;
      this.fire(item, now);
      now = performance.now();
    }
    this.running = false;
    this.arm();
  };

  /** Charges the busy-wait that ended at `now` (if any) to the budget. */
  private charge(now: number): void {
    if (this.spinFrom === 0) return;
    const turn = now - this.spinFrom;
    this.budget -= turn;
    this.spunMs += turn;
    if (turn > this.longestTurnMs) this.longestTurnMs = turn;
    this.spinFrom = 0;
  }

  private up(i: number): void {
    const h = this.heap;
    const item = h[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].due <= item.due) break;
      h[i] = h[p];
      h[i].heapIndex = i;
      i = p;
    }
    h[i] = item;
    item.heapIndex = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const item = h[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r].due < h[l].due ? r : l;
      if (h[c].due >= item.due) break;
      h[i] = h[c];
      h[i].heapIndex = i;
      i = c;
    }
    h[i] = item;
    item.heapIndex = i;
  }
}
