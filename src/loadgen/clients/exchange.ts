/**
 * One HTTP exchange on a target's pool: status, body streamed through a parser, errors classified into
 * reasons. Shared by the OpenAI and Ollama clients.
 */
import { nowMs, type RequestRecord } from '../record.js';
import type { Target } from './pools.js';
import type { ParseState } from './types.js';

export interface Exchange {
  path: string;
  body: string;
  /** Called with each decoded piece of the response body. */
  feed(st: ParseState, chunk: string): void;
  /** Called once after the body ended (not on failures). */
  finish(st: ParseState): void;
}

const DETAIL_MAX = 200;

function reasonOf(err: unknown, signal: AbortSignal): { reason: string; cancelled: boolean; detail: string } {
  const e = err as { code?: string; name?: string; message?: string };
  const detail = String(e?.message ?? err).slice(0, DETAIL_MAX);
  if (signal.aborted) {
    if (signal.reason === 'timeout') return { reason: 'timeout', cancelled: false, detail };
    return { reason: 'cancelled', cancelled: true, detail };
  }
  if (e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT')
    return { reason: 'timeout', cancelled: false, detail };
  if (typeof e?.code === 'string') return { reason: e.code, cancelled: false, detail };
  if (e?.name === 'SyntaxError') return { reason: 'bad_response', cancelled: false, detail };
  if (e?.name === 'TypeError') return { reason: 'client_error', cancelled: false, detail };
  return { reason: 'network_error', cancelled: false, detail };
}

function finalizeTokens(rec: RequestRecord): void {
  rec.prompt_tokens = rec.prompt_tokens_server ?? rec.prompt_tokens_client;
  rec.output_tokens = rec.output_tokens_server ?? rec.output_tokens_client;
  rec.tokens_source = rec.output_tokens_server !== undefined ? 'server' : 'client';
}

function requestOnce(target: Target, ex: Exchange, rec: RequestRecord, signal: AbortSignal) {
  return target.pool.request({
    path: target.base + ex.path,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': rec.id },
    body: ex.body,
    signal,
  });
}

/**
 * A kept-alive connection the server closed without saying so (llama.cpp's server does this now and
 * then): the request fails before any response header arrives and the server never saw it. Such a
 * request is sent again once, on a fresh connection; its latency still counts from the first `sent`.
 */
function isStaleSocket(err: unknown, signal: AbortSignal): boolean {
  const code = (err as { code?: string })?.code;
  return !signal.aborted && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET');
}

export async function runExchange(
  target: Target,
  ex: Exchange,
  rec: RequestRecord,
  signal: AbortSignal,
): Promise<void> {
  rec.server = target.origin;
  const st: ParseState = { rec, inWord: false, buf: '', done: false, finished: false };
  try {
    const res = await requestOnce(target, ex, rec, signal).catch((err) => {
      if (!isStaleSocket(err, signal)) throw err;
      rec.retries = 1;
      return requestOnce(target, ex, rec, signal);
    });
    rec.http_status = res.statusCode;
    if (res.statusCode >= 400) {
      const text = await res.body.text().catch(() => '');
      rec.end = nowMs();
      rec.status = 'error';
      rec.error = `http_${res.statusCode}`;
      rec.error_detail = text.slice(0, DETAIL_MAX);
    } else {
      const dec = new TextDecoder();
      for await (const chunk of res.body) ex.feed(st, dec.decode(chunk as Uint8Array, { stream: true }));
      const tail = dec.decode();
      if (tail) ex.feed(st, tail);
      ex.finish(st);
      rec.end = nowMs();
      if (st.error) {
        rec.status = 'error';
        rec.error = st.error;
      } else rec.status = 'ok';
    }
  } catch (err) {
    rec.end = nowMs();
    const r = reasonOf(err, signal);
    rec.status = r.cancelled ? 'cancelled' : 'error';
    if (!r.cancelled) rec.error = r.reason;
    rec.error_detail = r.detail;
  }
  finalizeTokens(rec);
}
