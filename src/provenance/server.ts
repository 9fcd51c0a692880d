/**
 * The inference server's own word on what it is: vLLM `GET /version` and `/v1/models`; Ollama
 * `GET /api/version`, `POST /api/show` for the model and its digest from `/api/tags`; llama.cpp `GET /props`
 * (build, model path, context) and `/v1/models`; the simulator `GET /hpcbench/version` and `/v1/models`.
 * Whatever a server does not answer is left out (with a note); nothing here fails the run.
 */

export interface ServerInfo {
  url: string;
  service: string;
  version?: string;
  /** Model ids the server lists. */
  models?: string[];
  /** The benchmarked model as the server describes it (selected fields). */
  model?: Record<string, unknown>;
  /** Other identity fields (llama.cpp build, simulator's emulated API versions). */
  details?: Record<string, unknown>;
  notes?: string[];
}

type Json = Record<string, unknown>;

async function call(url: string, init?: { method: 'POST'; body: unknown }): Promise<Json> {
  const res = await fetch(url, {
    method: init?.method ?? 'GET',
    headers: init ? { 'content-type': 'application/json' } : undefined,
    body: init ? JSON.stringify(init.body) : undefined,
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as Json;
}

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
function pick(obj: unknown, keys: string[]): Json {
  const o = (obj ?? {}) as Json;
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

async function openAiModels(base: string, info: ServerInfo, model?: string): Promise<void> {
  const list = await call(`${base}/v1/models`);
  const data = Array.isArray(list.data) ? (list.data as Json[]) : [];
  info.models = data.map((m) => String(m.id));
  const m = data.find((d) => d.id === model) ?? data[0];
  if (m) info.model = pick(m, ['id', 'root', 'max_model_len', 'owned_by', 'created']);
}

const PROBES: Record<string, (base: string, info: ServerInfo, model?: string) => Promise<void>[]> = {
  vllm: (base, info, model) => [
    call(`${base}/version`).then((v) => {
      info.version = str(v.version);
    }),
    openAiModels(base, info, model),
  ],
  ollama: (base, info, model) => [
    call(`${base}/api/version`).then((v) => {
      info.version = str(v.version);
    }),
    call(`${base}/api/tags`).then((t) => {
      const list = Array.isArray(t.models) ? (t.models as Json[]) : [];
      info.models = list.map((m) => String(m.name));
      const entry = list.find((m) => m.name === model || m.model === model);
      if (entry) info.model = { ...info.model, ...pick(entry, ['name', 'digest', 'size', 'modified_at']) };
    }),
    ...(model
      ? [
          call(`${base}/api/show`, { method: 'POST', body: { model } }).then((s) => {
            info.model = { ...info.model, ...pick(s, ['modified_at']), details: s.details };
          }),
        ]
      : []),
  ],
  llamacpp: (base, info, model) => [
    call(`${base}/props`).then((p) => {
      info.version = str(p.build_info);
      const gen = (p.default_generation_settings ?? {}) as Json;
      info.details = { ...pick(p, ['model_path', 'total_slots', 'chat_template']), n_ctx: gen.n_ctx };
      if (typeof info.details.chat_template === 'string') delete info.details.chat_template;
    }),
    openAiModels(base, info, model),
  ],
  dummy: (base, info, model) => [
    call(`${base}/hpcbench/version`).then((v) => {
      info.version = str(v.version);
      info.details = pick(v, ['server', 'emulates']);
    }),
    openAiModels(base, info, model),
  ],
};

/** What each server reports about itself; `service` picks the endpoints (unknown services: none). */
export async function serverInfo(url: string, service: string, model?: string): Promise<ServerInfo> {
  const base = url.replace(/\/+$/, '');
  const info: ServerInfo = { url: base, service };
  const probes = PROBES[service];
  if (!probes) return { ...info, notes: [`no identity endpoints known for service '${service}'`] };
  const results = await Promise.allSettled(probes(base, info, model));
  const notes = results.flatMap((r) =>
    r.status === 'rejected' ? [String((r.reason as Error).message)] : [],
  );
  return notes.length ? { ...info, notes } : info;
}
