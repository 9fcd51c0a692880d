/**
 * An executor asked for 10^12 requests/s straight over HTTP (its --max-rps raised so that it accepts):
 * it keeps answering /status while warming up and measuring (the warmup backlog is passed in one step,
 * the arrival loop yields), holds no more requests in flight than its --max-concurrency, exits on
 * SIGTERM well within its 5 s stop grace (no SIGKILL needed), and its records file ends on a whole line
 * with a bounded number of records.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TOKEN, useSandbox } from './helpers.js';

const sandbox = useSandbox('hpcbench-faults-rate-');
const IN_FLIGHT = 64;

interface Status {
  running?: boolean;
  phase?: string;
  requests_sent?: number;
}

/** Most requests the simulator held at once, from its ground truth (arrival → end of each request). */
function peak(requests: { arrived_ms: number; end_ms: number }[]): number {
  const events = requests.flatMap((r) => [
    [r.arrived_ms, 1],
    [r.end_ms, -1],
  ]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of events) {
    cur += d;
    max = Math.max(max, cur);
  }
  return max;
}

describe('an executor given a rate no executor reaches', () => {
  it('answers /status in warmup and while measuring, and exits on SIGTERM', async () => {
    const box = sandbox();
    const sim = await box.startSim('sim', ['--load-ms', '0']);
    const ex = await box.startSelf(
      'executor-absurd',
      [
        ...['executor', '--service', 'dummy', '--host', '127.0.0.1', '--port', '0', '--node', 'absurd'],
        ...['--records-dir', box.path('.'), '--max-rps', '1000000000000'],
        ...['--max-concurrency', String(IN_FLIGHT)],
      ],
      { HPCBENCH_TOKEN: TOKEN },
    );
    const records = box.path('absurd.jsonl');
    const started = await fetch(`${ex.url}/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        benchmark: 'absurd',
        server_url: sim.url,
        model: 'dummy-model',
        target_rps: 1e12,
        request_distribution: 'poisson',
        warmup: 2,
        duration: 600,
        max_tokens: 2,
        stream: false,
        records_path: records,
      }),
    });
    expect(started.status, await started.clone().text()).toBe(200);
    // every poll is answered (a 10 s bound per request: generous; a blocked loop never answers)
    const phases = new Set<string>();
    let last: Status = {};
    for (let i = 0; i < 600 && !(phases.has('measuring') && (last.requests_sent ?? 0) > 0); i++) {
      last = (await (
        await fetch(`${ex.url}/status`, { signal: AbortSignal.timeout(10_000) })
      ).json()) as Status;
      if (last.phase) phases.add(last.phase);
      await sleep(50);
    }
    expect(phases).toContain('warmup');
    expect(phases).toContain('measuring');
    expect(last.running).toBe(true);

    const pid = ex.child.pid as number;
    process.kill(pid, 'SIGTERM');
    // the executor stops its load, writes its records and exits by itself (no SIGKILL)
    const exited = await Promise.race([ex.child.exited.then(() => true), sleep(30_000).then(() => false)]);
    expect(exited).toBe(true);
    expect(ex.child.exitSignal).toBeNull();
    expect(ex.child.exitCode).toBe(0);
    const log = await readFile(box.path('executor-absurd.log'), 'utf8');
    expect(log).toMatch(/SIGTERM: stopping/);

    const text = await readFile(records, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    // at most --max-concurrency requests were ever in flight at the server, whatever the rate
    const truth = (await (await fetch(`${sim.url}/hpcbench/requests`)).json()) as {
      requests: { arrived_ms: number; end_ms: number }[];
    };
    expect(peak(truth.requests)).toBeLessThanOrEqual(IN_FLIGHT);
    // a record per request the executor made, each sent, ok, failed or cancelled: no more than it could send
    const measured = lines
      .map((l) => JSON.parse(l) as { warmup: boolean; status: string })
      .filter((r) => !r.warmup);
    expect(measured.length).toBeGreaterThan(0);
    for (const r of measured) expect(['ok', 'error', 'cancelled']).toContain(r.status);
    expect(text.length).toBeLessThan(256 * 1024 * 1024);
  }, 120_000);
});
