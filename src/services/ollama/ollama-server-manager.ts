/**
 * Ollama: healthy when `GET /api/tags` answers; preparing means the model is in `/api/tags`, else it is
 * pulled through `POST /api/pull`, whose NDJSON progress lines are reported through `onProgress`.
 */
import { request } from 'undici';
import { joinUrl } from '../../util/endpoint.js';
import { errorReason, httpText, parseJson } from '../../util/http.js';
import { BaseServerManager, requestSignal, secondsLeft } from '../base/base-server-manager.js';
import type { ServerManagerConfig } from '../base/types.js';
import { OLLAMA_CAPABILITIES } from './capabilities.js';

interface PullLine {
  status?: string;
  error?: string;
  total?: number;
  completed?: number;
}

/** Whether an Ollama tag names `model` (`llama2` matches `llama2:latest`). */
export function ollamaModelMatches(tag: string, model: string): boolean {
  return tag === model || tag === `${model}:latest` || `${tag}:latest` === model;
}

export class OllamaServerManager extends BaseServerManager {
  static readonly capabilities = OLLAMA_CAPABILITIES;
  getServiceName(): string {
    return 'ollama';
  }
  parseServiceConfig(config: ServerManagerConfig): Record<string, unknown> {
    return { gpu_layers: 0, ...config.service_config };
  }

  async listModels(baseUrl: string, timeout: number): Promise<string[]> {
    const res = await httpText(joinUrl(baseUrl, '/api/tags'), { timeout });
    if (res.status !== 200) throw new Error(`GET /api/tags answered HTTP ${res.status}: ${errorReason(res)}`);
    const body = parseJson<{ models?: { name?: string; model?: string }[] }>(res.text);
    if (!Array.isArray(body?.models)) throw new Error('GET /api/tags did not return a model list');
    return body.models.map((m) => String(m.name ?? m.model));
  }

  protected async prepareOne(baseUrl: string, model: string | undefined, deadline: number): Promise<void> {
    if (model === undefined)
      throw new Error('no model given (workload.model or servers.service_config.model)');
    const tags = await this.listModels(baseUrl, secondsLeft(deadline));
    if (tags.some((t) => ollamaModelMatches(t, model))) {
      this.progress({ endpoint: baseUrl, model, status: 'present' });
      return;
    }
    await this.pull(baseUrl, model, deadline);
    const after = await this.listModels(baseUrl, secondsLeft(deadline));
    if (!after.some((t) => ollamaModelMatches(t, model))) {
      throw new Error(`pull of ${model} finished but /api/tags does not list it`);
    }
  }

  /** `POST /api/pull` with streamed progress; throws on an error line or a non-2xx answer. */
  async pull(baseUrl: string, model: string, deadline: number): Promise<void> {
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(joinUrl(baseUrl, '/api/pull'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, name: model, stream: true }),
        signal: requestSignal(deadline, this.signal),
      });
    } catch (err) {
      throw new Error(`POST /api/pull failed: ${(err as Error).message}`, { cause: err });
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = await res.body.text();
      throw new Error(
        `POST /api/pull answered HTTP ${res.statusCode}: ${errorReason({ status: res.statusCode, text })}`,
      );
    }
    let buffer = '';
    let success = false;
    const handle = (line: string) => {
      if (!line.trim()) return;
      const msg = parseJson<PullLine>(line);
      if (!msg) throw new Error(`POST /api/pull sent a line that is not JSON: ${line.slice(0, 80)}`);
      if (msg.error) throw new Error(`pull of ${model} failed: ${msg.error}`);
      if (msg.status === 'success') success = true;
      this.progress({
        endpoint: baseUrl,
        model,
        status: msg.status ?? '',
        total: msg.total,
        completed: msg.completed,
      });
    };
    try {
      for await (const chunk of res.body) {
        buffer += chunk.toString();
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          handle(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          nl = buffer.indexOf('\n');
        }
      }
      handle(buffer);
    } catch (err) {
      res.body.destroy();
      if ((err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError') {
        throw new Error(`pull of ${model} did not finish in time`, { cause: err });
      }
      throw err;
    }
    if (!success) throw new Error(`pull of ${model} ended without a success status`);
  }
}
