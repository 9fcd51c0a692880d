/** `hpcbench executor` as a child process: ready file, token from env or file, plugins, SIGTERM. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnExecutor } from '../fixtures/spawn-executor.js';
import { runCli } from '../helpers/cli.js';

const plugin = fileURLToPath(new URL('../fixtures/plugins/acme-service.mjs', import.meta.url));

describe('hpcbench executor', () => {
  it('listens on a free port, writes the ready file, requires the token on POST, exits cleanly on SIGTERM', async () => {
    const ex = await spawnExecutor(['--service', 'ollama', '--node', 'n7'], { HPCBENCH_TOKEN: 'tok' });
    try {
      expect(ex.url).toBe(`http://127.0.0.1:${ex.port}`);
      expect(ex.node).toBe('n7');
      expect(ex.pid).toBe(ex.child.pid);
      const health = await fetch(`${ex.url}/health`);
      expect(await health.json()).toMatchObject({ service: 'ollama', status: 'ok', node: 'n7' });
      const noToken = await fetch(`${ex.url}/stop`, { method: 'POST' });
      expect(noToken.status).toBe(401);
      const ok = await fetch(`${ex.url}/stop`, { method: 'POST', headers: { authorization: 'Bearer tok' } });
      expect(await ok.json()).toMatchObject({ status: 'stopped' });
    } finally {
      const r = await ex.stop();
      expect(r.exitCode).toBe(0);
      expect(r.all).toMatch(/SIGTERM: stopping/);
    }
  });

  it('reads the token from --token-file and serves a service registered by --plugin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hpcbench-tok-'));
    const file = join(dir, 'token');
    await writeFile(file, 'from-file\n');
    const ex = await spawnExecutor(['--service', 'acme', '--plugin', plugin, '--token-file', file]);
    try {
      expect(await (await fetch(`${ex.url}/health`)).json()).toMatchObject({ service: 'acme' });
      const res = await fetch(`${ex.url}/stop`, {
        method: 'POST',
        headers: { authorization: 'Bearer from-file' },
      });
      expect(res.status).toBe(200);
    } finally {
      await ex.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints E006 without a stack trace for an unknown service or a bad port', async () => {
    const r = await runCli(['executor', '--service', 'nope', '--port', '0']);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toMatch(
      /^E006: unknown service "nope"; registered services: dummy, llamacpp, ollama, vllm/,
    );
    expect(String(r.stderr)).not.toMatch(/\n\s+at /);
    const p = await runCli(['executor', '--service', 'dummy', '--port', '70000']);
    expect(String(p.stderr)).toMatch(/E006: invalid --port/);
  });
});
