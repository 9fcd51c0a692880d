import { describe, expect, it } from 'vitest';
import { planExecutors, planServers, withPort } from '../../src/launch/local/local-plan.js';
import type { RunPlan } from '../../src/orchestrator/run-plan.js';

const self = (...args: string[]) => ({ command: 'node', args: ['hpcbench.js', ...args] });
const layout = { runDir: '/r/run_1', self };
const base: RunPlan = {
  scenario: 's',
  service: 'dummy',
  serverConfig: { service_config: { ttft_ms: 20 } },
  benchmarks: [],
  resolved: {},
  clientNodes: 2,
};

describe('local launch plan', () => {
  it('starts the simulated service by default with the recipe service_config, on a free port', () => {
    const [s] = planServers(base, layout);
    expect(s.node).toBe('server-1');
    expect(s.child?.args).toEqual([
      'hpcbench.js',
      'serve',
      'dummy',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--ready-file',
      '/r/run_1/launch/server-1-server.ready.json',
      '--config',
      '{"ttft_ms":20}',
    ]);
    expect(s.child?.logFile).toBe('/r/run_1/logs/server-1-server.log');
  });

  it('attaches to servers.endpoints and runs servers.command with {port}', () => {
    const attach = planServers({ ...base, servers: { endpoints: ['http://127.0.0.1:8000'] } }, layout);
    expect(attach).toEqual([{ node: 'server-1', endpoint: 'http://127.0.0.1:8000' }]);
    const [cmd] = planServers(
      { ...base, servers: { command: 'llama-server --host {host} --port {port}' } },
      layout,
    );
    expect(cmd.needsPort).toBe(true);
    expect(withPort(cmd.child!, 4321).args).toEqual(['-c', 'llama-server --host 127.0.0.1 --port 4321']);
  });

  it('starts one executor per client node, with the token in the environment and its own log', () => {
    const ex = planExecutors({ ...base, plugins: ['./p.js'] }, layout, 'tok');
    expect(ex.map((e) => e.node)).toEqual(['client-1', 'client-2']);
    expect(ex[1].child.env).toEqual({ HPCBENCH_TOKEN: 'tok' });
    expect(ex[1].child.args).toContain('--ready-file');
    expect(ex[1].child.args.slice(-2)).toEqual(['--plugin', './p.js']);
    expect(ex[1].child.logFile).toBe('/r/run_1/logs/client-2-executor.log');
  });
});
