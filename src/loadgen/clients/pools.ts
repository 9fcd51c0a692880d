/**
 * One keep-alive connection pool per target origin (no per-request setup): the executor's own HTTP/1.1
 * client for `http:` (http1.ts), undici's Pool for `https:` (transport.ts); and the choice of origin per
 * request according to `distribution_strategy`.
 *
 * `static` needs nothing here: the orchestrator resolves the recipe's `target_mapping` and gives each
 * executor only its own servers as `server_urls`, which it cycles through like `round-robin`.
 */
import type { ConnectionFigures, WorkloadSpec } from '../../contracts/index.js';
import { Http1Pool } from './http1.js';
import { type Transport, UndiciTransport } from './transport.js';

/** How long an idle kept-alive connection stays open. */
const KEEP_ALIVE_MS = 60_000;

export interface Target {
  origin: string;
  /** Path prefix of the server URL (e.g. `/proxy`), without a trailing slash. */
  base: string;
  pool: Transport;
}

function parse(url: string): { origin: string; base: string } {
  const u = new URL(url);
  return { origin: u.origin, base: u.pathname.replace(/\/+$/, '') };
}

export class Targets {
  readonly list: Target[];
  private next = 0;
  private rand: number;

  constructor(spec: WorkloadSpec, connections: number | null) {
    const urls = spec.server_urls?.length ? spec.server_urls : [spec.server_url];
    const pools = new Map<string, Transport>();
    this.list = urls.map((url) => {
      const { origin, base } = parse(url);
      let pool = pools.get(origin);
      if (!pool) {
        pool = origin.startsWith('http:')
          ? new Http1Pool(origin, connections, KEEP_ALIVE_MS)
          : new UndiciTransport(origin, connections, KEEP_ALIVE_MS);
        pools.set(origin, pool);
      }
      return { origin, base, pool };
    });
    const strategy = spec.distribution_strategy ?? 'round-robin';
    this.rand = ((spec.seed ?? 0) * 2654435761 + (spec.executor_index ?? 0) * 40503 + 1) >>> 0;
    if (strategy === 'random') {
      this.pick = () => {
        this.rand = (Math.imul(this.rand, 1664525) + 1013904223) >>> 0;
        return this.list[this.rand % this.list.length];
      };
    }
  }

  /** round-robin, all-to-all and static: the executor cycles through its `server_urls`. */
  pick = (): Target => {
    const t = this.list[this.next];
    this.next = (this.next + 1) % this.list.length;
    return t;
  };

  /** This executor's connection figures over its pools (one per origin); learnt: by any of them. */
  connections(): ConnectionFigures {
    let requests = 0;
    let opened = 0;
    let resent = 0;
    let learnt = false;
    for (const p of new Set(this.list.map((t) => t.pool))) {
      requests += p.requests;
      opened += p.opened;
      resent += p.resentStale;
      learnt ||= p.closesAfterChunked;
    }
    return {
      requests,
      opened,
      resent_stale: resent,
      server_closes_after_stream: learnt,
      learnt_by: learnt ? 1 : 0,
      executors: 1,
    };
  }

  async close(): Promise<void> {
    await Promise.all([...new Set(this.list.map((t) => t.pool))].map((p) => p.close()));
  }
}
