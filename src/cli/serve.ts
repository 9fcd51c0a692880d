/**
 * `hpcbench serve dummy --port P [--host H] [performance flags] [--config JSON_OR_FILE] [--ready-file F]`:
 * runs the simulated inference service until SIGTERM/SIGINT. Once listening it prints
 * `hpcbench dummy listening on http://HOST:PORT` on stdout and writes {"url","port","pid"} to --ready-file.
 * Every `service_config` key has a flag (`max_num_seqs` → `--max-num-seqs`); flags win over --config.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { parse as parseYaml } from 'yaml';
import { ConfigValidationError } from '../errors.js';
import {
  DUMMY_FIELDS,
  parseDummyConfig,
  startDummyServer,
  unknownDummyConfigKeys,
} from '../services/dummy/sim/index.js';

const flagOf = (key: string): string => `--${key.replace(/_/g, '-')}`;
const camel = (key: string): string => key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

function bad(path: string, message: string): ConfigValidationError {
  return new ConfigValidationError(`invalid ${path}`, [{ severity: 'error', path, message }]);
}

function loadConfig(value: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  const text = value.trim().startsWith('{')
    ? value
    : existsSync(value)
      ? readFileSync(value, 'utf8')
      : undefined;
  if (text === undefined) throw bad('--config', `'${value}' is neither a JSON object nor an existing file`);
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw bad('--config', `not valid JSON/YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw bad('--config', 'must be a JSON/YAML mapping of service_config settings');
  }
  return parsed as Record<string, unknown>;
}

function portOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw bad('--port', `'${value}' is not a port (0-65535)`);
  return n;
}

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('run the simulated inference service (Ollama + OpenAI/vLLM APIs) until SIGTERM/SIGINT')
    .argument('<service>', 'the service to simulate: dummy')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '11500')
    .option('--config <json-or-file>', 'service_config as a JSON object or a JSON/YAML file')
    .option('--ready-file <path>', 'write {"url","port","pid"} here once listening');
  for (const f of DUMMY_FIELDS) cmd.option(`${flagOf(f.key)} <value>`, f.help);
  cmd.action(async (service, opts) => {
    if (service !== 'dummy') throw bad('service', `'${service}' cannot be served; allowed: dummy`);
    const raw = loadConfig(opts.config);
    const all = opts as Record<string, unknown>;
    for (const f of DUMMY_FIELDS) {
      const v = all[camel(f.key)];
      if (v === undefined) continue;
      try {
        parseDummyConfig({ [f.key]: v });
      } catch (err) {
        const msg = err instanceof ConfigValidationError ? err.issues[0]?.message : String(err);
        throw bad(flagOf(f.key), msg ?? 'invalid value');
      }
      raw[f.key] = v;
    }
    const cfg = parseDummyConfig(
      raw,
      opts.config && !opts.config.trim().startsWith('{') ? opts.config : undefined,
    );
    for (const k of unknownDummyConfigKeys(raw)) {
      process.stderr.write(`warning: servers.service_config.${k} is not a simulator setting; ignored\n`);
    }
    const server = await startDummyServer({ ...cfg, host: opts.host, port: portOf(opts.port) });
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    const url = `http://${host}:${server.port}`;
    if (opts.readyFile) {
      const tmp = `${opts.readyFile}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ url, port: server.port, pid: process.pid })}\n`);
      renameSync(tmp, opts.readyFile);
    }
    process.stdout.write(`hpcbench dummy listening on ${url}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await server.close();
    process.stderr.write('hpcbench dummy: stopped\n');
  });
}
