/**
 * `distribution_strategy: static`: which servers each executor sends to, from the recipe's
 * `orchestration.node_allocation.clients.target_mapping` (a list of `{client_group, server_endpoints}`).
 *
 * - `client_group` names executors: a node name as the run reports it (local mode `client-1`,
 *   `client-2`, ...; Slurm the hostname, e.g. `n2`; attach mode the `--client-nodes` host), a Slurm hostlist
 *   of them (`n[2-3]`, `client-1,client-2`), or an executor's `host:port` endpoint.
 * - `server_endpoints` are server base URLs (`http://host:port`) and/or server node names (local mode
 *   `server-1`, ...; Slurm hostnames; hostlists allowed), a name resolving to that server's URL.
 *
 * Every executor must be matched by exactly one group and every group must match an executor: anything
 * else is E006 before the first benchmark (a silent fallback would ignore the user's mapping, the very
 * thing `static` asks for). A URL that is not one of the run's servers is allowed (the executor sends to
 * it) with a warning outside attach mode: the run does not health-check, prepare or scrape it.
 */
import { type ConfigIssue, ConfigValidationError } from '../errors.js';
import { expandHostlist } from '../util/hostlist.js';

export interface TargetGroup {
  client_group: string;
  server_endpoints: string[];
}

export interface MappingInput {
  mapping: TargetGroup[];
  /** Executor node names, in executor order. */
  clientNodes: string[];
  /** Executor endpoints (`host:port` or URL), in executor order; optional extra names for client_group. */
  clientEndpoints?: string[];
  /** Server node names, in the order of serverUrls. */
  serverNodes: string[];
  /** The run's server base URLs. */
  serverUrls: string[];
  /** Attach mode: URLs outside the run's servers are expected, no warning. */
  attach?: boolean;
  /** Recipe file, for the error's location. */
  file?: string;
}

export interface ResolvedMapping {
  /** Per executor (same order as clientNodes): the server URLs it sends to (round-robin among them). */
  urls: string[][];
  warnings: string[];
}

const FIELD = 'orchestration.node_allocation.clients.target_mapping';

function normUrl(u: string): string | undefined {
  try {
    const url = new URL(u);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

function expand(expr: string): string[] {
  try {
    return expandHostlist(expr);
  } catch {
    return [expr];
  }
}

const list = (xs: string[]) => (xs.length ? xs.join(', ') : '(none)');

/** Resolves the mapping for the run's executors and servers; E006 (ConfigValidationError) on a mismatch. */
export function resolveTargetMapping(input: MappingInput): ResolvedMapping {
  const { mapping, clientNodes, serverNodes, serverUrls } = input;
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const issue = (path: string, message: string) =>
    issues.push({ severity: 'error', path, message, ...(input.file ? { file: input.file } : {}) });
  const endpoints = input.clientEndpoints ?? [];
  const hosts = (i: number): string[] => {
    const e = endpoints[i];
    if (!e) return [clientNodes[i]];
    const bare = e.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    return [clientNodes[i], e, bare];
  };

  if (mapping.length === 0)
    issue(FIELD, 'empty: give one {client_group, server_endpoints} per executor group');

  // client_group → executor indices
  const owner: (number | undefined)[] = clientNodes.map(() => undefined);
  for (const [g, group] of mapping.entries()) {
    const names = new Set(expand(group.client_group));
    const matched = clientNodes.flatMap((_, i) => (hosts(i).some((h) => names.has(h)) ? [i] : []));
    if (matched.length === 0) {
      issue(
        `${FIELD}[${g}].client_group`,
        `"${group.client_group}" matches none of the run's executors (${list(clientNodes)})`,
      );
      continue;
    }
    for (const i of matched) {
      const prev = owner[i];
      if (prev !== undefined)
        issue(
          `${FIELD}[${g}].client_group`,
          `executor ${clientNodes[i]} is also matched by target_mapping[${prev}] ("${mapping[prev].client_group}"): each executor belongs to one group`,
        );
      else owner[i] = g;
    }
  }
  const unmatched = clientNodes.filter((_, i) => owner[i] === undefined);
  if (unmatched.length > 0 && mapping.length > 0)
    issue(
      FIELD,
      `executor${unmatched.length > 1 ? 's' : ''} ${unmatched.join(', ')} ${unmatched.length > 1 ? 'are' : 'is'} in no client_group (groups: ${mapping.map((m) => `"${m.client_group}"`).join(', ')}); with distribution_strategy static every executor needs a group`,
    );

  // server_endpoints → URLs
  const known = new Map<string, string>();
  for (const u of serverUrls) {
    const n = normUrl(u);
    if (n) known.set(n, u);
  }
  const byOrigin = (n: string): string | undefined => {
    const origin = new URL(n).origin;
    const hits = serverUrls.filter((u) => normUrl(u) !== undefined && new URL(u).origin === origin);
    return hits.length === 1 ? hits[0] : undefined;
  };
  const groupUrls: string[][] = mapping.map((group, g) => {
    const path = `${FIELD}[${g}].server_endpoints`;
    if (group.server_endpoints.length === 0) {
      issue(path, `empty: list server URLs or server node names (${list(serverNodes)})`);
      return [];
    }
    return group.server_endpoints.flatMap((ep, k) => {
      const asUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(ep) ? normUrl(ep) : undefined;
      if (asUrl) {
        const run = known.get(asUrl) ?? byOrigin(asUrl);
        if (run) return [run];
        if (!input.attach)
          warnings.push(
            `${path}[${k}]: ${ep} is not one of the run's servers (${list(serverUrls)}): its executors send to it, but it is not health-checked, prepared or scraped for server_metrics`,
          );
        return [ep.replace(/\/+$/, '')];
      }
      const names = expand(ep);
      const out: string[] = [];
      for (const name of names) {
        const idx = serverNodes.indexOf(name);
        if (idx >= 0 && serverUrls[idx]) out.push(serverUrls[idx]);
        else {
          issue(
            `${path}[${k}]`,
            `"${name}" is neither a server node of this run (${list(serverNodes)}) nor a URL such as http://host:port`,
          );
          return [];
        }
      }
      return out;
    });
  });

  if (issues.length > 0) {
    const text = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new ConfigValidationError(`${input.file ? `${input.file}: ` : ''}${text}`, issues);
  }
  return { urls: clientNodes.map((_, i) => groupUrls[owner[i]!]), warnings };
}

/** Without a mapping (programmatic plans only: recipes require one), executor i is pinned to server i mod n. */
export function pinnedTargets(executors: number, serverUrls: string[]): string[][] {
  return Array.from({ length: executors }, (_, i) => [serverUrls[i % serverUrls.length]]);
}
