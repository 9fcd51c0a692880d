/**
 * Starts a real Prometheus Pushgateway (Debian's prometheus-pushgateway) on 127.0.0.1 on a free port for
 * a test, waits until it is ready and stops it by PID. Under CI=true a missing binary fails the test;
 * elsewhere the caller skips with a message.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function findPushgateway(): string | undefined {
  for (const p of ['/usr/bin/prometheus-pushgateway', '/usr/local/bin/prometheus-pushgateway']) {
    if (existsSync(p)) return p;
  }
  try {
    const listed = execFileSync('dpkg', ['-L', 'prometheus-pushgateway'], { encoding: 'utf8' });
    return listed.split('\n').find((l) => l.endsWith('/prometheus-pushgateway') && existsSync(l));
  } catch {
    return undefined;
  }
}

export const PUSHGATEWAY_MISSING =
  'prometheus-pushgateway not installed (apt-get install -y prometheus-pushgateway); skipping Pushgateway tests';

/** True when the tests should run; throws under CI=true when the binary is missing. */
export function pushgatewayAvailable(): boolean {
  if (findPushgateway()) return true;
  if (process.env.CI === 'true') throw new Error('CI=true but prometheus-pushgateway is not installed');
  console.warn(PUSHGATEWAY_MISSING);
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningPushgateway {
  url: string;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export async function startPushgateway(): Promise<RunningPushgateway> {
  const bin = findPushgateway();
  if (!bin) throw new Error(PUSHGATEWAY_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'pgw-'));
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      bin,
      [
        `--web.listen-address=127.0.0.1:${port}`,
        `--persistence.file=${join(dir, 'persist')}`,
        '--persistence.interval=1m',
      ],
      { stdio: 'ignore' },
    );
    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    };
    if (await waitReady(url, child, 15_000)) {
      return {
        url,
        stop: async () => {
          await stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stop(); // port taken in between, or slow start: try another port
  }
  throw new Error('prometheus-pushgateway did not become ready');
}

export interface PushedMetric {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Every sample on the Pushgateway (from its /api/v1/metrics), with the group's labels merged in. */
export async function pushedMetrics(url: string): Promise<PushedMetric[]> {
  const body = (await (await fetch(`${url}/api/v1/metrics`)).json()) as {
    data: Record<string, { metrics?: { labels: Record<string, string>; value?: string }[] }>[];
  };
  const out: PushedMetric[] = [];
  for (const group of body.data) {
    for (const [name, fam] of Object.entries(group)) {
      if (name === 'labels' || name === 'last_push_successful' || name === 'push_time_seconds') continue;
      if (name === 'push_failure_time_seconds') continue;
      for (const m of fam.metrics ?? []) out.push({ name, labels: m.labels, value: Number(m.value) });
    }
  }
  return out;
}
