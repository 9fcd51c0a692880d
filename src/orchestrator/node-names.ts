/**
 * Executor and server identity from `--client-nodes` / `--server-nodes` (or the programmatic options):
 * each entry is `host`, `host:port` or a URL. A node is named by its host, or by `host:port` whenever its
 * host is not unique (two executors on one host get two names, two records files, two per_client rows).
 * Anything else is E006 at once.
 */
import { ConfigValidationError } from '../errors.js';

export interface NamedNodes {
  names: string[];
  endpoints: string[];
}

export function namedNodes(nodes: string[], port: number, field: string): NamedNodes {
  const parsed = nodes.map((n) => {
    const url = /^https?:\/\/([^/:\s]+)(?::(\d+))?\/?$/i.exec(n);
    const hp = /^([^:/\s]+)(?::(\d+))?$/.exec(n);
    const m = url ?? hp;
    const p = m?.[2] === undefined ? port : Number(m[2]);
    if (!m || !Number.isInteger(p) || p < 1 || p > 65535)
      throw new ConfigValidationError(`${field}: "${n}" is not a host, host:port or http(s)://host:port`, [
        { severity: 'error', path: field, message: 'expected host, host:port (port 1-65535) or a URL' },
      ]);
    return { host: m[1], port: p, endpoint: url ? n : `${m[1]}:${p}` };
  });
  const count = new Map<string, number>();
  for (const p of parsed) count.set(p.host, (count.get(p.host) ?? 0) + 1);
  return {
    names: parsed.map((p) => ((count.get(p.host) ?? 0) > 1 ? `${p.host}:${p.port}` : p.host)),
    endpoints: parsed.map((p) => p.endpoint),
  };
}
