/**
 * Two executors on one host (`--client-nodes 127.0.0.1:A 127.0.0.1:B`): each is named host:port, has its
 * own records file (ids do not collide) and its own per_client row. The programmatic Orchestrator takes
 * the same host:port forms, and refuses anything else with E006 at once.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from '../../src/errors.js';
import { Orchestrator } from '../../src/orchestrator/orchestrator.js';
import { onlyRunDir, orchestrate, readJson, readLines, recipe, TOKEN, useSandbox } from './helpers.js';

const sandbox = useSandbox('hpcbench-faults-id-');

describe('two executors on one host', () => {
  it('named host:port, one records file and one per_client row each', async () => {
    const box = sandbox();
    const sim = await box.startSim();
    const [a, b] = await Promise.all([box.startExecutor('ea', TOKEN), box.startExecutor('eb', TOKEN)]);
    const file = await box.writeRecipe('id.yaml', recipe('id', { duration: '2s', warmup: '0s' }));
    const res = await orchestrate(box, {
      servers: [`127.0.0.1:${sim.port}`],
      clients: [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`],
      file,
      results: 'r-id',
    });
    expect(res.exitCode, res.all).toBe(0);
    const run = await onlyRunDir(box.path('r-id'));
    const names = [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`];
    expect((await readJson(join(run, 'run.json'))).client_nodes).toEqual(names);
    const dir = join(run, 'benchmarks', 'default');
    const files = (await readdir(dir)).filter((f) => f.startsWith('records-')).sort();
    expect(files).toEqual([`records-127.0.0.1_${a.port}.jsonl`, `records-127.0.0.1_${b.port}.jsonl`].sort());
    const ids = new Set<string>();
    let lines = 0;
    for (const f of files)
      for (const l of await readLines(join(dir, f))) {
        ids.add(JSON.parse(l).id);
        lines++;
      }
    expect(ids.size).toBe(lines);
    const metrics = await readJson(join(dir, 'metrics.json'));
    expect(metrics.per_client.map((c: { node: string }) => c.node).sort()).toEqual([...names].sort());
    expect(metrics.per_client.every((c: { requests: number }) => c.requests > 0)).toBe(true);
  }, 120_000);
});

describe('programmatic Orchestrator node forms', () => {
  it('host:port becomes the endpoint; a malformed node is E006 at construction', () => {
    const o = new Orchestrator({ serverNodes: ['127.0.0.1:8000'], clientNodes: ['127.0.0.1:15101'] });
    expect(o.options.clientEndpoints).toEqual(['127.0.0.1:15101']);
    expect(o.options.serverEndpoints).toEqual(['127.0.0.1:8000']);
    expect(o.options.clientNodes).toEqual(['127.0.0.1']);
    expect(() => new Orchestrator({ serverNodes: ['s'], clientNodes: ['127.0.0.1:15101:5000'] })).toThrow(
      ConfigValidationError,
    );
    expect(() => new Orchestrator({ serverNodes: ['s'], clientNodes: ['h:99999'] })).toThrow(
      /E006|not a host/,
    );
  });
});
