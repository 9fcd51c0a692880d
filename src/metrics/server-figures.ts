/**
 * What servers reported about themselves in their responses, summed over the ok measured requests per
 * snapshot (`snapshot.server_reported`), so results show the server's figures beside the client's: token
 * counts from `usage` / Ollama, Ollama's nanosecond durations, and how many requests used server,
 * client-estimated or mixed token counts (`tokens_source`). Every key is defined in docs/metrics.md.
 */
import type { RequestRecord } from '../contracts/index.js';

export type ServerSums = Record<string, number>;

function add(s: ServerSums, k: string, v: number | undefined): void {
  if (v !== undefined && Number.isFinite(v)) s[k] = (s[k] ?? 0) + v;
}

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

export function addServerFigures(s: ServerSums, r: RequestRecord): void {
  // every request's sums by name: through add(), one keyed access for many keys, V8 looks each up
  // generically (megamorphic)
  const src = r.tokens_source;
  if (src === 'server') s.requests_with_server_tokens = (s.requests_with_server_tokens ?? 0) + 1;
  else if (src === 'client') s.requests_with_client_tokens = (s.requests_with_client_tokens ?? 0) + 1;
  else s.requests_with_mixed_tokens = (s.requests_with_mixed_tokens ?? 0) + 1;
  if (finite(r.prompt_tokens_server))
    s.server_prompt_tokens = (s.server_prompt_tokens ?? 0) + r.prompt_tokens_server;
  if (finite(r.output_tokens_server))
    s.server_output_tokens = (s.server_output_tokens ?? 0) + r.output_tokens_server;
  if (finite(r.prompt_tokens_client))
    s.client_prompt_tokens = (s.client_prompt_tokens ?? 0) + r.prompt_tokens_client;
  if (finite(r.output_tokens_client))
    s.client_output_tokens = (s.client_output_tokens ?? 0) + r.output_tokens_client;
  const f = r.server_figures;
  if (!f) return;
  add(s, 'ollama_requests', 1);
  add(s, 'ollama_prompt_eval_count', f.prompt_eval_count);
  add(s, 'ollama_eval_count', f.eval_count);
  add(s, 'ollama_total_duration_ns', f.total_duration_ns);
  add(s, 'ollama_load_duration_ns', f.load_duration_ns);
  add(s, 'ollama_prompt_eval_duration_ns', f.prompt_eval_duration_ns);
  add(s, 'ollama_eval_duration_ns', f.eval_duration_ns);
}

/** Sums numeric fields; other values keep the first one seen. */
export function mergeServerReported(list: (Record<string, unknown> | undefined)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of list) {
    if (!s) continue;
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === 'number') out[k] = (typeof out[k] === 'number' ? (out[k] as number) : 0) + v;
      else if (!(k in out)) out[k] = v;
    }
  }
  return out;
}

/** Rates derived from the sums (server-side decode and prefill speed as Ollama measured them). */
export function deriveServerRates(s: Record<string, unknown>): Record<string, number> {
  const n = (k: string): number => (typeof s[k] === 'number' ? (s[k] as number) : 0);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s)) if (typeof v === 'number') out[k] = v;
  if (n('ollama_eval_duration_ns') > 0)
    out.ollama_eval_tokens_per_s = n('ollama_eval_count') / (n('ollama_eval_duration_ns') / 1e9);
  if (n('ollama_prompt_eval_duration_ns') > 0)
    out.ollama_prompt_eval_tokens_per_s =
      n('ollama_prompt_eval_count') / (n('ollama_prompt_eval_duration_ns') / 1e9);
  return out;
}
