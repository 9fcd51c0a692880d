/**
 * The simulated inference service, `hpcbench serve dummy`, run with the same hpcbench that runs the job.
 * Its `service_config` keys (latency, token rate, ...) are passed through as `--config JSON`.
 */
import { type CommandBuilder, recipeEnv, serviceConfig } from './types.js';

export const dummyCommand: CommandBuilder = (ctx) => {
  const cfg = serviceConfig(ctx.recipe);
  const argv = [...ctx.self, 'serve', 'dummy', '--host', ctx.host, '--port', String(ctx.port)];
  if (Object.keys(cfg).length > 0) argv.push('--config', JSON.stringify(cfg));
  return { argv, env: recipeEnv(ctx.recipe), port: ctx.port };
};
