/**
 * Scrapes every server's Prometheus `/metrics` at the start and the end of a benchmark's measurement
 * window (and its gauges every `gaugeInterval` seconds in between), fetches the simulated service's ground
 * truth at the end, and turns them into the window's `ServerMetricsView`. A server that cannot be scraped
 * is left out with a warning; it never fails the benchmark.
 */

import { type GroundTruthSource, summarizeGroundTruth, type TraceEntry } from './ground-truth.js';
import { parseScrape, type Scrape } from './prom-delta.js';
import type { ServerMetricsView } from './types.js';
import { computeServerView, type ServerWindowInput } from './view.js';

export interface ServerTarget {
  /** Base URL, `http://host:port`. */
  url: string;
  /** Prometheus text path, e.g. `/metrics`. */
  metricsPath: string;
  /** Ground-truth path (`/hpcbench/requests`), for the simulated service. */
  groundTruthPath?: string;
}

export interface WindowTrackerOptions {
  targets: ServerTarget[];
  warn(message: string): void;
  /** Messages already warned about in this run (each is warned once). */
  warned?: Set<string>;
  /** Seconds between gauge samples inside the window; 0 samples only at its start and end. Default 1. */
  gaugeInterval?: number;
  /** Milliseconds per HTTP request. Default 5000. */
  timeoutMs?: number;
  /** Benchmark name, for warnings. */
  benchmark?: string;
}

type Trigger = ServerMetricsView['window']['start_trigger'];
type ScrapeResult = { scrape: Scrape } | { error: string };

