/**
 * The ground-truth extension: GET /hpcbench/requests returns the simulator's own record of finished
 * requests (arrival, admission, load, prefill, every chunk's modelled and written time, in Unix epoch ms);
 * `?since=ID` keeps ids above ID, `?client_request_id=X` matches the request's `x-request-id` header.
 * DELETE /hpcbench/requests forgets them. GET /hpcbench/config shows the effective configuration.
 */
import type { ServerResponse } from 'node:http';
import type { Engine } from './engine.js';
import { sendJson } from './http-util.js';
import { traceJson } from './sequence.js';

export function traceRoutes(engine: Engine, method: string, url: URL, res: ServerResponse): boolean {
  if (url.pathname === '/hpcbench/config' && method === 'GET') {
    sendJson(res, 200, engine.cfg);
    return true;
  }
  if (url.pathname !== '/hpcbench/requests') return false;
  if (method === 'DELETE') {
    engine.clearTraces();
    res.writeHead(204).end();
    return true;
  }
  if (method !== 'GET') return false;
  const since = Number(url.searchParams.get('since') ?? -1);
  const clientId = url.searchParams.get('client_request_id');
  const list = engine
    .recentTraces()
    .filter((s) => s.id > since && (clientId === null || s.clientId === clientId))
    .map(traceJson);
  sendJson(res, 200, { time_origin_ms: performance.timeOrigin, requests: list });
  return true;
}
