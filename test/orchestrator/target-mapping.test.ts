/** Resolution of `target_mapping` against a run's executors and servers, and its E006 errors. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from '../../src/errors.js';
import { freePort } from '../../src/launch/local/free-port.js';
import type { PhaseEvent } from '../../src/orchestrator/events.js';
import { Orchestrator } from '../../src/orchestrator/orchestrator.js';
import type { RunPlan } from '../../src/orchestrator/run-plan.js';
import { pinnedTargets, resolveTargetMapping } from '../../src/orchestrator/target-mapping.js';

const local = {
  clientNodes: ['client-1', 'client-2'],
  serverNodes: ['server-1', 'server-2'],
  serverUrls: ['http://127.0.0.1:4001', 'http://127.0.0.1:4002'],
  file: 'r.yaml',
};

function fails(input: Parameters<typeof resolveTargetMapping>[0]): ConfigValidationError {
  try {
    resolveTargetMapping(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return err as ConfigValidationError;
  }
  throw new Error('expected E006');
}

describe('resolveTargetMapping', () => {
  it('maps executors by node name to servers by node name or URL (crossed)', () => {
    const r = resolveTargetMapping({
      ...local,
      mapping: [
        { client_group: 'client-1', server_endpoints: ['server-2'] },
        { client_group: 'client-2', server_endpoints: ['http://127.0.0.1:4001/'] },
      ],
    });
    expect(r.urls).toEqual([['http://127.0.0.1:4002'], ['http://127.0.0.1:4001']]);
    expect(r.warnings).toEqual([]);
  });

  it('a Slurm hostlist names several executors; several endpoints are kept in order (round-robin)', () => {
    const r = resolveTargetMapping({
      clientNodes: ['n2', 'n3', 'n4'],
      serverNodes: ['n0', 'n1'],
      serverUrls: ['http://n0:8000', 'http://n1:8000'],
      mapping: [
        { client_group: 'n[2-3]', server_endpoints: ['n0', 'n1'] },
        { client_group: 'n4', server_endpoints: ['n[0-1]'] },
      ],
    });
    expect(r.urls).toEqual([
      ['http://n0:8000', 'http://n1:8000'],
      ['http://n0:8000', 'http://n1:8000'],
      ['http://n0:8000', 'http://n1:8000'],
    ]);
  });

  it("an executor's host:port endpoint also names it (attach mode, several executors on one host)", () => {
    const r = resolveTargetMapping({
      ...local,
      clientNodes: ['127.0.0.1', '127.0.0.1'],
      clientEndpoints: ['127.0.0.1:5001', '127.0.0.1:5002'],
      mapping: [
        { client_group: '127.0.0.1:5002', server_endpoints: ['server-1'] },
        { client_group: '127.0.0.1:5001', server_endpoints: ['server-2'] },
      ],
    });
    expect(r.urls).toEqual([['http://127.0.0.1:4002'], ['http://127.0.0.1:4001']]);
  });

  it('an executor in no group is E006 naming the executor and the groups', () => {
    const err = fails({ ...local, mapping: [{ client_group: 'client-1', server_endpoints: ['server-1'] }] });
    expect(err.code).toBe('E006');
    expect(err.message).toMatch(/^r\.yaml: orchestration\.node_allocation\.clients\.target_mapping: /);
    expect(err.message).toContain('executor client-2 is in no client_group (groups: "client-1")');
  });

  it('a group matching no executor, an executor in two groups and an unknown server name are each E006', () => {
    const err = fails({
      ...local,
      mapping: [
        { client_group: 'client-1,client-2', server_endpoints: ['server-1'] },
        { client_group: 'client-2', server_endpoints: ['server-3'] },
        { client_group: 'client-9', server_endpoints: ['server-1'] },
      ],
    });
    expect(err.issues.map((i) => i.path)).toEqual([
      'orchestration.node_allocation.clients.target_mapping[1].client_group',
      'orchestration.node_allocation.clients.target_mapping[2].client_group',
      'orchestration.node_allocation.clients.target_mapping[1].server_endpoints[0]',
    ]);
    expect(err.issues[0].message).toMatch(/client-2 is also matched by target_mapping\[0\]/);
    expect(err.issues[1].message).toContain(
      '"client-9" matches none of the run\'s executors (client-1, client-2)',
    );
    expect(err.issues[2].message).toContain(
      '"server-3" is neither a server node of this run (server-1, server-2) nor a URL',
    );
    expect(err.issues.every((i) => i.file === 'r.yaml')).toBe(true);
  });

  it("a URL outside the run's servers is used, with a warning unless attaching", () => {
    const mapping = [
      { client_group: 'client-1', server_endpoints: ['http://10.0.0.9:8000'] },
      { client_group: 'client-2', server_endpoints: ['server-1'] },
    ];
    const r = resolveTargetMapping({ ...local, mapping });
    expect(r.urls[0]).toEqual(['http://10.0.0.9:8000']);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(
      /target_mapping\[0\]\.server_endpoints\[0\]: http:\/\/10\.0\.0\.9:8000 is not one/,
    );
    expect(resolveTargetMapping({ ...local, mapping, attach: true }).warnings).toEqual([]);
  });

  it('without a mapping (programmatic plans), executor i is pinned to server i mod n', () => {
    expect(pinnedTargets(3, ['a', 'b'])).toEqual([['a'], ['b'], ['a']]);
  });
});

describe('Orchestrator with distribution_strategy static', () => {
  it('a mapping that does not fit the run is E006 before server health, recorded in run.json', async () => {
    const base = await mkdtemp(join(tmpdir(), 'hpcbench-tm-'));
    try {
      const closed = async () => `127.0.0.1:${await freePort()}`;
      const plan: RunPlan = {
        scenario: 'tm',
        service: 'dummy',
        serverConfig: { health_check: { timeout: 1, interval: 0.1 }, model: 'dummy-model' },
        benchmarks: [
          {
            name: 'b1',
            spec: {
              benchmark: 'b1',
              service: 'dummy',
              model: 'dummy-model',
              duration: 1,
              warmup: 0,
              load: { mode: 'closed', clients_per_node: 1 },
            },
          },
        ],
        resolved: { scenario: 'tm' },
        distributionStrategy: 'static',
        targetMapping: [{ client_group: 'n[2-3]', server_endpoints: ['n9'] }],
      };
      const o = new Orchestrator({
        serverNodes: ['n1'],
        clientNodes: ['n2', 'n4'],
        plan,
        serverEndpoints: [await closed()],
        clientEndpoints: [await closed(), await closed()],
        resultsDir: base,
        mode: 'slurm',
      });
      const phases: string[] = [];
      o.on('phase', (e: PhaseEvent) => phases.push(`${e.phase}:${e.state}`));
      const err = await o.run().then(
        () => undefined,
        (e: unknown) => e as ConfigValidationError,
      );
      expect(err).toBeInstanceOf(ConfigValidationError);
      expect(err!.message).toContain('executor n4 is in no client_group (groups: "n[2-3]")');
      expect(err!.message).toContain('"n9" is neither a server node of this run (n1)');
      expect(phases).not.toContain('server-health:start');
      const runJson = JSON.parse(await readFile(join(o.runDir!, 'run.json'), 'utf8'));
      expect(runJson).toMatchObject({ status: 'failed', error: { code: 'E006' } });
      expect(runJson.benchmarks).toEqual([{ name: 'b1', status: 'pending' }]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
