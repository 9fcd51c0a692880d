/** Raw protocol helpers for the conformance suite: JSON POSTs, SSE (`data:` lines) and NDJSON stream reading. */
import { createParser } from 'eventsource-parser';

export interface Streamed<T> {
  status: number;
  contentType: string;
  events: T[];
  /** The SSE stream ended with `data: [DONE]`. */
  done: boolean;
}

export async function getText(url: string): Promise<{ status: number; text: string; contentType: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

export async function postJson<T>(url: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as T };
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
}

/** POSTs and reads a Server-Sent Events stream of JSON `data:` events (OpenAI streaming). */
export async function postSse<T>(url: string, body: unknown): Promise<Streamed<T>> {
  const res = await post(url, body);
  const events: T[] = [];
  let done = false;
  let afterDone = 0;
  const parser = createParser({
    onEvent(ev) {
      if (done) afterDone++;
      if (ev.data === '[DONE]') done = true;
      else events.push(JSON.parse(ev.data) as T);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    parser.feed(decoder.decode(chunk, { stream: true }));
  }
  if (afterDone > 0) throw new Error(`${afterDone} SSE event(s) after [DONE]`);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', events, done };
}

/** POSTs and reads a newline-delimited JSON stream (Ollama streaming). */
export async function postNdjson<T>(url: string, body: unknown): Promise<Streamed<T>> {
  const res = await post(url, body);
  const text = await res.text();
  const events = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', events, done: true };
}
