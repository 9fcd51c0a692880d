/**
 * The OpenAI-compatible protocol (vLLM, llama.cpp's llama-server, the simulator): /v1/completions and
 * /v1/chat/completions, streamed as SSE with `stream_options.include_usage`, or a single JSON body.
 * The SSE parser is a lean line splitter: each `data:` line is one event, parsed with `JSON.parse` unless
 * it matches the shape of the request's previous event but for its text (sse-template.ts' templates) or
 * the shape of an event that opened or closed an earlier request (its shapes: the first event, the one
 * with finish_reason, the usage event); `[DONE]` ends the stream.
 */

import type { RequestRecord, WorkloadSpec } from '../../contracts/index.js';
import { completionPromptJson } from '../prompt-json.js';
import { type Exchange, stampChunk } from './exchange.js';
import { feedLines, flushLines } from './lines.js';
import { chatMessages } from './messages.js';
import type { Protocol } from './protocol-client.js';
import {
  fromTemplate,
  holeFilled,
  holeInt,
  holeText,
  ROLE_COMPLETION,
  ROLE_CONTENT,
  ROLE_FINISH,
  ROLE_PROMPT,
  ROLE_REASONING,
  ROLE_TEXT,
  type Shape,
  Shapes,
  type SseTemplate,
  shapeOf,
  templateOf,
} from './sse-template.js';
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

/**
 * One event read (parsed, or matched to a template or a shape): its text, whether it finished the stream,
 * its usage counts. An event with text that does not end the stream is the likely shape of the request's
 * next ones: it becomes the request's template (unless the shapes keep changing, e.g. a field that differs
 * in every event: then templates are given up).
 */
function onRead(
  st: ParseState,
  text: string,
  finished: boolean,
  promptTokens: number | undefined,
  completionTokens: number | undefined,
  line: string,
  p: number,
  b: number,
): void {
  if (text.length > 0) {
    stampChunk(st);
    addContent(st, text);
  }
  if (finished) st.finished = true;
  if (promptTokens !== undefined) st.rec.prompt_tokens_server = promptTokens;
  if (completionTokens !== undefined) st.rec.output_tokens_server = completionTokens;
  if (text.length > 0 && !finished && st.sse !== null) {
    if (st.sse !== undefined && ++st.sseMisses >= MAX_MISSES) {
      st.sse = null;
      return;
    }
    st.sse = templateOf(line.slice(p, b), text, false, promptTokens, completionTokens);
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

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

/** An event that matched shape `s`: the values of its holes. */
function onShaped(st: ParseState, s: Shape, line: string, p: number, b: number): void {
  const text =
    s.holeOf[ROLE_TEXT] >= 0
      ? holeText(s, line, ROLE_TEXT)
      : holeText(s, line, ROLE_REASONING) + holeText(s, line, ROLE_CONTENT);
  const finished = holeFilled(s, ROLE_FINISH); // Boolean(finish_reason): a non-empty string
  const prompt = holeInt(s, line, ROLE_PROMPT);
  const completion = holeInt(s, line, ROLE_COMPLETION);
  onRead(st, text, finished, prompt, completion, line, p, b);
}

function onSseLine(sh: Shapes, st: ParseState, line: string, a: number, b: number): void {
  // `data:` compared code by code (startsWith on a view into a network piece takes V8's slow path)
  if (
    b - a < 5 ||
    line.charCodeAt(a) !== 100 ||
    line.charCodeAt(a + 1) !== 97 ||
    line.charCodeAt(a + 2) !== 116 ||
    line.charCodeAt(a + 3) !== 97 ||
    line.charCodeAt(a + 4) !== 58
  )
    return;
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
  // an opening shape only while the request has no template yet
  const s = sh.match(line, p, b, t === undefined);
  if (s !== undefined) {
    onShaped(st, s, line, p, b);
    return;
  }
  const payload = line.slice(p, b);
  const body = JSON.parse(payload) as OpenAiBody;
  if (applyError(st, body)) return;
  const c = body.choices?.[0];
  const text = choiceText(c);
  const finished = Boolean(c?.finish_reason);
  const u = body.usage;
  onRead(st, text, finished, num(u?.prompt_tokens), num(u?.completion_tokens), line, p, b);
  // an event that opens or closes a stream (not one in its middle that the template declined): its shape
  if ((t === undefined || finished || text.length === 0) && sh.seeking())
    sh.learn(shapeOf(payload, text, finished));
}

const sseExchange = (path: string): Exchange => {
  const sh = new Shapes();
  const onLine = (st: ParseState, line: string, a: number, b: number) => onSseLine(sh, st, line, a, b);
  return {
    path,
    streamed: true,
    feed: (st, chunk) => feedLines(st, chunk, onLine),
    finish: (st) => {
      flushLines(st, onLine);
      if (!st.done && !st.finished && !st.error) st.error = 'incomplete_stream';
    },
  };
};

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
