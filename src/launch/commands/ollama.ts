/**
 * `ollama serve`. Ollama takes its settings from the environment: OLLAMA_HOST (bind address),
 * OLLAMA_NUM_PARALLEL and OLLAMA_MAX_QUEUE (from the recipe's `environment`, passed through with every
 * other variable there). `gpu_layers` is not a server setting in Ollama: it is the per-request option
 * `num_gpu`, which the Ollama request client sends; here it only decides whether the server sees GPUs
 * (`gpu_layers: 0` hides them, so the model runs on CPU even on a GPU node).
 */
import { type CommandBuilder, numberOr, recipeEnv, serviceConfig } from './types.js';

export const ollamaCommand: CommandBuilder = (ctx) => {
  const cfg = serviceConfig(ctx.recipe);
  const env: Record<string, string> = { ...recipeEnv(ctx.recipe), OLLAMA_HOST: `${ctx.host}:${ctx.port}` };
  const layers = numberOr(cfg.gpu_layers, -1);
  if (layers === 0 && ctx.gpus > 0) env.CUDA_VISIBLE_DEVICES = '';
  return { argv: [String(cfg.binary ?? 'ollama'), 'serve'], env, port: ctx.port };
};
