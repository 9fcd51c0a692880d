/**
 * A benchmark's server view rebuilt from the run monitor's periodic server scrapes
 * (`<run>/monitor/server-<name>.jsonl`, src/monitor/server-scraper.ts: one row per sample, the samples of
 * one scrape sharing its `ts`), for `hpcbench report` recovering a run whose orchestrator was killed before
 * it scraped the window's end. The window is bounded by the last scrape at or before the measurement start
 * and the first at or after its end, and goes through the same `computeServerView` as a run's own scrapes.
 * When a server's scrapes end before the measurement's end (the monitor stopped with the orchestrator),
 * its last scrape bounds the window instead, and the view says how much of the measurement it covers.
 */
import { readFile } from 'node:fs/promises';
import type { ServerMetricsRow } from '../monitor/server-scraper.js';
import type { Scrape } from './prom-delta.js';
import type { ServerMetricsView } from './types.js';
import { computeServerView, rebaseRates, type ServerWindowInput } from './view.js';

/** The scrapes of one server's JSONL file, in time order (a line cut by a kill is skipped). */
export function scrapesFromRows(text: string): Scrape[] {
  const byTs = new Map<string, Scrape>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    let r: ServerMetricsRow;
    try {
      r = JSON.parse(line) as ServerMetricsRow;
    } catch {
      continue;
    }
    const at = Date.parse(r.ts);
    if (!Number.isFinite(at) || typeof r.metric !== 'string' || typeof r.value !== 'number') continue;
    let s = byTs.get(r.ts);
    if (!s) {
      s = { at, samples: [] };
      byTs.set(r.ts, s);
    }
    s.samples.push({ name: r.metric, labels: r.labels ?? {}, value: r.value });
  }
  return [...byTs.values()].sort((a, b) => a.at - b.at);
}

export interface MonitoredServer {
  url: string;
  /** Its monitor file (`serverMetricsPath`). */
  path: string;
}

/** Why no view could be rebuilt, or the view (with what it covers in its notes). */
export type RebuiltServerView = { view: ServerMetricsView } | { missing: string };

/**
 * The view of the measurement window [from, to] (epoch ms) from the servers' monitor files;
 * `clientSeconds`: the benchmark's `duration_s`, that the rates are re-based on when the scrapes cover
 * the whole window (as a run's own view is).
 */
export async function serverViewFromMonitor(
  servers: MonitoredServer[],
  from: number,
  to: number,
  clientSeconds: number,
): Promise<RebuiltServerView> {
  if (!servers.length) return { missing: 'the service has no /metrics the monitor scrapes' };
  const inputs: ServerWindowInput[] = [];
  const ticks: Scrape[][] = [];
  let covered = true;
  for (const s of servers) {
    const text = await readFile(s.path, 'utf8').catch(() => undefined);
    if (text === undefined) {
      inputs.push({ url: s.url, error: `no monitor file ${s.path} (monitoring was not enabled?)` });
      continue;
    }
    const all = scrapesFromRows(text);
    const start = all.filter((x) => x.at <= from).at(-1) ?? all.find((x) => x.at < to);
    const end = all.find((x) => x.at >= to) ?? all.filter((x) => x.at <= to).at(-1);
    if (!start || !end || end.at <= start.at) {
      inputs.push({ url: s.url, error: `its monitor scrapes do not span the measurement window` });
      continue;
    }
    if (end.at < to) covered = false;
    inputs.push({ url: s.url, start, end });
    ticks.push(all.filter((x) => x.at >= start.at && x.at <= end.at));
  }
  // the k-th scrape of every server is one gauge tick (their scrapers run on one interval)
  const n = Math.max(0, ...ticks.map((t) => t.length));
  const view = computeServerView({
    servers: inputs,
    ticks: Array.from({ length: n }, (_, k) => ticks.map((t) => t[k])),
    startTrigger: 'monitor-scrape',
  });
  if (!view) {
    const why = inputs.map((i) => `${i.url}: ${i.error ?? 'not scraped'}`).join('; ');
    return { missing: `no server's monitor scrapes span the measurement window (${why})` };
  }
  const windowEnd = Date.parse(view.window.end);
  const note = covered
    ? 'rebuilt by hpcbench report from the monitor’s periodic server scrapes (monitor/server-*.jsonl): the window runs from the last scrape at or before the measurement start to the first at or after its end, so it holds up to one scrape interval more at each end'
    : `rebuilt by hpcbench report from the monitor’s periodic server scrapes (monitor/server-*.jsonl): they end at ${view.window.end}, ${((to - windowEnd) / 1000).toFixed(1)} s before the measurement window’s end (the monitor stopped with the orchestrator), so the counters cover only part of it and the rates are over the scrapes’ span`;
  view.notes.push(note);
  return { view: covered ? rebaseRates(view, clientSeconds) : view };
}
