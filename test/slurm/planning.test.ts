import { describe, expect, it } from 'vitest';
import { serverLaunchCommand } from '../../src/launch/commands/index.js';
import { apptainerExecArgv, containerFor, missingImages } from '../../src/launch/containers.js';
import { planJob } from '../../src/launch/slurm/job-plan.js';
import { pushgatewayCleanupUrl } from '../../src/launch/slurm/job-runner.js';
import { planNodes } from '../../src/launch/slurm/node-plan.js';
import { renderPlan } from '../../src/launch/slurm/plan-text.js';
import type { SlurmRecipe } from '../../src/launch/slurm/recipe-view.js';
import { renderSbatch, signalLead } from '../../src/launch/slurm/sbatch.js';
import { expandHostlist } from '../../src/util/hostlist.js';

const recipe = (over: Partial<SlurmRecipe> = {}): SlurmRecipe => ({
  scenario: 's',
  workload: { service: 'dummy', model: 'm' },
  orchestration: {
    node_allocation: { servers: { nodes: 1 }, clients: { nodes: 2 }, monitors: { nodes: 1 } },
  },
  ...over,
});

describe('hostlists', () => {
  it('expands ranges, lists and zero padding like scontrol show hostnames', () => {
    expect(expandHostlist('mel[2001-2003,2010],login1')).toEqual([
      'mel2001',
      'mel2002',
      'mel2003',
      'mel2010',
      'login1',
    ]);
    expect(expandHostlist('n[08-10]')).toEqual(['n08', 'n09', 'n10']);
    expect(expandHostlist('a[1-2]-ib[3,4]')).toEqual(['a1-ib3', 'a1-ib4', 'a2-ib3', 'a2-ib4']);
  });
});

describe('planNodes', () => {
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  it('assigns servers, then clients, then monitors in allocation order', () => {
    expect(planNodes(nodes, recipe())).toEqual({ servers: ['n1'], clients: ['n2', 'n3'], monitors: ['n4'] });
  });
  it('honours node_range as indices or hostlists, others fill the rest', () => {
    const r = recipe({
      orchestration: {
        node_allocation: {
          servers: { nodes: 2, node_range: '3-4' },
          clients: { nodes: 2 },
          monitors: { nodes: 1, node_range: 'n[1]' },
        },
      },
    });
    expect(planNodes(nodes, r)).toEqual({ servers: ['n4', 'n5'], clients: ['n2', 'n3'], monitors: ['n1'] });
  });
  it('rejects too small an allocation and bad ranges with E006 naming the field', () => {
    expect(() => planNodes(['n1', 'n2'], recipe(), 'r.yaml')).toThrow(/needs 4 nodes/);
    try {
      planNodes(
        nodes,
        recipe({
          orchestration: {
            node_allocation: { servers: { nodes: 1, node_range: 'x[9]' }, clients: { nodes: 1 } },
          },
        }),
        'r.yaml',
      );
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'E006' });
      expect((err as Error).message).toContain('orchestration.node_allocation.servers.node_range');
      expect((err as Error).message).toContain('x9 not in the allocation');
    }
  });
});

describe('launch commands', () => {
  const ctx = (r: SlurmRecipe) => ({
    recipe: r,
    host: '10.0.0.1',
    port: 9000,
    cpus: 8,
    gpus: 1,
    self: ['node', 'hb.js'],
  });
  it('ollama: OLLAMA_HOST plus the recipe environment', () => {
    const c = serverLaunchCommand(
      'ollama',
      ctx(recipe({ environment: { OLLAMA_NUM_PARALLEL: '4', OLLAMA_MAX_QUEUE: 512 } })),
    );
    expect(c.argv).toEqual(['ollama', 'serve']);
    expect(c.env).toEqual({
      OLLAMA_NUM_PARALLEL: '4',
      OLLAMA_MAX_QUEUE: '512',
      OLLAMA_HOST: '10.0.0.1:9000',
    });
  });
  it('vllm: seed defaults, flags only when set', () => {
    const c = serverLaunchCommand('vllm', ctx(recipe({ workload: { service: 'vllm', model: 'org/m' } })));
    expect(c.argv.join(' ')).toBe(
      'vllm serve org/m --host 10.0.0.1 --port 9000 --max-model-len 2048 --gpu-memory-utilization 0.9 --tensor-parallel-size 1 --pipeline-parallel-size 1',
    );
  });
  it('llama-server: -m -t -ngl --metrics', () => {
    const c = serverLaunchCommand(
      'llamacpp',
      ctx(recipe({ servers: { service_config: { model_path: '/m.gguf', gpu_layers: 20 } } })),
    );
    expect(c.argv.join(' ')).toBe(
      'llama-server -m /m.gguf --host 10.0.0.1 --port 9000 -t 8 -ngl 20 --metrics',
    );
  });
  it('dummy: hpcbench serve dummy through the same node binary', () => {
    expect(serverLaunchCommand('dummy', ctx(recipe())).argv).toEqual([
      'node',
      'hb.js',
      'serve',
      'dummy',
      '--host',
      '10.0.0.1',
      '--port',
      '9000',
    ]);
  });
  it('unknown services get E006 listing the known ones', () => {
    expect(() => serverLaunchCommand('triton', ctx(recipe()))).toThrow(
      /known: dummy, llamacpp, ollama, vllm/,
    );
  });
});

