/**
 * The ground-truth extension: GET /hpcbench/requests returns the simulator's own record of finished
 * requests (arrival, admission, load, prefill, every chunk's modelled and written time, in Unix epoch ms);
 * `?since=ID` keeps ids above ID, `?client_request_id=X` matches the request's `x-request-id` header.
 * DELETE /hpcbench/requests forgets them. GET /hpcbench/config shows the effective configuration.
 * GET /hpcbench/version says what this server is (the simulator, hpcbench's version, the API versions
 * it answers with), for run provenance.
 */
import type { ServerResponse } from 'node:http';
import { VERSION } from '../../../version.js';
import type { Engine } from './engine.js';
import { sendJson } from './http-util.js';
import { OLLAMA_VERSION } from './ollama-api.js';
import { traceJson } from './sequence.js';

/** The simulator's vLLM-compatible `/version`. */
export const VLLM_VERSION = '0.8.5';

export function traceRoutes(engine: Engine, method: string, url: URL, res: ServerResponse): boolean {
  if (url.pathname === '/hpcbench/version' && method === 'GET') {
    sendJson(res, 200, {
      server: 'hpcbench-simulator',
      version: VERSION,
      emulates: { vllm: VLLM_VERSION, ollama: OLLAMA_VERSION },
    });
    return true;
  }
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
