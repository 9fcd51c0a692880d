/** Starts the simulated inference service on a real HTTP server (node:http, no framework in the hot path). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DummyConfig, parseDummyConfig } from './config.js';
import { Engine } from './engine.js';
import { sendJson } from './http-util.js';
import { route } from './router.js';

export interface DummyServerOptions extends Partial<DummyConfig> {
  host?: string;
  port?: number;
}

export interface DummyServer {
  url: string;
  port: number;
  /** The simulated engine (in-process ground truth: traces, stats). */
  engine: Engine;
  close(): Promise<void>;
}

const ignore = (): void => {};

/** Starts the simulator; `port` 0 (the default) picks a free port. Options are validated like a recipe's. */
export async function startDummyServer(options: DummyServerOptions = {}): Promise<DummyServer> {
  const { host = '127.0.0.1', port = 0, ...raw } = options;
  const cfg = parseDummyConfig(raw);
  const engine = new Engine(cfg);
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, noDelay: true }, (req, res) => {
    // The ground truth's arrival: the request reached the HTTP layer (head parsed), before its body is read.
    const arrivedAt = performance.now();
    res.on('error', ignore); // a client that went away is not the server's problem
    route(engine, req, res, arrivedAt).catch((err: unknown) => {
      sendJson(res, 500, { error: `simulator internal error: ${(err as Error).message}` });
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${addr.port}`,
    port: addr.port,
    engine,
    close() {
      closing ??= new Promise<void>((resolve) => {
        engine.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
