/** Starts the simulated inference service on a real HTTP server (node:http, no framework in the hot path). */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type DummyConfig, parseDummyConfig } from './config.js';
import { Engine } from './engine.js';
import { sendJson } from './http-util.js';
import { route } from './router.js';

/** Bounds against abusive clients (slowloris, connection floods); the defaults suit any benchmark. */
export interface HttpLimits {
  /** A request's head must arrive within this time (slowloris), ms. */
  headersTimeoutMs: number;
  /** A request's head and body must arrive within this time (the response may stream longer), ms. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time, ms. */
  keepAliveTimeoutMs: number;
  /** Open connections at most; more are closed at once (below the descriptor limit, so /health still answers). */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 8192,
});

export interface DummyServerOptions extends Partial<DummyConfig> {
  host?: string;
  port?: number;
  limits?: Partial<HttpLimits>;
}

export interface DummyServer {
  url: string;
  port: number;
  /** The simulated engine (in-process ground truth: traces, stats). */
  engine: Engine;
  /** Connections the server holds open now. */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

const ignore = (): void => {};

/** Destroys a connection whose first request head has not arrived within `ms`. */
class SlowHeadGuard {
  private readonly timers = new WeakMap<Socket, NodeJS.Timeout>();
  constructor(private readonly ms: number) {}
  add(socket: Socket): void {
    const t = setTimeout(() => socket.destroy(), this.ms);
    t.unref();
    this.timers.set(socket, t);
    socket.once('close', () => this.delete(socket));
  }
  delete(socket: Socket): void {
    const t = this.timers.get(socket);
    if (t) clearTimeout(t);
    this.timers.delete(socket);
  }
}

/** Starts the simulator; `port` 0 (the default) picks a free port. Options are validated like a recipe's. */
export async function startDummyServer(options: DummyServerOptions = {}): Promise<DummyServer> {
  const { host = '127.0.0.1', port = 0, limits: given, ...raw } = options;
  const cfg = parseDummyConfig(raw);
  const engine = new Engine(cfg);
  const limits = { ...DEFAULT_HTTP_LIMITS, ...given };
  const httpOptions = {
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    // how often expired heads/requests are looked for (Node's default, 30 s, lets slowloris pile up)
    connectionsCheckingInterval: Math.max(100, Math.min(1000, limits.headersTimeoutMs / 2)),
    noDelay: true,
  };
  const server = createServer(httpOptions, (req, res) => {
    // The ground truth's arrival: the request reached the HTTP layer (head parsed), before its body is read.
    const arrivedAt = performance.now();
    headGuard.delete(req.socket);
    res.on('error', ignore); // a client that went away is not the server's problem
    route(engine, req, res, arrivedAt).catch((err: unknown) => {
      sendJson(res, 500, { error: `simulator internal error: ${(err as Error).message}` });
    });
  });
  server.maxConnections = limits.maxConnections;
  // Node's own header timeout is checked by a sweep that can miss connections (a keep-alive connection
  // in the list stops it): each new connection also gets a timer its first request head cancels.
  const headGuard = new SlowHeadGuard(limits.headersTimeoutMs);
  server.on('connection', (socket: Socket) => headGuard.add(socket));
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
    openConnections: () =>
      new Promise<number>((resolve, reject) =>
        server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
      ),
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