describe('containers', () => {
  const r = recipe({
    artifacts: { containers_dir: '/c/', service: { path: 'o.sif', remote: 'docker://ollama/ollama' } },
    binds: ['/a:/b:rw'],
  });
  it('resolves images per role and renders apptainer exec', () => {
    expect(containerFor(r, 'servers')).toEqual({ image: '/c/o.sif', remote: 'docker://ollama/ollama' });
    expect(containerFor(r, 'clients')).toBeUndefined();
    expect(
      containerFor({ ...r, artifacts: { ...r.artifacts, container: 'none' } }, 'servers'),
    ).toBeUndefined();
    expect(
      apptainerExecArgv('/c/o.sif', ['ollama', 'serve'], { gpu: true, binds: r.binds, env: { A: '1' } }),
    ).toEqual([
      'apptainer',
      'exec',
      '--nv',
      '--bind',
      '/a:/b:rw',
      '--env',
      'A=1',
      '/c/o.sif',
      'ollama',
      'serve',
    ]);
    expect(missingImages(r, () => false)).toEqual([{ image: '/c/o.sif', remote: 'docker://ollama/ollama' }]);
    expect(missingImages(r, () => true)).toEqual([]);
  });
});

describe('renderSbatch', () => {
  it('rejects a malformed time limit with E006', () => {
    const r = recipe({ orchestration: { job_config: { time_limit: '90 minutes' } } });
    expect(() => renderSbatch(r, { resultsDir: '/r', hpcbench: ['hb'] })).toThrow(/time_limit.*HH:MM:SS/);
  });
  it('sends TERM 120 s before long limits, a quarter of short ones', () => {
    expect(signalLead('01:00:00')).toBe(120);
    expect(signalLead('00:05:00')).toBe(75);
    expect(signalLead('00:00:20')).toBe(10);
    expect(signalLead('1-00:00:00')).toBe(120);
  });
  it('omits GPU requests when no role uses GPUs and adds reservation', () => {
    const r = recipe({ orchestration: { job_config: { reservation: 'resv1', exclusive: false } } });
    const s = renderSbatch(r, { resultsDir: '/r', hpcbench: ['hb'] });
    expect(s).not.toContain('--gres');
    expect(s).not.toContain('--exclusive');
    expect(s).toContain('#SBATCH --reservation=resv1');
    expect(s).toContain('#SBATCH --nodes=2');
  });
});

