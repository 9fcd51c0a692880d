/**
 * The OpenAI-compatible protocol (vLLM, llama.cpp's llama-server, the simulator): /v1/completions and
 * /v1/chat/completions, streamed as SSE with `stream_options.include_usage`, or a single JSON body.
 * The SSE parser is a lean line splitter: each `data:` line is one event; `[DONE]` ends the stream.
 */

import type { RequestRecord, WorkloadSpec } from '../../contracts/index.js';
import { type Exchange, stampChunk } from './exchange.js';
import { feedLines, flushLines } from './lines.js';
import type { Protocol } from './protocol-client.js';
import { addContent } from './token-estimate.js';
import type { ParseState, RequestInput } from './types.js';

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

function onEvent(st: ParseState, body: OpenAiBody): void {
  if (applyError(st, body)) return;
  const c = body.choices?.[0];
  const text = choiceText(c);
  if (text.length > 0) {
    stampChunk(st);
    addContent(st, text);
  }
  if (c?.finish_reason) st.finished = true;
  applyUsage(st.rec, body);
}

function onSseLine(st: ParseState, text: string, a: number, b: number): void {
  if (b - a < 5 || !text.startsWith('data:', a)) return;
  const p = text.charCodeAt(a + 5) === 32 ? a + 6 : a + 5;
  if (b - p === 6 && text.startsWith('[DONE]', p)) {
    st.done = true;
    return;
  }
  onEvent(st, JSON.parse(text.slice(p, b)) as OpenAiBody);
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
    st.rec.last_token = st.arrived;
    if (text) addContent(st, text);
    applyUsage(st.rec, parsed);
  },
});

/** The OpenAI protocol for `api` (completions or chat): the fixed body fields are serialized once. */
export function openAiProtocol(spec: WorkloadSpec, api: 'completions' | 'chat', stream: boolean): Protocol {
  const path = api === 'chat' ? '/v1/chat/completions' : '/v1/completions';
  const fixed: Record<string, unknown> = { model: spec.model, stream };
  if (stream) fixed.stream_options = { include_usage: true };
  if (spec.ignore_eos) fixed.ignore_eos = true;
  const tail = JSON.stringify(fixed).slice(1);
  const promptKey = api === 'chat' ? '"messages":[{"role":"user","content":' : '"prompt":';
  const promptEnd = api === 'chat' ? '}]' : '';
  return {
    name: 'openai',
    exchange: stream ? sseExchange(path) : jsonExchange(path),
    body: (input: RequestInput) =>
      `{"max_tokens":${JSON.stringify(input.maxTokens)},${promptKey}${JSON.stringify(input.prompt)}${promptEnd},${tail}`,
  };
}
