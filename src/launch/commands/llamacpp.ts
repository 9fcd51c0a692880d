/**
 * llama.cpp's OpenAI-compatible `llama-server`: -m (a GGUF file: `service_config.model_path`, else the
 * workload's model), --host, --port, -t (threads: `service_config.threads`, else the step's CPUs),
 * -ngl (`gpu_layers`, 0 on CPU), --metrics (Prometheus /metrics for the server-metrics scraper).
 */
import { type CommandBuilder, numberOr, recipeEnv, serviceConfig } from './types.js';

export const llamaCppCommand: CommandBuilder = (ctx) => {
  const cfg = serviceConfig(ctx.recipe);
  const model = String(cfg.model_path ?? ctx.recipe.workload.model ?? '');
  const threads = numberOr(cfg.threads, ctx.cpus);
  const ngl = numberOr(cfg.gpu_layers, ctx.gpus > 0 ? 999 : 0);
  const argv = [
    String(cfg.binary ?? 'llama-server'),
    '-m',
    model,
    '--host',
    ctx.host,
    '--port',
    String(ctx.port),
  ];
  argv.push('-t', String(threads), '-ngl', String(ngl));
  if (typeof cfg.ctx_size === 'number') argv.push('-c', String(cfg.ctx_size));
  if (typeof cfg.parallel === 'number') argv.push('--parallel', String(cfg.parallel));
  if (typeof cfg.alias === 'string') argv.push('--alias', cfg.alias);
  argv.push('--metrics');
  return { argv, env: recipeEnv(ctx.recipe), port: ctx.port };
};
