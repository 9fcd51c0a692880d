/**
 * Routes one HTTP request to the Ollama or the OpenAI/vLLM side. Errors take the shape of the protocol
 * of the path: `/v1/*`, `/health`, `/metrics`, `/version` speak OpenAI/vLLM, everything else Ollama.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from './engine.js';
import { readJson, sendJson, sendText } from './http-util.js';
import { metricsText } from './metrics-text.js';
import { OLLAMA_VERSION, ollamaDelete, ollamaPs, ollamaPull, ollamaShow, ollamaTags } from './ollama-api.js';
import { ollamaGenerate } from './ollama-generate.js';
import { openaiError } from './openai-errors.js';
import { openaiGenerate } from './openai-generate.js';
import { traceRoutes, VLLM_VERSION } from './trace-routes.js';

const OPENAI_GET = new Set(['/health', '/v1/models', '/metrics', '/version']);
const OPENAI_POST = new Set(['/v1/completions', '/v1/chat/completions']);
const OLLAMA_GET = new Set(['/', '/api/version', '/api/tags', '/api/ps']);
const OLLAMA_POST = new Set(['/api/generate', '/api/chat', '/api/show', '/api/pull', '/api/delete']);

function isOpenAiPath(p: string): boolean {
  return p.startsWith('/v1/') || p === '/v1' || OPENAI_GET.has(p);
}

function models(engine: Engine, res: ServerResponse): void {
  const created = Math.floor(Date.now() / 1000);
  const data = engine.models.list().map((m) => ({
    id: m.name,
    object: 'model',
    created,
    owned_by: 'vllm',
    root: m.name,
    parent: null,
    max_model_len: engine.cfg.max_model_len,
  }));
  sendJson(res, 200, { object: 'list', data });
}

async function post(
  engine: Engine,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  arrivedAt: number,
): Promise<void> {
  const openai = OPENAI_POST.has(path);
  const r = await readJson(req);
  if (!r.ok) {
    if (openai)
      return openaiError(
        res,
        r.status,
        r.message,
        r.status === 413 ? 'RequestEntityTooLarge' : 'BadRequestError',
      );
    return sendJson(res, r.status, { error: r.message });
  }
  switch (path) {
    case '/v1/completions':
      return openaiGenerate(engine, req, res, r.body, false, arrivedAt);
    case '/v1/chat/completions':
      return openaiGenerate(engine, req, res, r.body, true, arrivedAt);
    case '/api/generate':
      return ollamaGenerate(engine, req, res, r.body, false, arrivedAt);
    case '/api/chat':
      return ollamaGenerate(engine, req, res, r.body, true, arrivedAt);
    case '/api/show':
      return ollamaShow(engine, res, r.body);
    case '/api/pull':
      return ollamaPull(engine, res, r.body);
  }
}

function get(engine: Engine, path: string, res: ServerResponse) {
  switch (path) {
    case '/':
      return sendText(res, 200, 'Ollama is running');
    case '/api/version':
      return sendJson(res, 200, { version: OLLAMA_VERSION });
    case '/api/tags':
      return ollamaTags(engine, res);
    case '/api/ps':
      return ollamaPs(engine, res);
    case '/health':
      res.writeHead(200, { 'content-length': 0 }).end();
      return;
    case '/version':
      return sendJson(res, 200, { version: VLLM_VERSION });
    case '/v1/models':
      return models(engine, res);
    case '/metrics':
      return sendText(res, 200, metricsText(engine), 'text/plain; version=0.0.4; charset=utf-8');
  }
}

/** `arrivedAt` (performance.now()): when the request reached the HTTP layer, the ground truth's arrival. */
export async function route(
  engine: Engine,
  req: IncomingMessage,
  res: ServerResponse,
  arrivedAt = performance.now(),
): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://sim');
  const path = url.pathname;
  if (traceRoutes(engine, method, url, res)) return;
  const isGet = method === 'GET' || method === 'HEAD';
  if (isGet && (OPENAI_GET.has(path) || OLLAMA_GET.has(path))) return get(engine, path, res);
  if (method === 'POST' && (OPENAI_POST.has(path) || OLLAMA_POST.has(path)))
    return post(engine, path, req, res, arrivedAt);
  if (method === 'DELETE' && path === '/api/delete') {
    const r = await readJson(req);
    return r.ok ? ollamaDelete(engine, res, r.body) : sendJson(res, r.status, { error: r.message });
  }
  req.resume();
  const known =
    OPENAI_GET.has(path) || OPENAI_POST.has(path) || OLLAMA_GET.has(path) || OLLAMA_POST.has(path);
  const status = known ? 405 : 404;
  const text = known ? `method ${method} not allowed for ${path}` : `${path} not found`;
  if (isOpenAiPath(path))
    return openaiError(res, status, text, known ? 'MethodNotAllowedError' : 'NotFoundError');
  sendJson(res, status, { error: text });
}
