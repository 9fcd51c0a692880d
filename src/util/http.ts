/**
 * Small JSON-over-HTTP helpers for the control plane (server managers, the workload controller): one
 * request with a deadline, and a classification of what went wrong so callers can raise E007 (timeout)
 * or E008 (refused / broken connection) naming the node.
 */
import { request } from 'undici';
import { NetworkConnectionError, TimeoutExceededError } from '../errors.js';

export interface HttpResult {
  status: number;
  text: string;
}

export interface HttpOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  /** Seconds for the whole request (connect, headers and body). */
  timeout: number;
}

export type FailureKind = 'timeout' | 'network';

/** Thrown by `httpJson` for transport failures; `kind` says whether it was a timeout. */
export class TransportError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function describe(err: unknown): { kind: FailureKind; message: string } {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || TIMEOUT_CODES.has(e?.code ?? '')) {
    return { kind: 'timeout', message: 'no answer in time' };
  }
  const code = e?.code ?? e?.cause?.code;
  if (code === 'ECONNREFUSED') return { kind: 'network', message: 'connection refused' };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')
    return { kind: 'network', message: 'connection reset' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'network', message: 'host not found' };
  return { kind: 'network', message: `${code ? `${code}: ` : ''}${e?.message ?? String(err)}` };
}

/** Performs one HTTP request and reads the whole body as text. Throws `TransportError` on failure. */
export async function httpText(url: string, options: HttpOptions): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const signal = AbortSignal.timeout(Math.max(1, Math.round(options.timeout * 1000)));
  try {
    const res = await request(url, { method: options.method ?? 'GET', headers, body, signal });
    return { status: res.statusCode, text: await res.body.text() };
  } catch (err) {
    const d = describe(err);
    throw new TransportError(
      d.kind,
      d.kind === 'timeout' ? `no answer within ${Number(options.timeout.toFixed(2))}s` : d.message,
      { cause: err },
    );
  }
}

/** Parses a JSON body, or returns undefined when it is not JSON. */
export function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** The `error` field of a JSON error body, else the first 200 characters of the text. */
export function errorReason(res: HttpResult): string {
  const body = parseJson<{ error?: unknown; message?: unknown }>(res.text);
  const reason = body?.error ?? body?.message;
  if (typeof reason === 'string') return reason;
  if (reason && typeof reason === 'object' && 'message' in reason) return String(reason.message);
  return res.text.slice(0, 200) || `HTTP ${res.status}`;
}

/** Turns a transport failure into E007 / E008 naming what was contacted; other errors pass through. */
export function transportToHpcError(err: unknown, what: string): unknown {
  if (!(err instanceof TransportError)) return err;
  if (err.kind === 'timeout') return new TimeoutExceededError(`${what}: ${err.message}`, { cause: err });
  return new NetworkConnectionError(`${what}: ${err.message}`, { cause: err });
}
