import { describe, expect, it } from 'vitest';
import { startExecutorPush } from '../../src/monitor/executor-push.js';
import { groupUrl } from '../../src/monitor/pushgateway.js';
import { freePort } from './helpers/pushgateway.js';

describe('pushing without a reachable Pushgateway', () => {
  it('reports E008 errors through onError and still stops', async () => {
    const url = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    const errors: { code?: string; message: string }[] = [];
    const push = startExecutorPush({
      url,
      labels: { instance: 'e', run: 'r' },
      interval: 0.05,
      render: () => 'x 1\n',
      onError: (e) => errors.push(e as Error & { code?: string }),
    });
    await new Promise((r) => setTimeout(r, 300));
    await push.stop();
    expect(errors.length).toBeGreaterThanOrEqual(2); // pushes, then the final delete
    expect(errors.every((e) => e.code === 'E008')).toBe(true);
    expect(errors.at(-1)!.message).toMatch(/DELETE/);
  });

  it('encodes grouping keys the way the Pushgateway expects', () => {
    expect(
      groupUrl('http://h:9091/', { job: 'hpcbench_monitor', instance: 'n1', run: 'a/b', role: '' }),
    ).toBe('http://h:9091/metrics/job/hpcbench_monitor/instance/n1/run@base64/YS9i/role@base64/=');
    expect(() => groupUrl('http://h', { job: 'j', 'bad-label': 'x' })).toThrowError(/label name/);
  });
});
