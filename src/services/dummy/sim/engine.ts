/**
 * The performance model: admission (max_num_seqs running, max_queue waiting, 503 beyond), model load on
 * first use, prefill proportional to prompt tokens, and continuous-batching decode whose step grows with
 * the running batch. Every chunk's modelled time comes from the model, never from when the previous chunk
 * was actually written, so scheduling error does not accumulate. Seeded: request i draws from stream i.
 */

import { deriveSeed, mulberry32 } from '../../../util/rng.js';
import { blockKeys } from '../../../util/tokenizer.js';
import type { DummyConfig } from './config.js';
import { ModelRegistry } from './models.js';
import { sampleOutputTokens } from './output-tokens.js';
import { PrefixCache } from './prefix-cache.js';
import { type ChunkScheduler, Scheduler, TimeoutScheduler } from './scheduler.js';
import { type SeqInit, Sequence, type Sink } from './sequence.js';
import { EngineStats } from './stats.js';

export interface SubmitRequest {
  model: string;
  protocol: SeqInit['protocol'];
  endpoint: string;
  stream: boolean;
  promptTokens: number;
  /** The prompt's texts (chat: each message's), for the prefix cache; without them nothing is cached. */
  promptParts?: readonly string[];
  /** Chat: the request's messages as received (the ground truth summarises them: `traceJson`). */
  messages?: readonly unknown[];
  /** max_tokens / num_predict; undefined: sampled from the configured distribution. */
  maxTokens?: number;
  clientId?: string;
  /** performance.now() when the request reached the HTTP layer (default: now). */
  arrivedAt?: number;
}

export type SubmitResult = { ok: true; seq: Sequence } | { ok: false; status: 500 | 503; message: string };

export class Engine {
  readonly cfg: DummyConfig;
  readonly stats = new EngineStats();
  readonly models: ModelRegistry;
  running = 0;
  waiting = 0;
  private readonly queue: Sequence[] = [];
  private readonly traces: Sequence[] = [];
  private readonly scheduler: ChunkScheduler<Sequence>;
  /** The prefix cache (prefix_caching), sized as the KV cache: kv_cache_tokens / block_size blocks. */
  readonly prefixCache?: PrefixCache;

  constructor(cfg: DummyConfig) {
    this.cfg = cfg;
    if (cfg.prefix_caching)
      this.prefixCache = new PrefixCache(
        cfg.block_size,
        Math.max(1, Math.floor(cfg.kv_cache_tokens / cfg.block_size)),
      );
    this.models = new ModelRegistry(cfg.models);
    this.scheduler =
      cfg.scheduler === 'timeout'
        ? new TimeoutScheduler<Sequence>(this.fire)
        : new Scheduler<Sequence>(this.fire, cfg.spin_ms, cfg.spin_share);
  }

  /** Decode step (ms) with `batch` sequences running. */
  stepMs(batch: number): number {
    return this.cfg.decode_step_ms * (1 + this.cfg.decode_batch_factor * Math.max(0, batch - 1));
  }

  submit(req: SubmitRequest, sink: Sink): SubmitResult {
    const cfg = this.cfg;
    const id = this.stats.arrivals++;
    const rng = mulberry32(deriveSeed(cfg.seed, id));
    const failDraw = rng();
    const stallDraw = rng();
    const cutDraw = rng();
    const sampled = sampleOutputTokens(cfg, rng);
    if (failDraw < cfg.error_rate) {
      this.stats.errors500++;
      return { ok: false, status: 500, message: 'simulated internal server error (error_rate fault)' };
    }
    const room = Math.max(1, cfg.max_model_len - req.promptTokens);
    const outputTokens = Math.max(1, Math.min(req.maxTokens ?? sampled, room));
    const finishReason = req.maxTokens !== undefined || outputTokens < sampled ? 'length' : 'stop';
    const submittedAt = performance.now();
    const arrivedAt = Math.min(req.arrivedAt ?? submittedAt, submittedAt);
    // A literal, not `{ ...req, ... }`: object spread costs ~10 µs per request on Node 20's hot path.
    const seq = new Sequence({
      id,
      model: req.model,
      protocol: req.protocol,
      endpoint: req.endpoint,
      stream: req.stream,
      promptTokens: req.promptTokens,
      outputTokens,
      finishReason,
      arrivedAt,
      submittedAt,
      clientId: req.clientId,
    });
    seq.sink = sink;
    seq.messages = req.messages;
    if (this.prefixCache && req.promptParts) seq.blockKeys = blockKeys(req.promptParts, cfg.block_size);
    if (outputTokens > 1 && stallDraw < cfg.stall_rate)
      seq.stallAt = 1 + Math.floor(rng() * (outputTokens - 1));
    if (req.stream && outputTokens > 1 && cutDraw < cfg.disconnect_rate) {
      seq.disconnectAt = 1 + Math.floor(rng() * (outputTokens - 1));
    }
    if (this.running < cfg.max_num_seqs) this.start(seq, seq.arrivedAt);
    else if (this.waiting < cfg.max_queue) {
      this.queue.push(seq);
      this.waiting++;
    } else {
      this.stats.rejected503++;
      return {
        ok: false,
        status: 503,
        message: 'server busy, please try again.  maximum pending requests exceeded',
      };
    }
    this.stats.promptTokens += req.promptTokens;
    return { ok: true, seq };
  }

