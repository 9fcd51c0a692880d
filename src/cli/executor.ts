/**
 * `hpcbench executor --service NAME --port P`: serve the workload executor REST API on a client node
 * until SIGTERM/SIGINT. `--port 0` picks a free port; `--ready-file` receives {url, port, pid, node} once
 * listening (the launchers' rendezvous). The bearer token comes from $HPCBENCH_TOKEN or --token-file.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Command } from '@commander-js/extra-typings';
import { DEFAULT_CAPS, type ExecutorCaps } from '../contracts/caps.js';
import { TOKEN_ENV } from '../contracts/index.js';
import { ConfigValidationError } from '../errors.js';
import { prestartWaker } from '../loadgen/index.js';
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

const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];

function positiveCount(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new ConfigValidationError(`invalid ${flag}`, [
      { severity: 'error', path: flag, message: `'${value}' is not a number > 0` },
    ]);
  return n;
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
    .option(
      '--insecure',
      'run without a token (loopback only; warns on start and on every /start): anyone on this machine can start load',
    )
    .option(
      '--records-dir <dir>',
      'folder records_path must lie in (repeatable; default: the current folder)',
      collect,
      [] as string[],
    )
    .option(
      '--dataset-dir <dir>',
      'folder datasets must lie in (repeatable; default: the current folder)',
      collect,
      [] as string[],
    )
    .option('--max-users <n>', 'cap: clients_per_node of one workload', String(DEFAULT_CAPS.maxUsers))
    .option('--max-rps <n>', "cap: this executor's share of target_rps", String(DEFAULT_CAPS.maxRps))
    .option(
      '--max-concurrency <n>',
      'cap: max_concurrency of one workload',
      String(DEFAULT_CAPS.maxConcurrency),
    )
    .option('--max-dataset-bytes <n>', 'cap: bytes of one dataset file', String(DEFAULT_CAPS.maxDatasetBytes))
    .action(async (opts) => {
      await loadPlugins(opts.plugin, { field: '--plugin' });
      const port = parsePort(opts.port);
      const node = opts.node ?? process.env.SLURMD_NODENAME ?? hostname();
      const token = await readToken(opts.tokenFile);
      const log = (msg: string) =>
        process.stderr.write(`${new Date().toISOString()} executor ${node}: ${msg}\n`);
      const caps: ExecutorCaps = {
        maxUsers: positiveCount('--max-users', opts.maxUsers),
        maxRps: positiveCount('--max-rps', opts.maxRps),
        maxConcurrency: positiveCount('--max-concurrency', opts.maxConcurrency),
        maxDatasetBytes: positiveCount('--max-dataset-bytes', opts.maxDatasetBytes),
      };
      const cwd = process.cwd();
      const confine = {
        recordsDirs: opts.recordsDir.length ? opts.recordsDir : [cwd],
        datasetDirs: opts.datasetDir.length ? opts.datasetDir : [cwd],
        maxDatasetBytes: caps.maxDatasetBytes,
      };
      const executor = ServiceFactory.createWorkloadExecutor(opts.service, port, {
        host: opts.host,
        token,
        node,
        log,
        caps,
        confine,
        insecure: !token,
      });
      if (!token && !opts.insecure)
        throw new ConfigValidationError(
          `the executor needs a bearer token: set $${TOKEN_ENV} or give --token-file (or --insecure: loopback only, anyone on this machine can start load)`,
          [{ severity: 'error', path: '--token-file', message: 'no token given' }],
        );
      if (!token && !LOOPBACK_HOSTS.includes(opts.host))
        throw new ConfigValidationError(
          `--insecure listens on loopback only (127.0.0.1, ::1), not ${opts.host}`,
          [{ severity: 'error', path: '--host', message: 'a loopback address with --insecure' }],
        );
      if (!token)
        log('warning: --insecure: no token; anyone who can reach this port on this machine can start load');
      const { url, port: actual } = await executor.listen();
      // the open loop's waker thread takes 20-30 ms to start: started now, not at the first run's clock
      prestartWaker();
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
