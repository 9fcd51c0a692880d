/**
 * Server metrics during a run: every `interval` seconds, scrape what the service declares
 * (`scrapeSource` of its capabilities): its Prometheus `metrics_path` (vLLM `vllm:*`, llama.cpp
 * `llamacpp:*` with --metrics, the simulated service) or its `server_status` page (Ollama's `/api/ps`,
 * format `ollama_ps`), and append one JSONL row per sample to `outputFile`:
 *   {"ts":"2026-01-01T12:00:00.000Z","metric":"vllm:num_requests_running","labels":{...},"value":3}
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ScrapeSource } from '../contracts/index.js';
import { parsePrometheusText } from '../util/prom-text.js';

export interface ServerMetricsRow {
  ts: string;
  metric: string;
  labels: Record<string, string>;
  value: number;
}

export interface ServerMetricsScraperOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** What to scrape: the service's `scrapeSource` (src/contracts/service.ts). */
  source: ScrapeSource;
  /** Seconds between scrapes (default 5). */
  interval?: number;
  outputFile: string;
  /** Keep only metric names matching this (default: everything, histogram buckets included). */
  include?: RegExp;
  onWarning?: (message: string) => void;
}

export interface ScrapeSummary {
  outputFile: string;
  scrapes: number;
  failures: number;
  rows: number;
}

interface OllamaPs {
  models?: { name?: string; model?: string; size?: number; size_vram?: number; context_length?: number }[];
}

/** Ollama's /api/ps as rows: loaded model count, then size / VRAM / context per loaded model. */
export function ollamaPsRows(ts: string, body: OllamaPs): ServerMetricsRow[] {
  const models = body.models ?? [];
  const rows: ServerMetricsRow[] = [{ ts, metric: 'ollama_models_loaded', labels: {}, value: models.length }];
  for (const m of models) {
    const labels = { model: m.name ?? m.model ?? '' };
    const add = (metric: string, v: number | undefined) => {
      if (typeof v === 'number') rows.push({ ts, metric, labels, value: v });
    };
    add('ollama_model_size_bytes', m.size);
    add('ollama_model_size_vram_bytes', m.size_vram);
    add('ollama_model_context_length', m.context_length);
  }
  return rows;
}

export function prometheusRows(ts: string, text: string, include?: RegExp): ServerMetricsRow[] {
  const rows: ServerMetricsRow[] = [];
  for (const s of parsePrometheusText(text).samples) {
    if (!Number.isFinite(s.value) || (include && !include.test(s.name))) continue;
    rows.push({ ts, metric: s.name, labels: s.labels, value: s.value });
  }
  return rows;
}

export function scrapeUrl(url: string, source: ScrapeSource): string {
  return `${url.replace(/\/+$/, '')}${source.path}`;
}

/** Scrapes once and returns the rows (throws on HTTP/network errors). */
export async function scrapeOnce(options: ServerMetricsScraperOptions): Promise<ServerMetricsRow[]> {
  const target = scrapeUrl(options.url, options.source);
  const res = await fetch(target, {
    signal: AbortSignal.timeout(Math.max(2000, (options.interval ?? 5) * 1000)),
  });
  if (!res.ok) throw new Error(`GET ${target} answered ${res.status}`);
  const ts = new Date().toISOString();
  if (options.source.format === 'ollama_ps') return ollamaPsRows(ts, (await res.json()) as OllamaPs);
  return prometheusRows(ts, await res.text(), options.include);
}

export function startServerMetricsScraper(options: ServerMetricsScraperOptions): {
  stop(): Promise<ScrapeSummary>;
} {
  const summary: ScrapeSummary = { outputFile: options.outputFile, scrapes: 0, failures: 0, rows: 0 };
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`warning: server metrics: ${m}\n`));
  const warned = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const ready = mkdir(dirname(options.outputFile), { recursive: true }).then(() =>
    appendFile(options.outputFile, ''),
  );
  ready.catch(() => {}); // reported through the first tick's failure

  const tick = async () => {
    try {
      const rows = await scrapeOnce(options);
      await ready;
      if (rows.length)
        await appendFile(options.outputFile, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
      summary.scrapes++;
      summary.rows += rows.length;
    } catch (err) {
      summary.failures++;
      const msg = (err as Error).message;
      if (!warned.has(msg)) {
        warned.add(msg);
        warn(`${scrapeUrl(options.url, options.source)}: ${msg}`);
      }
    }
  };
  let running: Promise<void> = tick();
  const schedule = () => {
    timer = setTimeout(
      () => {
        running = tick().then(() => {
          if (!stopped) schedule();
        });
      },
      (options.interval ?? 5) * 1000,
    );
  };
  void running.then(() => {
    if (!stopped) schedule();
  });
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      return { ...summary };
    },
  };
}
