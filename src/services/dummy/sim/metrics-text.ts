/** GET /metrics: Prometheus text exposition with vLLM's metric names, labelled with model_name. */
import type { Engine } from './engine.js';
import { DEFAULT_MODEL } from './models.js';
import type { BucketHistogram } from './stats.js';

function histogram(lines: string[], name: string, help: string, h: BucketHistogram, label: string): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
  for (let i = 0; i < h.bounds.length; i++)
    lines.push(`${name}_bucket{${label},le="${h.bounds[i]}"} ${h.counts[i]}`);
  lines.push(
    `${name}_bucket{${label},le="+Inf"} ${h.count}`,
    `${name}_sum{${label}} ${h.sum}`,
    `${name}_count{${label}} ${h.count}`,
  );
}

function metric(
  lines: string[],
  name: string,
  type: string,
  help: string,
  samples: [string, number][],
): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [labels, v] of samples) lines.push(`${name}{${labels}} ${v}`);
}

export function metricsText(engine: Engine): string {
  const s = engine.stats;
  const label = `model_name="${DEFAULT_MODEL}"`;
  const l: string[] = [];
  metric(l, 'vllm:num_requests_running', 'gauge', 'Number of requests in model execution batches.', [
    [label, engine.running],
  ]);
  metric(l, 'vllm:num_requests_waiting', 'gauge', 'Number of requests waiting to be processed.', [
    [label, engine.waiting],
  ]);
  metric(l, 'vllm:kv_cache_usage_perc', 'gauge', 'KV-cache usage. 1 means 100 percent usage.', [
    [label, engine.kvUsage()],
  ]);
  metric(l, 'vllm:gpu_cache_usage_perc', 'gauge', 'GPU KV-cache usage (older name).', [
    [label, engine.kvUsage()],
  ]);
  metric(l, 'vllm:prompt_tokens_total', 'counter', 'Number of prefill tokens processed.', [
    [label, s.promptTokens],
  ]);
  metric(l, 'vllm:generation_tokens_total', 'counter', 'Number of generation tokens processed.', [
    [label, s.generationTokens],
  ]);
  metric(
    l,
    'vllm:prefix_cache_queries_total',
    'counter',
    'Prefix cache queries, in terms of number of queried tokens.',
    [[label, s.prefixQueries]],
  );
  metric(
    l,
    'vllm:prefix_cache_hits_total',
    'counter',
    'Prefix cache hits, in terms of number of cached tokens.',
    [[label, s.prefixHits]],
  );
  metric(l, 'vllm:request_success_total', 'counter', 'Count of successfully processed requests.', [
    [`${label},finished_reason="stop"`, s.success.stop],
    [`${label},finished_reason="length"`, s.success.length],
    [`${label},finished_reason="abort"`, s.success.abort],
  ]);
  metric(l, 'hpcbench_sim_faults_total', 'counter', 'Faults injected by the simulator.', [
    [`${label},kind="error_500"`, s.errors500],
    [`${label},kind="rejected_503"`, s.rejected503],
    [`${label},kind="stall"`, s.stalls],
    [`${label},kind="disconnect"`, s.disconnects],
  ]);
  histogram(
    l,
    'vllm:time_to_first_token_seconds',
    'Histogram of time to first token in seconds.',
    s.ttft,
    label,
  );
  histogram(
    l,
    'vllm:e2e_request_latency_seconds',
    'Histogram of end to end request latency in seconds.',
    s.e2e,
    label,
  );
  histogram(
    l,
    'vllm:time_per_output_token_seconds',
    'Histogram of time per output token in seconds.',
    s.tpot,
    label,
  );
  return `${l.join('\n')}\n`;
}
