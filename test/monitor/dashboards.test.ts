import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { renderExecutorPrometheus } from '../../src/metrics/prometheus.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { startExecutorPush } from '../../src/monitor/executor-push.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { renderMonitorSample } from '../../src/monitor/monitor-metrics.js';
import { craft } from '../metrics/records.js';
import {
  freePort,
  pushgatewayAvailable,
  type RunningPushgateway,
  startPushgateway,
} from './helpers/pushgateway.js';

const DASHBOARDS = fileURLToPath(new URL('../../dashboards/', import.meta.url));
const FILES = ['grafana-nodes.json', 'grafana-executors.json', 'grafana-servers.json'];

interface Panel {
  title: string;
  targets: { expr: string }[];
}
const load = (f: string) =>
  JSON.parse(readFileSync(join(DASHBOARDS, f), 'utf8')) as {
    uid: string;
    panels: Panel[];
    templating: { list: { name: string; query: unknown }[] };
  };
const exprs = (f: string) => load(f).panels.flatMap((p) => p.targets.map((t) => t.expr));
/** Grafana variables replaced the way Grafana does for "All" (regex .*). */
const concrete = (e: string) => e.replace(/\$(run|node|role|instance|job)\b/g, '.*');

/** An executor's Prometheus text as src/metrics/prometheus.ts renders it, with `n` requests and connections. */
function executorText(service: string, n: number): string {
  const rec = new MetricsRecorder({ source: 'c1' });
  rec.windowStart = 1_000;
  for (let i = 0; i < n; i++) rec.add(craft({ sent: 1_000, chunks: [1_010, 1_020], output: 2 }));
  rec.add(craft({ sent: 1_000, end: 1_005, status: 'error', error: 'http_503' }));
  const snapshot = rec.snapshot();
  snapshot.connections = {
    requests: n + 1,
    opened: n,
    resent_stale: 1,
    server_closes_after_stream: true,
    learnt_by: 1,
    executors: 1,
  };
  return renderExecutorPrometheus(service, snapshot);
}

/** The metric names each `{...}` selector of a query picks by its `__name__` matchers, out of `names`. */
function selected(expr: string, names: readonly string[]): { regex: string; picks: string[] }[] {
  return [...expr.matchAll(/\{([^}]*__name__[^}]*)\}/g)].map(([, inner]) => {
    const matchers = [...inner.matchAll(/__name__(=~|!~)"([^"]*)"/g)].map(([, op, re]) => ({
      keep: op === '=~',
      re: new RegExp(`^(?:${re})$`),
      regex: re,
    }));
    return {
      regex: matchers.find((m) => m.keep)?.regex ?? '',
      picks: names.filter((n) => matchers.every((m) => m.re.test(n) === m.keep)),
    };
  });
}

