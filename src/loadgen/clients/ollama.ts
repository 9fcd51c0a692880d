/**
 * Ollama's native protocol: /api/generate and /api/chat, streamed as NDJSON (one JSON object per line) or a
 * single JSON body. The final object (`done: true`) carries `prompt_eval_count`, `eval_count` and the
 * nanosecond `*_duration` fields, kept as the server's own figures.
 */

import type { RequestRecord, WorkloadSpec } from '../../contracts/index.js';
import { promptJson, systemJson } from '../prompt-json.js';
import { type Exchange, stampChunk } from './exchange.js';
import { feedLines, flushLines } from './lines.js';
import { chatMessages } from './messages.js';
import type { Protocol } from './protocol-client.js';
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

function onLine(st: ParseState, line: string, a: number, z: number): void {
  const b = JSON.parse(line.slice(a, z)) as OllamaBody;
  if (b.error !== undefined) {
    st.error = 'server_error';
    st.rec.error_detail = String(b.error).slice(0, 200);
    return;
  }
  const text = textOf(b);
  if (text.length > 0) {
    stampChunk(st);
    addContent(st, text);
  }
  if (b.done) {
    st.done = true;
    applyFinal(st.rec, b);
  }
}

const ndjsonExchange = (path: string): Exchange => ({
  path,
  streamed: true,
  feed: (st, chunk) => feedLines(st, chunk, onLine),
  finish: (st) => {
    flushLines(st, onLine);
    if (!st.done && !st.error) st.error = 'incomplete_stream';
  },
});

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
