/**
 * The executors' connection figures through the controller's merge (src/controller/aggregate.ts): requests,
 * opened connections and stale-connection resends summed, the server's close after every streamed response
 * learnt when any executor learnt it (and by how many), each executor's own in its per-client summary.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionFigures, ExecutorMetrics } from '../../src/contracts/index.js';
import { aggregate } from '../../src/controller/aggregate.js';
import { MetricsRecorder, toExecutorMetrics } from '../../src/metrics/index.js';
import { craft } from '../metrics/records.js';

/** An executor's GET /metrics answer with 10 requests and `connections` (none: an older executor). */
function executor(connections?: ConnectionFigures): ExecutorMetrics {
  const rec = new MetricsRecorder({ benchmark: 'b' });
  for (let i = 0; i < 10; i++) rec.add(craft({ sent: 1000 + i, chunks: [1010 + i, 1020 + i], output: 2 }));
  const snapshot = rec.snapshot();
  if (connections) snapshot.connections = connections;
  return toExecutorMetrics(snapshot, 5);
}

const own = (opened: number, resent: number, learnt: boolean): ConnectionFigures => ({
  requests: 10,
  opened,
  resent_stale: resent,
  server_closes_after_stream: learnt,
  learnt_by: learnt ? 1 : 0,
  executors: 1,
});

describe('connection figures across executors', () => {
  it('summed; the close after every stream learnt when any executor learnt it, saying by how many', () => {
    const agg = aggregate(
      [
        { node: 'n1', metrics: executor(own(10, 2, true)) },
        { node: 'n2', metrics: executor(own(2, 0, false)) },
        { node: 'n3', metrics: executor(own(9, 1, true)) },
        { node: 'old', metrics: executor() },
      ],
      'b',
    );
    expect(agg.summary.connections).toEqual({
      requests: 30,
      opened: 21,
      resent_stale: 3,
      server_closes_after_stream: true,
      learnt_by: 2,
      executors: 3,
    });
    expect(agg.snapshot.connections).toEqual(agg.summary.connections);
    expect(agg.per_client.map((c) => c.summary?.connections)).toEqual([
      own(10, 2, true),
      own(2, 0, false),
      own(9, 1, true),
      undefined,
    ]);
  });

  it('not learnt by any executor: false; no executor reporting any: no connections at all', () => {
    const none = aggregate(
      [
        { node: 'n1', metrics: executor(own(2, 0, false)) },
        { node: 'n2', metrics: executor(own(2, 1, false)) },
      ],
      'b',
    );
    expect(none.summary.connections).toEqual({
      requests: 20,
      opened: 4,
      resent_stale: 1,
      server_closes_after_stream: false,
      learnt_by: 0,
      executors: 2,
    });
    const old = aggregate([{ node: 'old', metrics: executor() }], 'b');
    expect(old.summary).not.toHaveProperty('connections');
    expect(old.snapshot).not.toHaveProperty('connections');
  });
});
