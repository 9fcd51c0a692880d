/**
 * Ollama's native protocol: /api/generate and /api/chat, streamed as NDJSON (one JSON object per line) or a
 * single JSON body. The final object (`done: true`) carries `prompt_eval_count`, `eval_count` and the
 * nanosecond `*_duration` fields, kept as the server's own figures. A streamed line is parsed with
 * `JSON.parse` unless it has the shape of a line parsed before (sse-template.ts' shapes: the text lines
 * and the final one of earlier requests, their values in holes).
 */

import type { RequestRecord, WorkloadSpec } from '../../contracts/index.js';
import { promptJson, systemJson } from '../prompt-json.js';
import { type Exchange, stampChunk } from './exchange.js';
import { feedLines, flushLines } from './lines.js';
import { chatMessages } from './messages.js';
import type { Protocol } from './protocol-client.js';
import {
  holeInt,
  holeText,
  ollamaShapeOf,
  ROLE_COMPLETION,
  ROLE_CONTENT,
  ROLE_EVAL_NS,
  ROLE_LOAD_NS,
  ROLE_PROMPT,
  ROLE_PROMPT_NS,
  ROLE_REASONING,
  ROLE_TEXT,
  ROLE_TOTAL_NS,
  type Shape,
  Shapes,
} from './sse-template.js';
import { addContent } from './token-estimate.js';
import type { ParseState, RequestInput } from './types.js';

interface OllamaBody {
  response?: string;
  message?: { content?: string; thinking?: string };
  thinking?: string;
  done?: boolean;
  error?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_duration?: number;
  eval_duration?: number;
}

function textOf(b: OllamaBody): string {
  if (typeof b.response === 'string') return (b.thinking ?? '') + b.response;
  const m = b.message;
  return m ? (m.thinking ?? '') + (m.content ?? '') : '';
}

function applyFinal(rec: RequestRecord, b: OllamaBody): void {
  if (typeof b.prompt_eval_count === 'number') rec.prompt_tokens_server = b.prompt_eval_count;
  if (typeof b.eval_count === 'number') rec.output_tokens_server = b.eval_count;
  rec.server_figures = {
    prompt_eval_count: b.prompt_eval_count,
    eval_count: b.eval_count,
    total_duration_ns: b.total_duration,
    load_duration_ns: b.load_duration,
    prompt_eval_duration_ns: b.prompt_eval_duration,
    eval_duration_ns: b.eval_duration,
  };
}

/** The final line's figures (`done: true`), as read from the line or its shape. */
function final(
  rec: RequestRecord,
  promptEval: number | undefined,
  evalCount: number | undefined,
  total: number | undefined,
  load: number | undefined,
  promptEvalNs: number | undefined,
  evalNs: number | undefined,
): void {
  if (promptEval !== undefined) rec.prompt_tokens_server = promptEval;
  if (evalCount !== undefined) rec.output_tokens_server = evalCount;
  rec.server_figures = {
    prompt_eval_count: promptEval,
    eval_count: evalCount,
    total_duration_ns: total,
    load_duration_ns: load,
    prompt_eval_duration_ns: promptEvalNs,
    eval_duration_ns: evalNs,
  };
}

function onText(st: ParseState, text: string): void {
  if (text.length > 0) {
    stampChunk(st);
    addContent(st, text);
  }
}

/** A line that matched shape `s`: the values of its holes. */
function onShaped(st: ParseState, s: Shape, line: string): void {
  const thinking = holeText(s, line, ROLE_REASONING);
  onText(
    st,
    s.holeOf[ROLE_TEXT] >= 0
      ? thinking + holeText(s, line, ROLE_TEXT)
      : thinking + holeText(s, line, ROLE_CONTENT),
  );
  if (s.done) {
    st.done = true;
    final(
      st.rec,
      holeInt(s, line, ROLE_PROMPT),
      holeInt(s, line, ROLE_COMPLETION),
      holeInt(s, line, ROLE_TOTAL_NS),
      holeInt(s, line, ROLE_LOAD_NS),
      holeInt(s, line, ROLE_PROMPT_NS),
      holeInt(s, line, ROLE_EVAL_NS),
    );
  }
}

/** Whether `t` holds a quote, backslash or control character (which JSON writes escaped). */
function escaped(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 34 || c === 92 || c < 0x20) return true;
  }
  return false;
}

function onLine(sh: Shapes, st: ParseState, line: string, a: number, z: number): void {
  const s = sh.match(line, a, z, true);
  if (s !== undefined) {
    onShaped(st, s, line);
    return;
  }
  const payload = line.slice(a, z);
  const b = JSON.parse(payload) as OllamaBody;
  if (b.error !== undefined) {
    st.error = 'server_error';
    st.rec.error_detail = String(b.error).slice(0, 200);
    return;
  }
  const text = textOf(b);
  onText(st, text);
  if (b.done) {
    st.done = true;
    applyFinal(st.rec, b);
  }
  // a text JSON had to escape (e.g. a newline) is no plain string: such a line has no shape
  if (sh.seeking() && !escaped(text)) sh.learn(ollamaShapeOf(payload));
}

const ndjsonExchange = (path: string): Exchange => {
  const sh = new Shapes();
  const lineOf = (st: ParseState, line: string, a: number, z: number) => onLine(sh, st, line, a, z);
  return {
    path,
    streamed: true,
    feed: (st, chunk) => feedLines(st, chunk, lineOf),
    finish: (st) => {
      flushLines(st, lineOf);
      if (!st.done && !st.error) st.error = 'incomplete_stream';
    },
  };
};

const jsonExchange = (path: string): Exchange => ({
  path,
  streamed: false,
  feed: () => {},
  finish: (st) => {
    const b = JSON.parse(st.buf) as OllamaBody;
    st.buf = '';
    if (b.error !== undefined) {
      st.error = 'server_error';
      st.rec.error_detail = String(b.error).slice(0, 200);
      return;
    }
    st.rec.last_token = st.arrived;
    const text = textOf(b);
    if (text) addContent(st, text);
    applyFinal(st.rec, b);
  },
});

/** Ollama's protocol for `api` (generate or chat): model, stream and num_gpu are serialized once. */
export function ollamaProtocol(spec: WorkloadSpec, api: 'generate' | 'chat', stream: boolean): Protocol {
  const path = api === 'chat' ? '/api/chat' : '/api/generate';
  const head = `{"model":${JSON.stringify(spec.model)},"stream":${stream},"options":{"num_predict":`;
  const gpu = spec.num_gpu !== undefined ? `,"num_gpu":${JSON.stringify(spec.num_gpu)}` : '';
  return {
    name: 'ollama',
    exchange: stream ? ndjsonExchange(path) : jsonExchange(path),
    body: (input: RequestInput) =>
      api === 'chat'
        ? `${head}${JSON.stringify(input.maxTokens)}${gpu}},"messages":${chatMessages(input)}}`
        : // generate takes the system message as its own field (the model's template places it)
          `${head}${JSON.stringify(input.maxTokens)}${gpu}},${input.system === undefined ? '' : `"system":${systemJson(input)},`}"prompt":${promptJson(input)}}`,
  };
}
