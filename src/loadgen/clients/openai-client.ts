/**
 * OpenAI-compatible client (vLLM, llama.cpp's llama-server, the simulator): /v1/completions and
 * /v1/chat/completions, streamed as SSE with `stream_options.include_usage`, or a single JSON body.
 * The SSE parser is a lean line splitter: each `data:` line is one event; `[DONE]` ends the stream.
 */

import type { Api, RequestRecord, WorkloadSpec } from '../../contracts/index.js';
import { nowMs } from '../record.js';
import { type Exchange, runExchange } from './exchange.js';
import { feedLines, flushLines } from './lines.js';
import type { Targets } from './pools.js';
import { addContent, contentChunk } from './token-estimate.js';
import type { CancelSignal, ParseState, RequestInput, ServiceClient } from './types.js';

interface Choice {
  text?: string;
  delta?: { content?: string | null; reasoning_content?: string | null };
  message?: { content?: string | null; reasoning_content?: string | null };
  finish_reason?: string | null;
}
interface OpenAiBody {
  choices?: Choice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: unknown;
}

function choiceText(c: Choice | undefined): string {
  if (!c) return '';
  if (typeof c.text === 'string') return c.text;
  const m = c.delta ?? c.message;
  if (!m) return '';
  return (m.reasoning_content ?? '') + (m.content ?? '');
}

function applyUsage(rec: RequestRecord, body: OpenAiBody): void {
  const u = body.usage;
  if (!u) return;
  if (typeof u.prompt_tokens === 'number') rec.prompt_tokens_server = u.prompt_tokens;
  if (typeof u.completion_tokens === 'number') rec.output_tokens_server = u.completion_tokens;
}

function applyError(st: ParseState, body: OpenAiBody): boolean {
  if (body.error === undefined || body.error === null) return false;
  st.error = 'server_error';
  const e = body.error as { message?: string };
  st.rec.error_detail = String(e?.message ?? JSON.stringify(body.error)).slice(0, 200);
  return true;
}

function onSseLine(st: ParseState, line: string): void {
  if (line.charCodeAt(0) !== 100 /* d */ || !line.startsWith('data:')) return;
  const t = nowMs();
  const payload = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
  if (payload === '[DONE]') {
    st.done = true;
    return;
  }
  const body = JSON.parse(payload) as OpenAiBody;
  if (applyError(st, body)) return;
  const c = body.choices?.[0];
  const text = choiceText(c);
  if (text.length > 0) contentChunk(st, text, t);
  if (c?.finish_reason) st.finished = true;
  applyUsage(st.rec, body);
}

const sseExchange = (path: string): Exchange => ({
  path,
  streamed: true,
  feed: (st, chunk) => feedLines(st, chunk, onSseLine),
  finish: (st) => {
    flushLines(st, onSseLine);
    if (!st.done && !st.finished && !st.error) st.error = 'incomplete_stream';
  },
});

const jsonExchange = (path: string): Exchange => ({
  path,
  streamed: false,
  feed: () => {},
  finish: (st) => {
    const parsed = JSON.parse(st.buf) as OpenAiBody;
    st.buf = '';
    if (applyError(st, parsed)) return;
    const text = choiceText(parsed.choices?.[0]);
    st.rec.last_token = nowMs();
    if (text) addContent(st, text);
    applyUsage(st.rec, parsed);
  },
});

export class OpenAiClient implements ServiceClient {
  readonly api: Api;
  readonly stream: boolean;
  private readonly exchange: Exchange;
  /** The request body's fixed fields as JSON, without the opening brace. */
  private readonly fixed: string;

  constructor(
    spec: WorkloadSpec,
    private readonly targets: Targets,
    api: 'completions' | 'chat',
  ) {
    this.api = api;
    this.stream = spec.stream ?? true;
    const path = api === 'chat' ? '/v1/chat/completions' : '/v1/completions';
    this.exchange = this.stream ? sseExchange(path) : jsonExchange(path);
    const fixed: Record<string, unknown> = { model: spec.model, stream: this.stream };
    if (this.stream) fixed.stream_options = { include_usage: true };
    if (spec.ignore_eos) fixed.ignore_eos = true;
    this.fixed = JSON.stringify(fixed).slice(1);
  }

  /** The request body: the fixed fields are serialized once, only the prompt and max_tokens per request. */
  body(input: RequestInput): string {
    const prompt = JSON.stringify(input.prompt);
    const text =
      this.api === 'chat' ? `"messages":[{"role":"user","content":${prompt}}]` : `"prompt":${prompt}`;
    return `{"max_tokens":${JSON.stringify(input.maxTokens)},${text},${this.fixed}`;
  }

  send(input: RequestInput, rec: RequestRecord, signal: CancelSignal): Promise<void> {
    return runExchange(this.targets.pick(), this.exchange, this.body(input), rec, signal);
  }

  close(): Promise<void> {
    return this.targets.close();
  }
}
