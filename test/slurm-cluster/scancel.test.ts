/**
 * A plain `scancel JOBID` on the CI Slurm cluster (3 emulated nodes): Slurm sends SIGTERM to the batch
 * shell and to every step at once, so the executors are gone when the orchestrator collects their
 * metrics. The orchestrator's TERM path rebuilds each executor's measurements from its records file:
 * summary.json and metrics.json count exactly the measured requests of the records files, run.json says
 * `interrupted` with exit code 143.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/exit-codes.js';
import { recordCounts } from '../faults/helpers.js';
import { runCli } from '../helpers/cli.js';
import { jobServerPort, requireCluster, waitForJob } from './cluster.js';

const ok = requireCluster();
const FIXTURE = new URL('../slurm/fixtures/dummy-ci.yaml', import.meta.url);
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** Measured (non-warmup) lines of every records file of the run so far. */
function measuredLines(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(join(dir, 'benchmarks'), { recursive: true, encoding: 'utf8' })) {
    if (!/records-.*\.jsonl$/.test(entry)) continue;
    for (const line of readFileSync(join(dir, 'benchmarks', entry), 'utf8').split('\n'))
      if (line.includes('"warmup":false')) n++;
  }
  return n;
}

describe.runIf(ok)('a plain scancel of a running job', () => {
  it('summary.json and metrics.json count every measured request of the records files', async () => {
    const base = await mkdtemp(join(tmpdir(), 'hb-slurm-scancel-'));
    const dir = join(base, 'run');
    const recipe = join(base, 'recipe.yaml');
    writeFileSync(recipe, readFileSync(FIXTURE, 'utf8').replace('duration: 4s', 'duration: 120s'));
    const r = await runCli(['submit', recipe, '--results-dir', dir], {
      env: { HPCBENCH_SERVER_PORT: await jobServerPort() },
    });
    expect(r.exitCode, String(r.all)).toBe(0);
    const jobId = String(r.stdout).trim();
    try {
      // running, with measured requests on disk (the records are written at least once a second)
      const deadline = Date.now() + 240_000;
      while (Date.now() < deadline) {
        const n = (() => {
          try {
            return measuredLines(dir);
          } catch {
            return 0;
          }
        })();
        if (n >= 20) break;
        await sleep(500);
      }
      expect(measuredLines(dir)).toBeGreaterThanOrEqual(20);
      await execa('scancel', [jobId]);
      const final = await waitForJob(jobId, 60_000);
      expect(['CANCELLED', 'FAILED', 'COMPLETED']).toContain(final.state);

      const run = json(join(dir, 'run.json'));
      expect(run).toMatchObject({ status: 'interrupted', exit_code: EXIT_CODES.sigterm });
      const [bench] = readdirSync(join(dir, 'benchmarks'));
      const rec = await recordCounts(dir, bench);
      expect(rec.files.map((f) => f.name).sort()).toEqual(['records-n2.jsonl', 'records-n3.jsonl']);
      expect(rec.files.every((f) => f.wholeLines)).toBe(true);
      expect(rec.sent).toBeGreaterThanOrEqual(20);
      const summary = json(join(dir, 'benchmarks', bench, 'summary.json'));
      expect(summary.status).toBe('interrupted');
      expect(summary.requests).toEqual({
        sent: rec.sent,
        ok: rec.ok,
        failed: rec.failed,
        cancelled: rec.cancelled,
        cancelled_by_workload: rec.cancelledByWorkload,
      });
      const metrics = json(join(dir, 'benchmarks', bench, 'metrics.json'));
      expect(metrics.aggregate.total_requests).toBe(rec.sent);
      expect(metrics.per_client.map((c: { node: string }) => c.node).sort()).toEqual(['n2', 'n3']);
      // the run-level summary too
      expect(json(join(dir, 'summary.json')).totals.total_requests).toBe(rec.sent);
    } finally {
      await execa('scancel', [jobId], { reject: false });
      await rm(base, { recursive: true, force: true });
    }
  }, 300_000);
});
