/**
 * Server managers for OpenAI-compatible servers (vLLM, llama.cpp, the simulated service): preparing means
 * the model is listed by `GET /v1/models`.
 */

import { joinUrl } from '../../util/endpoint.js';
import { errorReason, httpText, parseJson } from '../../util/http.js';
import { BaseServerManager, secondsLeft } from './base-server-manager.js';

/** Whether a served model id names `model` (exact, or the file name of a path such as llama.cpp's). */
export function modelMatches(id: string, model: string): boolean {
  if (id === model) return true;
  const base = id.split('/').pop() ?? id;
  return base === model || base.replace(/\.gguf$/i, '') === model;
}

export async function listOpenAiModels(baseUrl: string, timeout: number): Promise<string[]> {
  const res = await httpText(joinUrl(baseUrl, '/v1/models'), { timeout });
  if (res.status !== 200) throw new Error(`GET /v1/models answered HTTP ${res.status}: ${errorReason(res)}`);
  const body = parseJson<{ data?: { id?: unknown }[] }>(res.text);
  if (!Array.isArray(body?.data)) throw new Error('GET /v1/models did not return a model list');
  return body.data.map((m) => String(m.id));
}

export abstract class OpenAiServerManager extends BaseServerManager {
  protected async prepareOne(baseUrl: string, model: string | undefined, deadline: number): Promise<void> {
    const ids = await listOpenAiModels(baseUrl, secondsLeft(deadline));
    if (model === undefined || ids.some((id) => modelMatches(id, model))) {
      this.progress({ endpoint: baseUrl, model: model ?? ids[0] ?? '', status: 'ready' });
      return;
    }
    throw new Error(`model ${model} is not served (GET /v1/models lists: ${ids.join(', ') || 'none'})`);
  }
}