  /**
   * The client went away (its connection closed): drop the sequence wherever it is. Counted as vLLM
   * counts an aborted request (`request_success_total{finished_reason="abort"}`), queued or running;
   * its ground truth is `cancelled` with `end_ms` when the close was noticed.
   */
  cancel(seq: Sequence): void {
    if (seq.state === 'queued') {
      seq.state = 'cancelled';
      seq.endAt = performance.now();
      this.waiting--;
      this.stats.success.abort++;
      this.record(seq);
    } else if (seq.state === 'running') {
      this.scheduler.remove(seq);
      this.release(seq, 'cancelled');
    }
  }

  /** Finished requests' ground truth, oldest first (at most trace_capacity). */
  recentTraces(): readonly Sequence[] {
    const cap = this.cfg.trace_capacity;
    return this.traces.length > cap ? this.traces.slice(-cap) : this.traces;
  }

  clearTraces(): void {
    this.traces.length = 0;
  }

  close(): void {
    this.scheduler.stop();
  }

  /** Sum of prompt + planned output tokens of the running batch over the KV capacity. */
  kvUsage(): number {
    return Math.min(1, this.kvTokens / this.cfg.kv_cache_tokens);
  }
  private kvTokens = 0;

  private start(seq: Sequence, now: number): void {
    const cfg = this.cfg;
    this.running++;
    seq.state = 'running';
    seq.admittedAt = now;
    seq.modelled = new Float64Array(seq.outputTokens);
    seq.written = new Float64Array(seq.outputTokens);
    this.kvTokens += seq.promptTokens + seq.outputTokens;
    const readyAt = this.models.load(seq.model, now, cfg.load_ms);
    const t0 = Math.max(now, readyAt);
    seq.loadMs = t0 - now;
    const cache = this.prefixCache;
    if (cache) {
      const keys = seq.blockKeys ?? [];
      seq.cachedTokens = cache.lookup(keys, seq.promptTokens);
      cache.insert(keys);
      this.stats.prefixQueries += seq.promptTokens;
      this.stats.prefixHits += seq.cachedTokens;
    }
    seq.prefillMs = cfg.prefill_base_ms + cfg.prefill_ms_per_token * (seq.promptTokens - seq.cachedTokens);
    seq.due = t0 + seq.prefillMs;
    this.scheduler.push(seq);
  }

  private readonly fire = (seq: Sequence, now: number): void => {
    const k = seq.emitted;
    const sink = seq.sink;
    if (k === seq.disconnectAt) {
      this.stats.disconnects++;
      this.release(seq, 'disconnected');
      sink?.abort(seq);
      return;
    }
    seq.modelled![k] = seq.due;
    seq.written![k] = now;
    seq.emitted = k + 1;
    this.stats.generationTokens++;
    const last = k + 1 === seq.outputTokens;
    if (last) this.release(seq, 'done');
    else {
      let gap = this.stepMs(this.running);
      if (k + 1 === seq.stallAt) {
        gap += this.cfg.stall_ms;
        this.stats.stalls++;
      }
      seq.due += gap;
      this.scheduler.push(seq);
    }
    sink?.token(seq, k, last);
  };

  private release(seq: Sequence, state: 'done' | 'cancelled' | 'disconnected'): void {
    seq.state = state;
    seq.endAt = performance.now();
    this.running--;
    this.kvTokens -= seq.promptTokens + seq.outputTokens;
    if (state === 'done') {
      const s = this.stats;
      s.success[seq.finishReason]++;
      s.ttft.observe((seq.firstTokenAt - seq.arrivedAt) / 1000);
      s.e2e.observe((seq.endAt - seq.arrivedAt) / 1000);
      if (seq.emitted > 1) s.tpot.observe((seq.lastTokenAt - seq.firstTokenAt) / 1000 / (seq.emitted - 1));
    } else this.stats.success.abort++;
    this.record(seq);
    while (this.running < this.cfg.max_num_seqs && this.queue.length > 0) {
      const next = this.queue.shift()!;
      if (next.state !== 'queued') continue;
      this.waiting--;
      this.start(next, seq.endAt);
    }
  }

  private record(seq: Sequence): void {
    seq.sink = undefined;
    if (this.cfg.trace_capacity === 0) return;
    const cap = this.cfg.trace_capacity;
    this.traces.push(seq);
    if (this.traces.length >= 2 * cap) this.traces.splice(0, this.traces.length - cap);
  }
}