describe('planJob', () => {
  it('runs servers.command through sh with {host} and {port}, distinct ports per component', () => {
    const r = recipe({
      workload: { service: 'llamacpp', model: 'm' },
      servers: { command: '/opt/llama/bin/llama-server -m /m.gguf --host {host} --port {port} -t 1' },
      orchestration: { node_allocation: { servers: { nodes: 2 }, clients: { nodes: 2 } } },
      monitoring: { enabled: false },
    });
    const plan = planJob(r, ['n1', 'n2', 'n3', 'n4'], {
      resultsDir: '/r',
      self: ['hb'],
      addresses: { n1: '127.0.0.1', n2: '127.0.0.1' },
    });
    const servers = plan.steps.filter((s) => s.kind === 'server');
    expect(servers.map((s) => s.argv)).toEqual([
      ['/bin/sh', '-c', '/opt/llama/bin/llama-server -m /m.gguf --host 127.0.0.1 --port 8080 -t 1'],
      ['/bin/sh', '-c', '/opt/llama/bin/llama-server -m /m.gguf --host 127.0.0.1 --port 8081 -t 1'],
    ]);
    expect(plan.serverEndpoints).toEqual(['127.0.0.1:8080', '127.0.0.1:8081']);
    // Executors pick free ports and report them (rendezvous) unless a base port is given.
    expect(plan.steps.filter((s) => s.kind === 'executor').map((s) => s.port)).toEqual([0, 0]);
    const fixed = planJob(r, ['n1', 'n2', 'n3', 'n4'], {
      resultsDir: '/r',
      self: ['hb'],
      executorPort: 6000,
      serverPort: 9000,
    });
    expect(fixed.steps.filter((s) => s.kind === 'executor').map((s) => s.port)).toEqual([6000, 6001]);
    expect(fixed.serverEndpoints).toEqual(['n1:9000', 'n2:9001']);
    expect(plan.steps.some((s) => s.kind === 'monitor')).toBe(false);
  });

  it('with monitoring off, a probe step per node writes its description first (run.json provenance)', () => {
    const nodes = ['n1', 'n2', 'n3'];
    const off = planJob(
      recipe({
        resources: { servers: { gpus: 2 } },
        orchestration: { node_allocation: { servers: { nodes: 1 }, clients: { nodes: 2 } } },
        monitoring: { enabled: false },
      }),
      nodes,
      { resultsDir: '/r', self: ['hb'] },
    );
    const probes = off.steps.filter((s) => s.kind === 'probe');
    expect(probes.map((s) => [s.name, s.node, s.gpus])).toEqual([
      ['probe-n1', 'n1', 2],
      ['probe-n2', 'n2', 0],
      ['probe-n3', 'n3', 0],
    ]);
    expect(probes[0].argv).toEqual([
      'hb',
      'probe-host',
      '--output',
      '/r/monitor/n1-server.host.json',
      '--node',
      'n1',
      '--role',
      'server',
    ]);
    expect(probes.map((s) => s.readyFile)).toEqual([
      '/r/monitor/n1-server.host.json',
      '/r/monitor/n2-client.host.json',
      '/r/monitor/n3-client.host.json',
    ]);
    // probes come first, then the servers and executors; the listing waits for the probes
    expect(off.steps.slice(0, 3).every((s) => s.kind === 'probe')).toBe(true);
    const text = renderPlan(off, true).split('\n');
    const wait = text.indexOf('wait');
    expect(text.slice(wait - 3, wait).every((l) => l.includes('probe-host'))).toBe(true);
    expect(text[wait + 1]).toContain('--job-name=server-n1');
    // with monitoring on, the monitor steps write the same files and there is no probe
    const on = planJob(recipe({ monitoring: { enabled: true } }), [...nodes, 'n4'], {
      resultsDir: '/r',
      self: ['hb'],
    });
    expect(on.steps.some((s) => s.kind === 'probe')).toBe(false);
    const monitor = on.steps.find((s) => s.kind === 'monitor' && s.node === 'n1');
    expect(monitor?.argv).toContain('/r/monitor/n1-server.host.json');
  });
});

describe('Pushgateway groups at the end of the job', () => {
  it('deletes the run groups unless monitoring.keep_pushgateway_groups is true', () => {
    expect(pushgatewayCleanupUrl(recipe())).toBeUndefined();
    expect(pushgatewayCleanupUrl(recipe({ monitoring: { pushgateway: 'mel0001' } }))).toBe(
      'http://mel0001:9091',
    );
    expect(
      pushgatewayCleanupUrl(
        recipe({ monitoring: { pushgateway: 'mel0001', keep_pushgateway_groups: false } }),
      ),
    ).toBe('http://mel0001:9091');
    expect(
      pushgatewayCleanupUrl(
        recipe({ monitoring: { pushgateway: 'mel0001', keep_pushgateway_groups: true } }),
      ),
    ).toBeUndefined();
  });

  it('monitor steps keep their group on exit only when the recipe keeps groups', () => {
    const opts = { resultsDir: '/r', self: ['hpcbench'], runId: 'r1' };
    const monitors = (keep: boolean) =>
      planJob(
        recipe({ monitoring: { pushgateway: 'mel0001', keep_pushgateway_groups: keep } }),
        ['a', 'b', 'c', 'd'],
        opts,
      ).steps.filter((s) => s.kind === 'monitor');
    expect(monitors(false).every((s) => !s.argv.includes('--keep-groups'))).toBe(true);
    expect(monitors(true).length).toBeGreaterThan(0);
    expect(monitors(true).every((s) => s.argv.includes('--keep-groups'))).toBe(true);
  });
});