function join(url: string, path: string): string {
  return `${url.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Bound of each ground-truth fetch after a benchmark (the trace of a long run is a large body). */
export const GROUND_TRUTH_TIMEOUT_MS = 10_000;

async function get(url: string, timeoutMs: number): Promise<Response> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) {
    const body = (await res.text().catch(() => '')).trim().slice(0, 200);
    throw new Error(`GET ${url} answered HTTP ${res.status}${body ? `: ${body}` : ''}`);
  }
  return res;
}

export class ServerWindowTracker {
  private readonly o: WindowTrackerOptions;
  private readonly warned: Set<string>;
  private start?: { trigger: Trigger; results: ScrapeResult[] };
  private pendingStart?: Promise<void>;
  private ticks: (Scrape | undefined)[][] = [];
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private closed = false;

  constructor(options: WindowTrackerOptions) {
    this.o = options;
    this.warned = options.warned ?? new Set();
  }

  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.o.warn(message);
  }

  private async scrape(t: ServerTarget): Promise<ScrapeResult> {
    const target = join(t.url, t.metricsPath);
    try {
      const sent = Date.now();
      const res = await get(target, this.o.timeoutMs ?? 5000);
      const text = await res.text();
      return { scrape: parseScrape(text, (sent + Date.now()) / 2) };
    } catch (err) {
      const e = err as Error;
      const why = e.name === 'TimeoutError' ? `GET ${target} timed out` : e.message;
      const hint = /HTTP 501/.test(why) ? ' (start llama-server with --metrics)' : '';
      return { error: `${why}${hint}` };
    }
  }

  private scrapeAll(): Promise<ScrapeResult[]> {
    return Promise.all(this.o.targets.map((t) => this.scrape(t)));
  }

  private warnFailures(results: ScrapeResult[], when: string): void {
    results.forEach((r, i) => {
      if ('error' in r)
        this.warn(
          `server metrics: ${this.o.targets[i]?.url} could not be scraped at the ${when} of the window, left out of the server view: ${r.error}`,
        );
    });
  }

  /**
   * (Re)starts the window now: scrapes every server; samples gauges until end(). A second call (the
   * executors left warmup) replaces the first start.
   */
  begin(trigger: Trigger): Promise<void> {
    if (this.closed) return Promise.resolve();
    const p = (async () => {
      await this.pendingStart;
      const results = await this.scrapeAll();
      if (this.closed) return;
      this.start = { trigger, results };
      this.ticks = [results.map((r) => ('scrape' in r ? r.scrape : undefined))];
      this.warnFailures(results, 'start');
      this.schedule();
    })();
    this.pendingStart = p;
    return p;
  }

  private schedule(): void {
    const every = (this.o.gaugeInterval ?? 1) * 1000;
    if (every <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.ticking || this.closed) return;
      this.ticking = true;
      void this.scrapeAll()
        .then((rs) => {
          if (!this.closed) this.ticks.push(rs.map((r) => ('scrape' in r ? r.scrape : undefined)));
        })
        .finally(() => {
          this.ticking = false;
        });
    }, every);
    this.timer.unref();
  }

  /** Stops sampling without a view. */
  cancel(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  /** Ends the window: scrapes every server again and returns the view (undefined when none was scraped). */
  async end(): Promise<ServerMetricsView | undefined> {
    await this.pendingStart;
    clearInterval(this.timer);
    const start = this.start;
    if (!start || this.closed) {
      this.closed = true;
      return undefined;
    }
    const ends = await this.scrapeAll();
    this.closed = true;
    this.warnFailures(ends, 'end');
    const servers: ServerWindowInput[] = this.o.targets.map((t, i) => {
      const s = start.results[i];
      const e = ends[i];
      return {
        url: t.url,
        ...(s && 'scrape' in s ? { start: s.scrape } : {}),
        ...(e && 'scrape' in e ? { end: e.scrape } : {}),
        ...(s && 'error' in s ? { error: s.error } : e && 'error' in e ? { error: e.error } : {}),
      };
    });
    this.ticks.push(ends.map((r) => ('scrape' in r ? r.scrape : undefined)));
    const view = computeServerView({ servers, ticks: this.ticks, startTrigger: start.trigger });
    if (!view) return undefined;
    const from = Math.min(...servers.flatMap((s) => (s.start && s.end ? [s.start.at] : [])));
    const to = Math.max(...servers.flatMap((s) => (s.start && s.end ? [s.end.at] : [])));
    // only from servers that answered the end scrape: a server that stopped answering is not waited on
    const answered = this.o.targets.filter((_, i) => 'scrape' in (ends[i] ?? {}));
    const truth = await this.groundTruth(answered, from, to);
    if (truth) {
      view.ground_truth = truth;
      if (!truth.complete)
        this.warn(
          `server ground truth${this.o.benchmark ? ` of benchmark ${this.o.benchmark}` : ''}: the simulator's trace buffer (trace_capacity) dropped requests of the window; its summary covers only the most recent ones`,
        );
    }
    return view;
  }

  /** Every server's ground truth, fetched concurrently, each bounded by GROUND_TRUTH_TIMEOUT_MS. */
  private async groundTruth(answered: ServerTarget[], fromMs: number, toMs: number) {
    const targets = answered.filter((t) => t.groundTruthPath);
    if (targets.length === 0 || targets.length < this.o.targets.filter((t) => t.groundTruthPath).length)
      return undefined;
    const timeout = GROUND_TRUTH_TIMEOUT_MS;
    try {
      const sources: GroundTruthSource[] = await Promise.all(
        targets.map(async (t) => {
          const path = t.groundTruthPath as string;
          try {
            const body = (await (await get(join(t.url, path), timeout)).json()) as {
              requests?: TraceEntry[];
            };
            const cfg = await get(join(t.url, path.replace(/\/requests$/, '/config')), timeout)
              .then(async (r) => (await r.json()) as { trace_capacity?: number })
              .catch(() => ({}) as { trace_capacity?: number });
            return { requests: body.requests ?? [], capacity: cfg.trace_capacity };
          } catch (err) {
            throw new Error(`${t.url}${path}: ${(err as Error).message}`);
          }
        }),
      );
      return summarizeGroundTruth(sources, fromMs, toMs);
    } catch (err) {
      this.warn(`server ground truth: ${(err as Error).message}`);
      return undefined;
    }
  }
}
