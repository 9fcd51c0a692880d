/** One request inside the simulated engine, from arrival to its last chunk, with its ground-truth times. */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { countTokens } from '../../../util/tokenizer.js';
import type { Timed } from './scheduler.js';

export type SeqState = 'queued' | 'running' | 'done' | 'cancelled' | 'disconnected' | 'failed' | 'rejected';

/** Writes a sequence's chunks to its client; called by the engine at each token's due time. */
export interface Sink {
  /** Token `k` is due now; `last` when it is the final one (the sink then ends the response). */
  token(seq: Sequence, k: number, last: boolean): void;
  /** Disconnect fault: the sink must cut the connection without a proper end. */
  abort(seq: Sequence): void;
}

export interface SeqInit {
  id: number;
  model: string;
  protocol: 'ollama' | 'openai';
  endpoint: string;
  stream: boolean;
  promptTokens: number;
  outputTokens: number;
  finishReason: 'stop' | 'length';
  /** The request reached the HTTP layer (head parsed): the ground truth's arrival. */
  arrivedAt: number;
  /** The engine got it: body read and parsed, routed, validated. */
  submittedAt: number;
  clientId?: string;
}

export class Sequence implements Timed {
  due = 0;
  heapIndex = -1;
  timer: NodeJS.Timeout | undefined;
  readonly id: number;
  readonly model: string;
  readonly protocol: 'ollama' | 'openai';
  readonly endpoint: string;
  readonly stream: boolean;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly finishReason: 'stop' | 'length';
  readonly arrivedAt: number;
  readonly submittedAt: number;
  readonly clientId?: string;
  state: SeqState = 'queued';
  admittedAt = Number.NaN;
  loadMs = 0;
  prefillMs = 0;
  /** Keys of the prompt's full blocks (prefix cache), when caching is on. */
  blockKeys: number[] | undefined;
  /** Prompt tokens found in the prefix cache at admission (not prefilled). */
  cachedTokens = 0;
  endAt = Number.NaN;
  emitted = 0;
  /** Token index whose gap includes a stall (-1: none). */
  stallAt = -1;
  /** Token index at which the connection is cut (-1: none). */
  disconnectAt = -1;
  /** Modelled due time and actual write time of each chunk (performance.now() ms). */
  modelled: Float64Array | undefined;
  written: Float64Array | undefined;
  sink: Sink | undefined;
  /** Chat: the messages as received, summarised only when the ground truth is read (`traceJson`). */
  messages: readonly unknown[] | undefined;

  constructor(init: SeqInit) {
    this.id = init.id;
    this.model = init.model;
    this.protocol = init.protocol;
    this.endpoint = init.endpoint;
    this.stream = init.stream;
    this.promptTokens = init.promptTokens;
    this.outputTokens = init.outputTokens;
    this.finishReason = init.finishReason;
    this.arrivedAt = init.arrivedAt;
    this.submittedAt = init.submittedAt;
    this.clientId = init.clientId;
  }

  get firstTokenAt(): number {
    return this.written && this.emitted > 0 ? this.written[0] : Number.NaN;
  }
  get lastTokenAt(): number {
    return this.written && this.emitted > 0 ? this.written[this.emitted - 1] : Number.NaN;
  }
}

/** Disconnect fault: close the connection after what was written is flushed, without ending the body. */
export function cut(res: ServerResponse): void {
  const socket = res.socket;
  if (socket && !socket.destroyed) socket.end();
  else res.destroy();
}

const epoch = (t: number): number | null =>
  Number.isFinite(t) ? +(performance.timeOrigin + t).toFixed(3) : null;
const ms = (t: number): number => +t.toFixed(3);

/** A message's text: a string content, or the text parts of a list of parts. */
function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
}

/** A chat request's messages in the ground truth: role, tokens and the SHA-1 (hex) of each text. */
function messagesJson(messages: readonly unknown[]): { role: string; tokens: number; sha1: string }[] {
  return messages.map((m) => {
    const { role, content } = (m ?? {}) as { role?: unknown; content?: unknown };
    const text = messageText(content);
    return {
      role: String(role),
      tokens: countTokens(text),
      sha1: createHash('sha1').update(text).digest('hex'),
    };
  });
}

/** The documented ground-truth record of one request (times in Unix epoch milliseconds). */
export function traceJson(s: Sequence): Record<string, unknown> {
  const n = s.emitted;
  const modelled: (number | null)[] = new Array(n);
  const written: (number | null)[] = new Array(n);
  for (let k = 0; k < n; k++) {
    modelled[k] = epoch(s.modelled![k]);
    written[k] = epoch(s.written![k]);
  }
  return {
    id: s.id,
    client_request_id: s.clientId ?? null,
    protocol: s.protocol,
    endpoint: s.endpoint,
    model: s.model,
    stream: s.stream,
    state: s.state,
    prompt_tokens: s.promptTokens,
    cached_prompt_tokens: s.cachedTokens,
    planned_output_tokens: s.outputTokens,
    output_tokens: n,
    // vLLM's finished_reason: a request whose client went away (or was cut) is aborted
    finish_reason:
      s.state === 'done'
        ? s.finishReason
        : s.state === 'cancelled' || s.state === 'disconnected'
          ? 'abort'
          : null,
    arrived_ms: epoch(s.arrivedAt),
    submitted_ms: epoch(s.submittedAt),
    admitted_ms: epoch(s.admittedAt),
    end_ms: epoch(s.endAt),
    load_ms: ms(s.loadMs),
    prefill_ms: ms(s.prefillMs),
    stall_at_token: s.stallAt >= 0 ? s.stallAt : null,
    disconnect_at_token: s.disconnectAt >= 0 ? s.disconnectAt : null,
    chunk_modelled_ms: modelled,
    chunk_written_ms: written,
    messages: s.messages ? messagesJson(s.messages) : null,
  };
}
