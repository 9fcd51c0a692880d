import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScrapeSource, scrapeSource } from '../../src/contracts/index.js';
import { startExecutorPush } from '../../src/monitor/executor-push.js';
import { parseMonitorCsv } from '../../src/monitor/monitor-csv.js';
import { listGroups } from '../../src/monitor/pushgateway.js';
import { monitorCsvPath, serverMetricsPath, startRunMonitoring } from '../../src/monitor/run-monitoring.js';
import { DUMMY_CAPABILITIES } from '../../src/services/dummy/capabilities.js';
import {
  pushedMetrics,
  pushgatewayAvailable,
  type RunningPushgateway,
  startPushgateway,
} from './helpers/pushgateway.js';

/** What the scraper reads of the simulator (Prometheus /metrics), as they declare it. */
const PROM = scrapeSource(DUMMY_CAPABILITIES) as ScrapeSource;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(pushgatewayAvailable())('startRunMonitoring', () => {
  let pgw: RunningPushgateway;
  let server: Server;
  let serverUrl: string;
  let dir: string;
  beforeAll(async () => {
    pgw = await startPushgateway();
    dir = mkdtempSync(join(tmpdir(), 'runmon-'));
    server = createServer((_req, res) => res.end('vllm:num_requests_waiting{model_name="m"} 4\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server?.close();
    await pgw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes one CSV per node/role and a server series, and removes the run's groups at the end", async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent-bin'; // no GPUs on this machine
    const warnings: string[] = [];
    const mon = await startRunMonitoring({
      resultsDir: dir,
      runId: 'run-abc',
      nodes: [
        { node: 'localhost', role: 'server' },
        { node: 'localhost', role: 'client' },
      ],
      interval: 0.2,
      pushgatewayUrl: pgw.url,
      pushInterval: 0.2,
      serverTargets: [{ url: serverUrl, service: 'dummy', source: PROM }],
      onWarning: (w) => warnings.push(w),
    });
    process.env.PATH = savedPath;
    const exec = startExecutorPush({
      url: pgw.url,
      labels: { instance: 'exec-0', run: 'run-abc' },
      interval: 0.2,
      keep: true, // crashed executor: left behind, removed by the run
      render: () => 'hpcbench_requests_total 1\n',
    });
    await sleep(1200);
    const roles = new Set(
      (await pushedMetrics(pgw.url))
        .filter((m) => m.name === 'hpcbench_node_cpu_percent')
        .map((m) => m.labels.role),
    );
    expect(roles).toEqual(new Set(['server', 'client']));
    await exec.stop();
    expect((await listGroups(pgw.url)).length).toBe(3);
    const summary = await mon.stop();
    expect(await listGroups(pgw.url)).toEqual([]);
    expect(summary.deletedGroups).toBe(1); // the monitors had removed their own groups already
    expect(warnings.filter((w) => /nvidia-smi/.test(w))).toHaveLength(1); // one shared reader, one warning

    for (const role of ['server', 'client']) {
      const file = monitorCsvPath(dir, 'localhost', role);
      expect(mon.files).toContain(file);
      const rows = parseMonitorCsv(readFileSync(file, 'utf8'));
      expect(rows.length).toBeGreaterThanOrEqual(3);
      expect(rows[0].role).toBe(role);
    }
    const series = serverMetricsPath(dir, 'dummy-0');
    expect(existsSync(series)).toBe(true);
    const rows = readFileSync(series, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.length).toBe(summary.servers[0].rows);
    expect(rows[0]).toMatchObject({
      metric: 'vllm:num_requests_waiting',
      labels: { model_name: 'm' },
      value: 4,
    });
  });
});
