/**
 * The OpenAI-compatible protocol (vLLM, llama.cpp's llama-server, the simulator): /v1/completions and
 * /v1/chat/completions, streamed as SSE with `stream_options.include_usage`, or a single JSON body.
 * The SSE parser is a lean line splitter: each `data:` line is one event, parsed with `JSON.parse` unless
 * it matches the shape of the request's previous event but for its text (sse-template.ts); `[DONE]` ends
 * the stream.
 */

import type { RequestRecord, WorkloadSpec } from '../../contracts/index.js';
import { completionPromptJson } from '../prompt-json.js';
import { type Exchange, stampChunk } from './exchange.js';
import { feedLines, flushLines } from './lines.js';
import { chatMessages } from './messages.js';
import type { Protocol } from './protocol-client.js';
import { fromTemplate, type SseTemplate, templateOf } from './sse-template.js';
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

function onEvent(st: ParseState, body: OpenAiBody, payload: string): void {
  if (applyError(st, body)) return;
  const c = body.choices?.[0];
  const text = choiceText(c);
  if (text.length > 0) {
    stampChunk(st);
    addContent(st, text);
  }
  const finished = Boolean(c?.finish_reason);
  if (finished) st.finished = true;
  applyUsage(st.rec, body);
  // an event with text that does not end the stream: the likely shape of the next ones (unless the
  // shapes keep changing, e.g. a field that differs in every event: then templates are given up)
  if (text.length > 0 && !finished && st.sse !== null) {
    if (st.sse !== undefined && ++st.sseMisses >= MAX_MISSES) {
      st.sse = null;
      return;
    }
    const u = body.usage;
    const n = (v: unknown) => (typeof v === 'number' ? v : undefined);
    st.sse = templateOf(payload, text, false, n(u?.prompt_tokens), n(u?.completion_tokens));
  }
}

/** Events with text in a row that did not match the template, after which a request stops templating. */
const MAX_MISSES = 3;

/** An event that matched the request's template: its text, and the template's other fields. */
function onTemplated(st: ParseState, t: SseTemplate, text: string): void {
  if (text.length > 0) {
    stampChunk(st);
    addContent(st, text);
  }
  if (t.finished) st.finished = true;
  if (t.promptTokens !== undefined) st.rec.prompt_tokens_server = t.promptTokens;
  if (t.completionTokens !== undefined) st.rec.output_tokens_server = t.completionTokens;
}

function onSseLine(st: ParseState, line: string, a: number, b: number): void {
  if (b - a < 5 || !line.startsWith('data:', a)) return;
  const p = line.charCodeAt(a + 5) === 32 ? a + 6 : a + 5;
  if (b - p === 6 && line.startsWith('[DONE]', p)) {
    st.done = true;
    return;
  }
  const t = st.sse;
  if (t) {
    const text = fromTemplate(t, line, p, b);
    if (text !== undefined) {
      st.sseMisses = 0;
      onTemplated(st, t, text);
      return;
    }
  }
  const payload = line.slice(p, b);
  onEvent(st, JSON.parse(payload) as OpenAiBody, payload);
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
  const promptKey = api === 'chat' ? '"messages":' : '"prompt":';
  return {
    name: 'openai',
    exchange: stream ? sseExchange(path) : jsonExchange(path),
    body: (input: RequestInput) =>
      `{"max_tokens":${JSON.stringify(input.maxTokens)},${promptKey}${api === 'chat' ? chatMessages(input) : completionPromptJson(input)},${tail}`,
  };
}
