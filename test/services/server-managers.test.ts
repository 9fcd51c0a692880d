/** Server managers against real sockets: servers down, never answering, loading (503), pulling models. */
import { afterEach, describe, expect, it } from 'vitest';
import { ServerHealthError, ServicePreparationError } from '../../src/errors.js';
import type { PrepareProgress } from '../../src/services/base/types.js';
import { LlamacppServerManager } from '../../src/services/llamacpp/llamacpp-server-manager.js';
import { OllamaServerManager } from '../../src/services/ollama/ollama-server-manager.js';
import { VllmServerManager } from '../../src/services/vllm/vllm-server-manager.js';
import {
  type Closable,
  json,
  refusedPort,
  scriptedServer,
  silentServer,
} from '../fixtures/net-conditions.js';

const open: Closable[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
async function track<T extends Closable>(p: Promise<T>): Promise<T> {
  const s = await p;
  open.push(s);
  return s;
}

describe('verifyHealth', () => {
  it('is false with E001 naming each failing endpoint and its last error (refused, never answering)', async () => {
    // the silent server first: a port freed by refusedPort() could be handed to it (one CI run did)
    const silent = await track(silentServer());
    const down = await refusedPort();
    const m = new VllmServerManager({ health_check: { interval: 0.2 } }, { probeTimeout: 0.3 });
    expect(await m.verifyHealth([`127.0.0.1:${down}`, silent.url], 1)).toBe(false);
    const err = m.lastFailure as ServerHealthError;
    expect(err).toBeInstanceOf(ServerHealthError);
    expect(err.code).toBe('E001');
    expect(err.message).toContain(`127.0.0.1:${down} (/health: connection refused)`);
    expect(err.message).toMatch(new RegExp(`${silent.url} \\(/health: no answer within [\\d.]+s\\)`));
  });

  it('keeps polling through 503 while llama.cpp loads, until it answers 200', async () => {
    let calls = 0;
    const srv = await track(
      scriptedServer((req, res) => {
        calls++;
        if (req.url !== '/health') return json(res, 404, { error: 'not found' });
        if (calls < 3) return json(res, 503, { error: { code: 503, message: 'Loading model' } });
        json(res, 200, { status: 'ok' });
      }),
    );
    const m = new LlamacppServerManager({ health_check: { interval: 0.05 } });
    await expect(m.verifyHealth([`127.0.0.1:${srv.port}`], 10)).resolves.toBe(true);
    expect(m.lastFailure).toBeUndefined();
    expect(calls).toBe(3);
  });

  it('reports the last HTTP status of an endpoint that stays unhealthy', async () => {
    const srv = await track(scriptedServer((_q, res) => json(res, 503, { error: 'Loading model' })));
    const m = new LlamacppServerManager({ health_check: { interval: 0.1 } });
    const failure = await m.healthFailure([srv.url], 0.5);
    expect(failure).toBeInstanceOf(ServerHealthError);
    expect(failure?.message).toMatch(/not healthy after 0.5s: .*HTTP 503/);
  });

  it('uses the recipe health_check.endpoint when given, and skips checks when disabled', async () => {
    const paths: string[] = [];
    const srv = await track(
      scriptedServer((req, res) => {
        paths.push(req.url ?? '');
        json(res, 200, { models: [] });
      }),
    );
    const m = new OllamaServerManager({ health_check: { endpoint: '/api/version', interval: 1 } });
    await m.verifyHealth([srv.url], 5);
    expect(paths).toEqual(['/api/version']);
    const off = new OllamaServerManager({ health_check: { enabled: false } });
    await expect(off.verifyHealth([`127.0.0.1:${await refusedPort()}`], 5)).resolves.toBe(true);
  });
});

/** An Ollama-like server: /api/tags lists `models`; /api/pull streams NDJSON progress or an error. */
function ollamaLike(models: string[], pullable: Set<string>) {
  return scriptedServer((req, res, body) => {
    if (req.url === '/api/tags')
      return json(res, 200, { models: models.map((name) => ({ name, model: name })) });
    if (req.url === '/api/pull') {
      const name = JSON.parse(body).model as string;
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(`${JSON.stringify({ status: 'pulling manifest' })}\n`);
      if (!pullable.has(name))
        return res.end(`${JSON.stringify({ error: 'pull model manifest: file does not exist' })}\n`);
      res.write(`${JSON.stringify({ status: 'downloading', total: 100, completed: 50 })}\n`);
      res.write(`${JSON.stringify({ status: 'downloading', total: 100, completed: 100 })}\n`);
      models.push(`${name}:latest`);
      return res.end(`${JSON.stringify({ status: 'success' })}\n`);
    }
    json(res, 404, { error: 'not found' });
  });
}

describe('prepareService', () => {
  it('Ollama: a present model is ready; a missing one is pulled with progress reported', async () => {
    const srv = await track(ollamaLike(['llama2:latest'], new Set(['tinyllama'])));
    const seen: PrepareProgress[] = [];
    const present = new OllamaServerManager(
      { service_config: { model: 'llama2' } },
      { onProgress: (p) => seen.push(p) },
    );
    await expect(present.prepareService([srv.url])).resolves.toBe(true);
    expect(seen.map((p) => p.status)).toEqual(['present']);

    seen.length = 0;
    const pull = new OllamaServerManager({ model: 'tinyllama' }, { onProgress: (p) => seen.push(p) });
    await expect(pull.prepareService([srv.url])).resolves.toBe(true);
    expect(seen.map((p) => p.status)).toEqual(['pulling manifest', 'downloading', 'downloading', 'success']);
    expect(seen[2]).toMatchObject({ total: 100, completed: 100, model: 'tinyllama' });
  });

  it('Ollama: a model that cannot be pulled is false, E003 naming the endpoint and the reason', async () => {
    const srv = await track(ollamaLike([], new Set()));
    const m = new OllamaServerManager({ model: 'no-such-model' });
    expect(await m.prepareService([srv.url])).toBe(false);
    const err = m.lastFailure as ServicePreparationError;
    expect(err).toBeInstanceOf(ServicePreparationError);
    expect(err.code).toBe('E003');
    expect(err.message).toContain(
      `${srv.url}: pull of no-such-model failed: pull model manifest: file does not exist`,
    );
  });

  it('OpenAI-style: the model must be listed by /v1/models (E003 lists what is served)', async () => {
    const srv = await track(
      scriptedServer((_q, res) => json(res, 200, { object: 'list', data: [{ id: '/models/tiny.gguf' }] })),
    );
    await expect(new LlamacppServerManager({ model: 'tiny' }).prepareService([srv.url])).resolves.toBe(true);
    const failure = await new VllmServerManager({ model: 'meta-llama/Llama-2-7b' }).preparationFailure([
      srv.url,
    ]);
    expect(failure?.message).toMatch(
      /model meta-llama\/Llama-2-7b is not served \(GET \/v1\/models lists: \/models\/tiny.gguf\)/,
    );
  });

  it('E003 when the server is down during preparation', async () => {
    const port = await refusedPort();
    await expect(
      new VllmServerManager({ model: 'm' }).preparationFailure([`127.0.0.1:${port}`], 2),
    ).resolves.toMatchObject({
      code: 'E003',
      message: expect.stringContaining('connection refused'),
    });
  });
});
