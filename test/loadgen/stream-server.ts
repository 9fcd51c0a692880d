/** A local HTTP server (127.0.0.1, ephemeral port) that answers with scripted chunks at known delays. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Step {
  /** Delay before writing this piece, ms. */
  delay: number;
  /** Text, or raw bytes (e.g. half of a multi-byte character). */
  data: string | Buffer;
}

export interface Script {
  status?: number;
  contentType?: string;
  steps: Step[];
  /** Destroy the socket after the steps instead of ending the response. */
  abort?: boolean;
}

export interface StreamServer {
  url: string;
  /** Bodies of the requests received, parsed as JSON. */
  bodies: unknown[];
  headers: IncomingMessage['headers'][];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startStreamServer(script: (path: string) => Script): Promise<StreamServer> {
  const bodies: unknown[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const c of req) raw += c;
    bodies.push(raw ? JSON.parse(raw) : undefined);
    headers.push(req.headers);
    const s = script(req.url ?? '/');
    res.writeHead(s.status ?? 200, { 'content-type': s.contentType ?? 'text/event-stream' });
    res.flushHeaders();
    for (const step of s.steps) {
      if (step.delay > 0) await sleep(step.delay);
      res.write(step.data);
    }
    if (s.abort) res.socket?.destroy();
    else res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    headers,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export const sse = (o: unknown): string => `data: ${JSON.stringify(o)}\n\n`;
export const ndjson = (o: unknown): string => `${JSON.stringify(o)}\n`;
