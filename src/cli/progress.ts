/**
 * Terminal progress for a run, subscribed to the orchestrator's events: phase lines, and per benchmark a
 * progress bar (cli-progress) on a TTY or a plain line every few seconds otherwise. Nothing here is
 * called by the orchestrator; it only listens.
 */
import cliProgress from 'cli-progress';
import { waitText } from '../contracts/index.js';
import type { BenchmarkProgressEvent, OrchestratorEmitter, WaitEvent } from '../orchestrator/events.js';
import { cancelledText } from '../report/summary-columns.js';

/** `1m05s` / `42s`. */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Live figures of a running benchmark (pure): current requests/s from the ok count's change since the
 * previous progress event, TTFT p50 so far, failures, and the ETA of the whole suite (what is left of this
 * benchmark's warmup + measurement plus the planned seconds of the benchmarks after it).
 */
export function liveFigures(
  e: BenchmarkProgressEvent,
  planned: { seconds: number; remainingSeconds: number },
  prev: { ok: number; at: number } | undefined,
  now: number,
): string {
  const dt = prev ? (now - prev.at) / 1000 : 0;
  const rate = prev && dt > 0 ? Math.max(0, e.requestsOk - prev.ok) / dt : undefined;
  const eta = Math.max(0, planned.seconds - e.elapsed) + planned.remainingSeconds;
  return [
    `${rate === undefined ? '-' : rate.toFixed(1)} req/s`,
    `TTFT p50 ${e.ttftP50Ms === undefined ? '-' : `${e.ttftP50Ms.toFixed(1)} ms`}`,
    `${e.requestsFailed} errors`,
    `ETA ${durationText(eta)}${planned.remainingSeconds > 0 ? ' (suite)' : ''}`,
  ].join(', ');
}

/** `  waiting for dummy health (/health): 127.0.0.1:11434 (connection refused) — 12s of 120s`. */
export function waitLine(w: WaitEvent): string {
  return `  ${waitText(w)}`;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Plain lines instead of a bar (default: when the stream is not a TTY). */
  plain?: boolean;
  /** Seconds between plain progress lines. Default 5. */
  every?: number;
}

export function attachProgress(o: OrchestratorEmitter, opts: ProgressOptions = {}): () => void {
  const out = opts.stream ?? process.stderr;
  const plain = opts.plain ?? !out.isTTY;
  const every = (opts.every ?? 5) * 1000;
  const write = (line: string) => out.write(`${line}\n`);
  let bar: cliProgress.SingleBar | undefined;
  let last = 0;
  let planned = { seconds: 0, remainingSeconds: 0 };
  let prev: { ok: number; at: number } | undefined;
  const live = (e: BenchmarkProgressEvent): string => {
    const now = Date.now();
    const text = liveFigures(e, planned, prev, now);
    // the rate is over the last few seconds, not since the previous poll only
    if (!prev || now - prev.at >= 3000) prev = { ok: e.requestsOk, at: now };
    return text;
  };
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };
  o.on('phase', (e) => {
    if (e.phase === 'benchmarks' || e.state === 'start') return;
    if (e.state === 'failed') {
      stopBar();
      write(`✗ ${e.phase}: ${e.error?.code ? `${e.error.code}: ` : ''}${e.error?.message ?? 'failed'}`);
    } else if (e.state === 'done') {
      write(`✓ ${e.phase}${e.detail ? ` (${e.detail})` : ''} ${((e.elapsedMs ?? 0) / 1000).toFixed(1)}s`);
    }
  });
  o.on('benchmark-start', (e) => {
    const total = Math.max(1, Math.round(e.warmup + e.duration));
    last = 0;
    planned = { seconds: e.warmup + e.duration, remainingSeconds: e.remainingSeconds ?? 0 };
    prev = undefined;
    if (plain) {
      write(
        `▶ benchmark ${e.index + 1}/${e.total} ${e.name}: ${e.warmup}s warmup + ${e.duration}s on ${e.executors} executor(s)`,
      );
      return;
    }
    bar = new cliProgress.SingleBar(
      {
        stream: out,
        format: `${e.index + 1}/${e.total} ${e.name} [{bar}] {value}/{total}s {phase} ok {ok} | {live}`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { phase: 'starting', ok: 0, live: '' });
  });
  o.on('benchmark-progress', (e) => {
    if (bar) {
      bar.update(Math.min(bar.getTotal(), Math.floor(e.elapsed)), {
        phase: e.phase,
        ok: e.requestsOk,
        live: live(e),
      });
      return;
    }
    const now = Date.now();
    if (now - last < every) return;
    last = now;
    write(`  ${e.name}: ${e.elapsed.toFixed(0)}s ${e.phase}, ${e.requestsOk} ok, ${live(e)}`);
  });
  o.on('benchmark-done', (e) => {
    stopBar();
    const s = e.summary;
    const figures = s
      ? `: ${s.requests.ok} ok, ${s.requests.failed} failed${s.requests.cancelled > 0 ? `, ${cancelledText(s.requests)}` : ''}, ${s.throughput.requests_per_s.toFixed(2)} req/s`
      : '';
    write(`${e.status === 'completed' ? '✓' : '✗'} benchmark ${e.name} ${e.status}${figures}`);
  });
  // one wait line per phase every few seconds (a new wait is shown at once)
  const lastWait = new Map<string, number>();
  o.on('wait', (w) => {
    const now = Date.now();
    if (now - (lastWait.get(w.phase) ?? 0) < every) return;
    lastWait.set(w.phase, now);
    stopBar();
    write(waitLine(w));
  });
  o.on('warning', (w) => {
    stopBar();
    write(`warning: ${w}`);
  });
  o.on('prepare-progress', (p) => {
    if (p.total && p.completed !== undefined)
      write(`  ${p.endpoint} ${p.model}: ${p.status} ${Math.round((100 * p.completed) / p.total)}%`);
    else write(`  ${p.endpoint} ${p.model}: ${p.status}`);
  });
  return stopBar;
}
