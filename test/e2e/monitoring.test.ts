/**
 * `hpcbench orchestrate --enable-monitoring --pushgateway-node` against a real Prometheus Pushgateway:
 * per-node monitors push while the run goes, CSVs land in the results folder, and the run's groups are
 * removed from the Pushgateway at the end.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushedMetrics, pushgatewayAvailable, startPushgateway } from '../monitor/helpers/pushgateway.js';
import { onlyRunDir, readJson, recipe, runCli, Sandbox } from './helpers.js';

const available = pushgatewayAvailable();

describe.runIf(available)('orchestrate with monitoring and a Pushgateway', () => {
  let box: Sandbox;
  let pgw: Awaited<ReturnType<typeof startPushgateway>>;
  beforeAll(async () => {
    box = await Sandbox.create();
    pgw = await startPushgateway();
  });
  afterAll(async () => {
    await pgw?.stop();
    await box?.close();
  });

  it('pushes per-node samples during the run and cleans its groups up afterwards', async () => {
    const token = 'mon-token';
    const sim = await box.startSim();
    const ex = await box.startExecutor('nodeM', token);
    const file = await box.writeRecipe(
      'mon.yaml',
      recipe(
        'monpush',
        { duration: '8s', warmup: '0s' },
        {
          monitoring: { push_interval: 1 },
          servers: { health_check: { timeout: 20, interval: 0.2 } },
        },
      ),
    );
    const pgwNode = pgw.url.replace('http://', '');
    const running = runCli(
      [
        'orchestrate',
        '--server-nodes',
        `127.0.0.1:${sim.port}`,
        '--client-nodes',
        `127.0.0.1:${ex.port}`,
        '--workload-config-file',
        file,
        '--enable-monitoring',
        '--pushgateway-node',
        pgwNode,
        '--monitor-interval',
        '0.5',
        '--monitor-output',
        'orchestrator.csv',
        '--results-dir',
        box.path('results'),
      ],
      { env: { HPCBENCH_TOKEN: token }, timeout: 180_000 },
    );
    // While the run goes: the monitors' groups appear on the Pushgateway, labelled with the run id.
    // Each monitor pushes on its own schedule: poll until every role has pushed (or the run is over).
    let seen: { role?: string; run?: string }[] = [];
    const roles = () => new Set(seen.map((l) => l.role)).size;
    for (let i = 0; i < 150 && roles() < 3; i++) {
      const metrics = await pushedMetrics(pgw.url).catch(() => []);
      const now = metrics
        .filter((m) => m.labels.job === 'hpcbench_monitor' && m.labels.run)
        .map((m) => m.labels);
      if (now.length >= seen.length) seen = now;
      if (roles() < 3) await sleep(200);
    }
    const res = await running;
    expect(res.exitCode, res.all).toBe(0);
    const run = await onlyRunDir(box.path('results'));
    const runJson = await readJson(join(run, 'run.json'));
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((l) => l.run))).toEqual(new Set([runJson.run_id]));
    expect(new Set(seen.map((l) => l.role))).toEqual(new Set(['orchestrator', 'server', 'client']));
    // CSVs in the results folder, with samples
    const csv = (await readFile(join(run, 'orchestrator.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toMatch(/^timestamp,/);
    expect(csv.length).toBeGreaterThan(2);
    expect(await readdir(join(run, 'monitor'))).toEqual(
      expect.arrayContaining(['127.0.0.1-server.csv', '127.0.0.1-client.csv']),
    );
    // the run's groups are gone from the Pushgateway
    const left = (await pushedMetrics(pgw.url)).filter((m) => m.labels.run === runJson.run_id);
    expect(left).toEqual([]);
  }, 240_000);
});
