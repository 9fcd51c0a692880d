/**
 * `hpcbench executor --service NAME --port P`: serve the workload executor REST API on a client node
 * until SIGTERM/SIGINT. `--port 0` picks a free port; `--ready-file` receives {url, port, pid, node} once
 * listening (the launchers' rendezvous). The bearer token comes from $HPCBENCH_TOKEN or --token-file.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Command } from '@commander-js/extra-typings';
import { TOKEN_ENV } from '../contracts/index.js';
import { ConfigValidationError } from '../errors.js';
import { startExecutorPush } from '../monitor/executor-push.js';
import { ServiceFactory } from '../services/factory.js';
import { loadPlugins } from '../services/plugins.js';
import { DURATION_HELP, parseDuration } from '../util/duration.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigValidationError('invalid --port', [
      {
        severity: 'error',
        path: '--port',
        message: `'${value}' is not a port number (0-65535; 0 picks a free port)`,
      },
    ]);
  }
  return port;
}

function pushInterval(value: string): number {
  const s = parseDuration(value);
  if (s === undefined || s <= 0) {
    throw new ConfigValidationError('invalid --push-interval', [
      { severity: 'error', path: '--push-interval', message: `'${value}' is not ${DURATION_HELP} (> 0)` },
    ]);
  }
  return s;
}

async function readToken(file: string | undefined): Promise<string | undefined> {
  if (!file) return process.env[TOKEN_ENV] || undefined;
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token) return token;
  } catch (err) {
    throw new ConfigValidationError(`--token-file ${file}: ${(err as Error).message}`, [], { cause: err });
  }
  throw new ConfigValidationError(`--token-file ${file} is empty`);
}

/** Writes JSON through a temporary file and a rename, so readers never see half a file. */
export async function writeReadyFile(file: string, content: object): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(content)}\n`);
  await rename(tmp, file);
}

export function register(program: Command): void {
  program
    .command('executor')
    .description('run a workload executor (REST API driving load against an inference server) until SIGTERM')
    .requiredOption('--service <name>', 'service: dummy, ollama, vllm, llamacpp or one a plugin registers')
    .option('--port <port>', 'port to listen on (0 picks a free port)', '5000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--token-file <file>', `file holding the bearer token (default: $${TOKEN_ENV})`)
    .option('--ready-file <file>', 'write {url, port, pid, node} as JSON here once listening')
    .option('--plugin <path>', 'load a service plugin module (repeatable)', collect, [] as string[])
    .option(
      '--node <name>',
      'node name reported in /health and metrics (default: $SLURMD_NODENAME or hostname)',
    )
    .option('--pushgateway <url>', 'push live metrics (Prometheus text) to this Pushgateway')
    .option('--push-interval <seconds>', 'seconds between pushes', '5')
    .option('--run-id <id>', 'run label in the Pushgateway grouping key')
    .action(async (opts) => {
      await loadPlugins(opts.plugin, { field: '--plugin' });
      const port = parsePort(opts.port);
      const node = opts.node ?? process.env.SLURMD_NODENAME ?? hostname();
      const token = await readToken(opts.tokenFile);
      const log = (msg: string) =>
        process.stderr.write(`${new Date().toISOString()} executor ${node}: ${msg}\n`);
      const executor = ServiceFactory.createWorkloadExecutor(opts.service, port, {
        host: opts.host,
        token,
        node,
        log,
      });
      const { url, port: actual } = await executor.listen();
      process.stdout.write(`hpcbench executor (${opts.service}) listening on ${url}\n`);
      const push = opts.pushgateway
        ? startExecutorPush({
            url: opts.pushgateway,
            labels: {
              instance: `${node}:${actual}`,
              node,
              role: 'client',
              service: opts.service,
              ...(opts.runId ? { run: opts.runId } : {}),
            },
            interval: pushInterval(opts.pushInterval),
            render: () => executor.prometheusText(),
          })
        : undefined;
      if (opts.readyFile) await writeReadyFile(opts.readyFile, { url, port: actual, pid: process.pid, node });
      const signal = await new Promise<string>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      log(`${signal}: stopping`);
      await executor.close();
      await push?.stop();
    });
}
