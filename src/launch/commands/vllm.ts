/**
 * `vllm serve MODEL` with the seed's VllmServerManager settings (defaults from the seed: max_model_len
 * 2048, gpu_memory_utilization 0.9). When `distributed.enabled`, tensor x pipeline parallelism spans the
 * server nodes through Ray (`--distributed-executor-backend ray`); the command then runs on the Ray head.
 */
import type { DistributedConfig } from '../../services/base/types.js';
import { type CommandBuilder, numberOr, recipeEnv, serviceConfig } from './types.js';

export function vllmDistributed(cfg: Record<string, unknown>): DistributedConfig | undefined {
  const d = cfg.distributed as DistributedConfig | undefined;
  return d?.enabled ? d : undefined;
}

export const vllmCommand: CommandBuilder = (ctx) => {
  const cfg = serviceConfig(ctx.recipe);
  const model = String(cfg.model ?? ctx.recipe.workload.model ?? '');
  const dist = vllmDistributed(cfg);
  // Parallel sizes apply on one node too (tensor parallel over its GPUs); Ray only when distributed.
  const sizes = cfg.distributed as DistributedConfig | undefined;
  const argv = [String(cfg.binary ?? 'vllm'), 'serve', model, '--host', ctx.host, '--port', String(ctx.port)];
  argv.push('--max-model-len', String(numberOr(cfg.max_model_len, 2048)));
  argv.push('--gpu-memory-utilization', String(numberOr(cfg.gpu_memory_utilization, 0.9)));
  if (cfg.enforce_eager === true) argv.push('--enforce-eager');
  if (cfg.trust_remote_code === true) argv.push('--trust-remote-code');
  const tp = numberOr(sizes?.tensor_parallel_size ?? cfg.tensor_parallel_size, 1);
  const pp = numberOr(sizes?.pipeline_parallel_size ?? cfg.pipeline_parallel_size, 1);
  argv.push('--tensor-parallel-size', String(tp), '--pipeline-parallel-size', String(pp));
  if (dist) argv.push('--distributed-executor-backend', dist.backend ?? 'ray');
  if (typeof cfg.served_model_name === 'string') argv.push('--served-model-name', cfg.served_model_name);
  return { argv, env: recipeEnv(ctx.recipe), port: ctx.port };
};