describe('dashboards', () => {
  it('are Grafana dashboards with unique uids and a query in every panel', () => {
    const uids = new Set<string>();
    for (const f of FILES) {
      const d = load(f);
      uids.add(d.uid);
      expect(d.panels.length).toBeGreaterThanOrEqual(4);
      for (const p of d.panels) expect(p.targets.length, p.title).toBeGreaterThan(0);
      expect(d.templating.list.map((v) => v.name)).toContain('datasource');
    }
    expect(uids.size).toBe(FILES.length);
  });

  it('the nodes dashboard uses exactly the metric names monitors push', () => {
    const pushed = renderMonitorSample(
      {
        timestamp: new Date().toISOString(),
        cpuPercent: 1,
        ramUsedMB: 1,
        ramTotalMB: 2,
        gpus: [{ index: 0, util: 1, memUsed: 1, memTotal: 2, power: 3, temp: 4 }],
      },
      1,
    );
    const names = new Set([...pushed.matchAll(/^(hpcbench_\w+)/gm)].map((m) => m[1]));
    const used = new Set(
      exprs('grafana-nodes.json').flatMap((e) => [...e.matchAll(/(?<!")hpcbench_\w+/g)].map((m) => m[0])),
    );
    for (const n of used) expect(names, n).toContain(n);
    expect(used.size).toBeGreaterThanOrEqual(7);
  });

  it('the executors dashboard selects metrics the executor exports, a name suffix exactly its own metric', () => {
    const names = [...new Set([...executorText('svc', 10).matchAll(/^(svc_\w+)/gm)].map((m) => m[1]))];
    const picked = new Set<string>();
    for (const e of exprs('grafana-executors.json')) {
      const selectors = selected(e, names);
      expect(selectors.length, e).toBeGreaterThan(0);
      for (const { regex, picks } of selectors) {
        expect(picks, `${e}: ${regex}`).not.toEqual([]);
        // `.+_requests_total` must not also sum `svc_connections_requests_total`
        const suffix = /^\.\+_(\w+)$/.exec(regex);
        if (suffix) expect(picks, `${e}: ${regex}`).toEqual([`svc_${suffix[1]}`]);
        for (const n of picks) picked.add(n);
      }
    }
    for (const n of [
      'svc_requests_total',
      'svc_connections_requests_total',
      'svc_connections_opened_total',
      'svc_connections_resent_stale_total',
      'svc_connections_server_closes_after_stream',
    ])
      expect(picked, n).toContain(n);
  });
});

const prometheusBin = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find((p) => existsSync(p));
function prometheusAvailable(): boolean {
  if (prometheusBin) return pushgatewayAvailable();
  if (process.env.CI === 'true')
    throw new Error('CI=true but prometheus is not installed (apt-get install prometheus)');
  console.warn('prometheus not installed; skipping the dashboards-against-Prometheus test');
  return false;
}

describe.runIf(prometheusAvailable())('dashboards against real Prometheus + Pushgateway', () => {
  let pgw: RunningPushgateway;
  let prom: ChildProcess | undefined;
  let promUrl: string;
  let dir: string;
  beforeAll(async () => {
    pgw = await startPushgateway();
    dir = mkdtempSync(join(tmpdir(), 'prom-'));
    // The shipped config's Pushgateway job (honor_labels), pointed at the test's Pushgateway.
    const shipped = parse(readFileSync(join(DASHBOARDS, 'prometheus.yml'), 'utf8'));
    const job = shipped.scrape_configs.find((j: { job_name: string }) => j.job_name === 'pushgateway');
    job.static_configs = [{ targets: [new URL(pgw.url).host] }];
    const config = { global: { scrape_interval: '1s', evaluation_interval: '1s' }, scrape_configs: [job] };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prom = spawn(
      prometheusBin!,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${promUrl}/-/ready`)).ok) break;
      } catch {}
      if (Date.now() > deadline || prom.exitCode !== null) throw new Error('prometheus did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      process.kill(prom.pid!, 'SIGTERM');
      await new Promise((r) => prom!.once('exit', r));
    }
    await pgw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const query = async (expr: string) =>
    (await (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as {
      status: string;
      error?: string;
      data?: { result: { metric: Record<string, string> }[] };
    };

  it('every dashboard query is valid PromQL, and node metrics arrive with their run/node/role labels', async () => {
    for (const f of FILES) {
      for (const e of exprs(f)) {
        const r = await query(concrete(e));
        expect(r.error ?? r.status, `${f}: ${e}`).toBe('success');
      }
    }
    const m = new Monitor({
      outputFile: join(dir, 'm.csv'),
      interval: 0.2,
      metrics: ['cpu', 'ram'],
      node: 'n7',
      role: 'server',
      labels: { run: 'prom-run' },
      prometheusPushgatewayUrl: pgw.url,
      prometheusPushInterval: 0.3,
    });
    await m.start();
    try {
      const cpuExpr = concrete(
        exprs('grafana-nodes.json').find((e) => e.startsWith('hpcbench_node_cpu_percent'))!,
      );
      const deadline = Date.now() + 30_000;
      let result: { metric: Record<string, string> }[] = [];
      while (Date.now() < deadline) {
        result = (await query(cpuExpr)).data?.result ?? [];
        if (result.length) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(result[0]?.metric).toMatchObject({
        job: 'hpcbench_monitor',
        node: 'n7',
        role: 'server',
        run: 'prom-run',
        instance: 'n7',
      });
    } finally {
      await m.stop();
    }
  });
  it("every executors-dashboard query finds the executor's series (names as src/metrics/prometheus.ts renders them)", async () => {
    let n = 0;
    const push = startExecutorPush({
      url: pgw.url,
      labels: { instance: 'c1:5000', node: 'c1', service: 'dummy', run: 'prom-run' },
      interval: 0.3,
      render: () => {
        n += 10;
        return executorText('dummy', n);
      },
    });
    try {
      const pending = new Set(exprs('grafana-executors.json').map(concrete));
      const deadline = Date.now() + 40_000;
      while (pending.size && Date.now() < deadline) {
        for (const e of [...pending]) if ((await query(e)).data?.result.length) pending.delete(e);
        if (pending.size) await new Promise((r) => setTimeout(r, 500));
      }
      expect([...pending]).toEqual([]);
      const quantiles = (
        await query(concrete(exprs('grafana-executors.json').find((e) => e.includes('quantile'))!))
      ).data!.result;
      expect([...new Set(quantiles.map((r) => r.metric.__name__))].sort()).toEqual([
        'dummy_e2e_latency_seconds',
        'dummy_itl_seconds',
        'dummy_tpot_seconds',
        'dummy_ttft_seconds',
      ]);
    } finally {
      await push.stop();
    }
  });
});
