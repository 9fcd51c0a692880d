/**
 * vLLM's OpenAI-compatible POST /v1/completions and /v1/chat/completions: SSE `data:` chunks ending with
 * `data: [DONE]` when `stream` is true (plus a usage chunk with empty choices when
 * `stream_options.include_usage`), one JSON object otherwise.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { countTokens, tokenText } from '../../../util/tokenizer.js';
import { ChunkStream } from './chunk-stream.js';
import type { Engine } from './engine.js';
import { isObject, tokenLimit } from './http-util.js';
import { type OpenAiErrorType, openaiError } from './openai-errors.js';
import { cut, type Sequence, type Sink } from './sequence.js';

type Bad = { error: string; type?: OpenAiErrorType; param?: string };

/** Tokens of a message's content; its texts are appended to `parts` (the prompt, for the prefix cache). */
function contentTokens(c: unknown, parts: string[]): number | undefined {
  if (typeof c === 'string') {
    parts.push(c);
    return countTokens(c);
  }
  if (c === null || c === undefined) return 0;
  if (!Array.isArray(c)) return undefined;
  let n = 0;
  for (const p of c) {
    if (!isObject(p) || (p.type === 'text' && typeof p.text !== 'string')) return undefined;
    if (typeof p.text === 'string') {
      parts.push(p.text);
      n += countTokens(p.text);
    }
  }
  return n;
}

/** The prompt's token count; its texts are appended to `parts`. */
function promptTokens(body: Record<string, unknown>, chat: boolean, parts: string[]): number | Bad {
  if (chat) {
    const msgs = body.messages;
    if (!Array.isArray(msgs) || msgs.length === 0) {
      return { error: 'messages must be a non-empty array', param: 'messages' };
    }
    let n = 0;
    for (const m of msgs) {
      const t = isObject(m) && typeof m.role === 'string' ? contentTokens(m.content, parts) : undefined;
      if (t === undefined) return { error: 'each message needs a role and text content', param: 'messages' };
      n += t;
    }
    return n;
  }
  const p = body.prompt;
  const text =
    typeof p === 'string'
      ? p
      : Array.isArray(p) && p.length === 1 && typeof p[0] === 'string'
        ? p[0]
        : undefined;
  if (text !== undefined) {
    parts.push(text);
    return countTokens(text);
  }
  if (Array.isArray(p) && p.length > 0 && p.every((x) => Number.isInteger(x))) {
    parts.push(p.join(' '));
    return p.length;
  }
  if (Array.isArray(p) && p.length > 1) {
    return { error: 'only one prompt per request is supported by the simulator', param: 'prompt' };
  }
  return { error: 'prompt must be a string, a list of one string, or a list of token ids', param: 'prompt' };
}

function usage(seq: Sequence): string {
  const c = seq.emitted;
  return `{"prompt_tokens":${seq.promptTokens},"total_tokens":${seq.promptTokens + c},"completion_tokens":${c}}`;
}

class OpenAiSink implements Sink {
  /** The streamed body, once the headers are sent. */
  out: ChunkStream | undefined;
  private text = '';
  private readonly head: string;
  constructor(
    private readonly res: ServerResponse,
    private readonly chat: boolean,
    private readonly stream: boolean,
    private readonly includeUsage: boolean,
    private readonly id: string,
    private readonly model: string,
    private readonly created: number,
  ) {
    const object = chat ? 'chat.completion.chunk' : 'text_completion';
    this.head = `data: {"id":"${id}","object":"${object}","created":${created},"model":${JSON.stringify(model)},"choices":[`;
  }

