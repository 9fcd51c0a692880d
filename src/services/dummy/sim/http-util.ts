/** Small HTTP helpers for the simulator: bounded JSON bodies, JSON replies, a cached ISO clock. */
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY = 16 * 1024 * 1024;

export type BodyResult = { ok: true; body: unknown } | { ok: false; status: 400 | 413; message: string };

/** Reads and parses a JSON request body (an empty body is `{}`). */
export function readJson(req: IncomingMessage): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY) {
    // refused before reading: the body is never buffered
    return Promise.resolve({ ok: false, status: 413, message: `request body larger than ${MAX_BODY} bytes` });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on('error', () => resolve({ ok: false, status: 400, message: 'request body could not be read' }));
    req.on('end', () => {
      if (tooBig)
        return resolve({ ok: false, status: 413, message: `request body larger than ${MAX_BODY} bytes` });
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({ ok: true, body: {} });
      try {
        resolve({ ok: true, body: JSON.parse(text) });
      } catch (err) {
        resolve({ ok: false, status: 400, message: `invalid JSON body: ${(err as Error).message}` });
      }
    });
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  type = 'text/plain; charset=utf-8',
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

let isoMs = 0;
let isoText = '';
/** `new Date().toISOString()`, recomputed at most once per millisecond. */
export function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A positive integer token limit, `undefined` when absent/null, or an error message. */
export function tokenLimit(v: unknown, name: string, allowNegative = false): number | undefined | string {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) return `${name} must be an integer`;
  if (allowNegative && v <= 0) return undefined;
  if (v < 1) return `${name} must be at least 1, got ${v}`;
  return v;
}
