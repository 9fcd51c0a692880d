/**
 * Ollama's POST /api/generate and /api/chat: NDJSON (`application/x-ndjson`) when `stream` is true (the
 * default), one object per generated token, then a final `done:true` object with Ollama's statistics
 * (durations in nanoseconds); one JSON object when `stream` is false.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { countTokens, tokenText } from '../../../util/tokenizer.js';
import { ChunkStream } from './chunk-stream.js';
import type { Engine } from './engine.js';
import { isObject, isoNow, sendJson, tokenLimit } from './http-util.js';
import { cut, type Sequence, type Sink } from './sequence.js';

const ns = (ms: number): number => Math.max(0, Math.round(ms * 1e6));

/** The prompt's token count (or what is wrong with it); its texts are appended to `parts`. */
function promptOf(body: Record<string, unknown>, chat: boolean, parts: string[]): number | string {
  if (chat) {
    const msgs = body.messages ?? [];
    if (!Array.isArray(msgs)) return 'messages must be an array';
    let n = 0;
    for (const m of msgs) {
      if (!isObject(m) || typeof m.role !== 'string') return 'each message needs a string role';
      if (m.content !== undefined && typeof m.content !== 'string') return 'message content must be a string';
      const text = (m.content as string | undefined) ?? '';
      parts.push(text);
      n += countTokens(text);
    }
    return n;
  }
  if (body.prompt !== undefined && typeof body.prompt !== 'string') return 'prompt must be a string';
  if (body.system !== undefined && typeof body.system !== 'string') return 'system must be a string';
  const system = (body.system as string | undefined) ?? '';
  const prompt = (body.prompt as string | undefined) ?? '';
  parts.push(system, prompt);
  return countTokens(prompt) + countTokens(system);
}

/** Ollama's statistics, from the model's own timeline (modelled times: what the simulated GPU did). */
function stats(seq: Sequence): Record<string, unknown> {
  const m = seq.modelled!;
  const first = m[0];
  const last = m[seq.emitted - 1];
  return {
    done: true,
    done_reason: seq.finishReason,
    total_duration: ns(last - seq.arrivedAt),
    load_duration: ns(seq.loadMs),
    prompt_eval_count: seq.promptTokens,
    prompt_eval_duration: ns(seq.prefillMs),
    eval_count: seq.emitted,
    eval_duration: ns(last - first),
  };
}

class OllamaSink implements Sink {
  /** The streamed body, once the headers are sent. */
  out: ChunkStream | undefined;
  private text = '';
  constructor(
    private readonly res: ServerResponse,
    private readonly chat: boolean,
    private readonly stream: boolean,
    private readonly model: string,
  ) {}

  token(seq: Sequence, k: number, last: boolean): void {
    const t = tokenText(seq.id, k);
    const res = this.res;
    if (!this.stream) {
      this.text += t;
      if (last) sendJson(res, 200, this.final(seq, this.text));
      return;
    }
    const head = `{"model":${this.model},"created_at":"${isoNow()}",`;
    const piece = this.chat ? `"message":{"role":"assistant","content":"${t}"}` : `"response":"${t}"`;
    const line = `${head}${piece},"done":false}\n`;
    if (last) this.out!.end(`${line}${JSON.stringify(this.final(seq, ''))}\n`);
    else this.out!.write(line);
  }

  abort(): void {
    if (this.out) this.out.cut();
    else cut(this.res);
  }

  private final(seq: Sequence, text: string): Record<string, unknown> {
    const out: Record<string, unknown> = { model: seq.model, created_at: isoNow() };
    if (this.chat) out.message = { role: 'assistant', content: text };
    else out.response = text;
    return { ...out, ...stats(seq), ...(this.chat ? {} : { context: [] }) };
  }
}

export async function ollamaGenerate(
  engine: Engine,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  chat: boolean,
  arrivedAt = performance.now(),
): Promise<void> {
  if (!isObject(body)) return sendJson(res, 400, { error: 'request body must be a JSON object' });
  const model = body.model;
  if (typeof model !== 'string' || model === '') return sendJson(res, 400, { error: 'model is required' });
  if (!engine.models.get(model)) {
    return sendJson(res, 404, { error: `model '${model}' not found, try pulling it first` });
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') {
    return sendJson(res, 400, { error: 'stream must be a boolean' });
  }
  const options = body.options ?? {};
  if (!isObject(options)) return sendJson(res, 400, { error: 'options must be an object' });
  const limit = tokenLimit(options.num_predict, 'options.num_predict', true);
  if (typeof limit === 'string') return sendJson(res, 400, { error: limit });
  const parts: string[] = [];
  const prompt = promptOf(body, chat, parts);
  if (typeof prompt === 'string') return sendJson(res, 400, { error: prompt });
  const empty = chat
    ? (body.messages as unknown[] | undefined)?.length === 0 || !body.messages
    : !body.prompt;
  if (empty) return loadOnly(engine, res, model, chat);
  const stream = body.stream !== false;
  const sink = new OllamaSink(res, chat, stream, JSON.stringify(model));
  const clientId = req.headers['x-request-id'];
  const r = engine.submit(
    {
      model,
      protocol: 'ollama',
      endpoint: chat ? '/api/chat' : '/api/generate',
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
  if (!r.ok) return sendJson(res, r.status, { error: r.message });
  const seq = r.seq;
  res.on('close', () => {
    if (seq.state === 'queued' || seq.state === 'running') engine.cancel(seq);
  });
  if (stream) {
    sink.out = ChunkStream.open(res, {
      'content-type': 'application/x-ndjson',
      'x-hpcbench-request-id': String(seq.id),
    });
  } else res.setHeader('x-hpcbench-request-id', String(seq.id));
}

/** An empty prompt loads the model and answers with `done_reason: "load"`, as Ollama does. */
function loadOnly(engine: Engine, res: ServerResponse, model: string, chat: boolean): void {
  const now = performance.now();
  const readyAt = engine.models.load(model, now, engine.cfg.load_ms);
  const wait = Math.max(0, readyAt - now);
  setTimeout(() => {
    const out: Record<string, unknown> = { model, created_at: isoNow() };
    if (chat) out.message = { role: 'assistant', content: '' };
    else out.response = '';
    sendJson(res, 200, { ...out, done: true, done_reason: 'load' });
  }, wait);
}
