import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMonitorCsv } from '../../src/monitor/monitor-csv.js';
import { listGroups } from '../../src/monitor/pushgateway.js';
import { selfCommand } from '../../src/util/self.js';
import { runCli } from '../helpers/cli.js';
import {
  pushedMetrics,
  pushgatewayAvailable,
  type RunningPushgateway,
  startPushgateway,
} from './helpers/pushgateway.js';

const FAKE_GPU_DIR = fileURLToPath(new URL('./fixtures/fake-gpu', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('hpcbench monitor', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-mon-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects bad flags with E006 and no stack trace', async () => {
    const r = await runCli(['monitor', '--interval', 'often', '--output', join(dir, 'x.csv')]);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toMatch(/^E006: invalid --interval/);
    expect(String(r.stderr)).not.toMatch(/at .*\.ts:\d+/);
    const m = await runCli(['monitor', '--metrics', 'gpu,disk', '--output', join(dir, 'x.csv')]);
    expect(String(m.stderr)).toContain('allowed is a comma list of gpu, cpu, ram');
  });

  it('stops by itself after --duration, without nvidia-smi: CPU/RAM columns and one warning', async () => {
    const out = join(dir, 'nogpu.csv');
    const r = await runCli(['monitor', '--output', out, '--interval', '0.2', '--duration', '1'], {
      env: { PATH: '/nonexistent-bin' },
    });
    expect(r.exitCode).toBe(0);
    expect(String(r.stderr).match(/nvidia-smi not found/g)).toHaveLength(1);
    const rows = parseMonitorCsv(readFileSync(out, 'utf8'));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(rows[0]).slice(0, 3)).toEqual(['timestamp', 'cpu_percent', 'ram_used_MB']);
  });
});

describe.runIf(pushgatewayAvailable())('hpcbench monitor with a Pushgateway', () => {
  let pgw: RunningPushgateway;
  let dir: string;
  beforeAll(async () => {
    pgw = await startPushgateway();
    dir = mkdtempSync(join(tmpdir(), 'cli-mon-pgw-'));
  });
  afterAll(async () => {
    await pgw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs until SIGTERM, pushes labelled metrics, writes GPU columns, removes its group at exit', async () => {
    const out = join(dir, 'n1', 'metrics.csv');
    const { command, args } = selfCommand(
      'monitor',
      ...['--output', out, '--interval', '0.2', '--node', 'n1', '--role', 'client', '--run-id', 'cli-run'],
      ...['--pushgateway', pgw.url, '--push-interval', '0.2'],
    );
    const child = spawn(command, args, {
      env: { ...process.env, PATH: `${FAKE_GPU_DIR}${delimiter}${process.env.PATH}`, FAKE_GPU_COUNT: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 30_000;
      let seen: Awaited<ReturnType<typeof pushedMetrics>> = [];
      while (Date.now() < deadline) {
        seen = (await pushedMetrics(pgw.url)).filter((m) => m.name === 'hpcbench_gpu_utilization_percent');
        if (seen.length === 2) break;
        await sleep(200);
      }
      expect(seen.map((m) => m.labels.gpu).sort()).toEqual(['0', '1']);
      expect(seen[0].labels).toMatchObject({
        job: 'hpcbench_monitor',
        instance: 'n1',
        node: 'n1',
        role: 'client',
        run: 'cli-run',
      });
    } finally {
      process.kill(child.pid!, 'SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/monitor: \d+ samples, 2 GPUs/);
    expect(await listGroups(pgw.url)).toEqual([]);
    expect(existsSync(out)).toBe(true);
    const rows = parseMonitorCsv(readFileSync(out, 'utf8'));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows[0]).toMatchObject({ gpu1_mem_total: 81920, node: 'n1', role: 'client' });
  });
});