  token(seq: Sequence, k: number, last: boolean): void {
    const t = tokenText(seq.id, k);
    if (!this.stream) {
      this.text += t;
      if (last) this.whole(seq);
      return;
    }
    const finish = last ? `"${seq.finishReason}"` : 'null';
    let out = '';
    if (this.chat) {
      if (k === 0)
        out = `${this.head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`;
      out += `${this.head}{"index":0,"delta":{"content":"${t}"},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
    } else {
      out = `${this.head}{"index":0,"text":"${t}","logprobs":null,"finish_reason":${finish},"stop_reason":null}]}\n\n`;
    }
    if (!last) {
      this.out!.write(out);
      return;
    }
    if (this.includeUsage) out += `${this.head}],"usage":${usage(seq)}}\n\n`;
    this.out!.end(`${out}data: [DONE]\n\n`);
  }

  abort(): void {
    if (this.out) this.out.cut();
    else cut(this.res);
  }

  /**
   * The non-streamed answer, written as a string (no object built, parsed or stringified) with all its
   * headers in one writeHead.
   */
  private whole(seq: Sequence): void {
    const res = this.res;
    if (res.headersSent || res.destroyed) return;
    const content = JSON.stringify(this.text);
    const finish = `"finish_reason":"${seq.finishReason}"`;
    const choice = this.chat
      ? `{"index":0,"message":{"role":"assistant","content":${content}},"logprobs":null,${finish}}`
      : `{"index":0,"text":${content},"logprobs":null,${finish},"stop_reason":null}`;
    const object = this.chat ? 'chat.completion' : 'text_completion';
    const body = `{"id":"${this.id}","object":"${object}","created":${this.created},"model":${JSON.stringify(this.model)},"choices":[${choice}],"usage":${usage(seq)}}`;
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-request-id': this.id,
      'x-hpcbench-request-id': String(seq.id),
    });
    res.end(body);
  }
}

export async function openaiGenerate(
  engine: Engine,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  chat: boolean,
  arrivedAt = performance.now(),
): Promise<void> {
  if (!isObject(body)) return openaiError(res, 400, 'request body must be a JSON object');
  const model = body.model ?? 'dummy-model';
  if (typeof model !== 'string')
    return openaiError(res, 400, 'model must be a string', 'BadRequestError', 'model');
  if (!engine.models.get(model)) {
    return openaiError(res, 404, `The model \`${model}\` does not exist.`, 'NotFoundError', 'model');
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    return openaiError(res, 400, 'stream must be a boolean', 'BadRequestError', 'stream');
  }
  if (body.n !== undefined && body.n !== null && body.n !== 1) {
    return openaiError(res, 400, 'only n=1 is supported by the simulator', 'BadRequestError', 'n');
  }
  const limitKey = chat && body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const limit = tokenLimit(body[limitKey], limitKey);
  if (typeof limit === 'string') return openaiError(res, 400, limit, 'BadRequestError', limitKey);
  const parts: string[] = [];
  const prompt = promptTokens(body, chat, parts);
  if (typeof prompt !== 'number') return openaiError(res, 400, prompt.error, 'BadRequestError', prompt.param);
  const maxLen = engine.cfg.max_model_len;
  if (prompt + (limit ?? 0) > maxLen) {
    const msg = `This model's maximum context length is ${maxLen} tokens. However, you requested ${prompt + (limit ?? 0)} tokens (${prompt} in the messages, ${limit ?? 0} in the completion). Please reduce the length of the messages or completion.`;
    return openaiError(res, 400, msg, 'BadRequestError', 'messages');
  }
  const so = body.stream_options;
  const includeUsage = isObject(so) && so.include_usage === true;
  const stream = body.stream === true;
  const clientId = req.headers['x-request-id'];
  const created = Math.floor(Date.now() / 1000);
  const idBase = chat ? 'chatcmpl' : 'cmpl';
  // The engine numbers requests by arrival; this one gets the next number.
  const id = `${idBase}-${engine.stats.arrivals}`;
  const sink = new OpenAiSink(res, chat, stream, includeUsage, id, model, created);
  const r = engine.submit(
    {
      model,
      protocol: 'openai',
      endpoint: chat ? '/v1/chat/completions' : '/v1/completions',
      stream,
      promptTokens: prompt,
      promptParts: parts,
      messages: chat ? (body.messages as unknown[]) : undefined,
      maxTokens: limit,
      clientId: typeof clientId === 'string' ? clientId : undefined,
      arrivedAt,
    },
    sink,
  );
  if (!r.ok) {
    const type = r.status === 503 ? 'ServiceUnavailableError' : 'InternalServerError';
    return openaiError(res, r.status, r.message, type);
  }
  const seq = r.seq;
  res.on('close', () => {
    if (seq.state === 'queued' || seq.state === 'running') engine.cancel(seq);
  });
  // a non-streamed answer writes its headers itself (whole)
  if (stream) {
    sink.out = ChunkStream.open(res, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': id,
      'x-hpcbench-request-id': String(seq.id),
    });
  }
}
