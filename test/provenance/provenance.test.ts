/**
 * Provenance pieces: a host probed with the fake nvidia-smi (GPU models, driver, CUDA) and without one;
 * the servers' identity as vLLM, Ollama and the simulator report it (the simulator answers all three
 * APIs); Slurm job fields from the job's environment; per-node host files merged by node; the recipe and
 * container digests.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osName, parseCudaVersion, probeHost } from '../../src/provenance/host.js';
import { readNodeHosts, runProvenance, slurmJob } from '../../src/provenance/run.js';
import { serverInfo } from '../../src/provenance/server.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { VERSION } from '../../src/version.js';

const FAKE_SMI = fileURLToPath(new URL('../monitor/fixtures/fake-gpu/nvidia-smi', import.meta.url));

let dir: string;
let sim: DummyServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prov-'));
  sim = await startDummyServer({ host: '127.0.0.1' });
});
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('probeHost', () => {
  it('describes CPU, memory, OS and the GPUs nvidia-smi lists, with driver and CUDA version', async () => {
    const h = await probeHost({ node: 'n7', nvidiaSmi: FAKE_SMI });
    expect(h.node).toBe('n7');
    expect(h.hostname.length).toBeGreaterThan(0);
    expect(h.cpu.count).toBeGreaterThan(0);
    expect(h.cpu.model.length).toBeGreaterThan(0);
    expect(h.memory_gib).toBeGreaterThan(0);
    expect(h.os.kernel.length).toBeGreaterThan(0);
    expect(h.gpus).toMatchObject({
      count: 2,
      models: ['NVIDIA H100 80GB HBM3'],
      driver_version: '550.54.15',
      cuda_version: '12.4',
    });
    expect(h.gpus.devices[1]).toEqual({
      index: 1,
      name: 'NVIDIA H100 80GB HBM3',
      memory_total_mib: 81920,
      uuid: 'GPU-fake-1',
    });
  });

  it('without nvidia-smi: no GPUs and a note why', async () => {
    const h = await probeHost({ nvidiaSmi: join(dir, 'no-such-nvidia-smi') });
    expect(h.gpus.count).toBe(0);
    expect(h.gpus.note).toMatch(/not found/);
  });

  it('parses os-release and the nvidia-smi banner', () => {
    expect(osName('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe(
      'Debian GNU/Linux 12 (bookworm)',
    );
    expect(
      parseCudaVersion('| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2 |'),
    ).toBe('12.2');
  });
});

describe('serverInfo', () => {
  it('the simulator says what it is: hpcbench-simulator, its version, the models it serves', async () => {
    const s = await serverInfo(sim.url, 'dummy', 'dummy-model');
    expect(s.notes).toBeUndefined();
    expect(s.version).toBe(VERSION);
    expect(s.details).toMatchObject({ server: 'hpcbench-simulator' });
    expect(s.models).toContain('dummy-model');
    expect(s.model).toMatchObject({ id: 'dummy-model' });
  });

  it('as vLLM (/version, /v1/models) and as Ollama (/api/version, /api/tags, /api/show)', async () => {
    const v = await serverInfo(sim.url, 'vllm', 'dummy-model');
    expect(v.version).toMatch(/^\d+\.\d+/);
    expect(v.models).toContain('dummy-model');
    const o = await serverInfo(sim.url, 'ollama', 'dummy-model');
    expect(o.notes).toBeUndefined();
    expect(o.version).toMatch(/^\d+\.\d+/);
    expect(o.model).toHaveProperty('details');
  });

  it('a server that does not answer: notes, no failure', async () => {
    const s = await serverInfo('http://127.0.0.1:9', 'vllm');
    expect(s.version).toBeUndefined();
    expect(s.notes?.length).toBeGreaterThan(0);
  });
});

describe('runProvenance', () => {
  it('Slurm job fields come from the job environment', () => {
    expect(
      slurmJob({
        SLURM_JOB_ID: '42',
        SLURM_JOB_PARTITION: 'gpu',
        SLURM_JOB_ACCOUNT: 'p200',
        SLURM_JOB_NODELIST: 'n[1-3]',
      }),
    ).toEqual({ job_id: '42', partition: 'gpu', account: 'p200', node_list: 'n[1-3]' });
    expect(slurmJob({})).toBeUndefined();
  });

  it("nodes from the monitors' host files (merged per node), recipe and image digests", async () => {
    const run = join(dir, 'run');
    await mkdir(join(run, 'monitor'), { recursive: true });
    const host = await probeHost({ node: 'n1' });
    await writeFile(join(run, 'monitor', 'n1-server.host.json'), JSON.stringify({ ...host, role: 'server' }));
    await writeFile(
      join(run, 'monitor', 'n2-client.host.json'),
      JSON.stringify({ ...host, node: 'n2', role: 'client' }),
    );
    await writeFile(
      join(run, 'monitor', 'n2-monitor.host.json'),
      JSON.stringify({ ...host, node: 'n2', role: 'monitor' }),
    );
    expect((await readNodeHosts(join(run, 'monitor'))).map((n) => [n.node, n.roles])).toEqual([
      ['n1', ['server']],
      ['n2', ['client', 'monitor']],
    ]);
    const recipe = join(dir, 'r.yaml');
    await writeFile(recipe, 'scenario: x\n');
    const sif = join(dir, 'img.sif');
    await writeFile(sif, 'SIF-bytes');
    const p = await runProvenance({
      runDir: run,
      recipeFile: recipe,
      containers: [
        { role: 'servers', image: sif },
        { role: 'clients', image: join(dir, 'missing.sif'), remote: 'docker://vllm/vllm-openai:v0.8.5' },
      ],
      localRoles: ['orchestrator'],
      env: { SLURM_JOB_ID: '7' },
    });
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(p.recipe).toEqual({ file: recipe, sha256: sha('scenario: x\n') });
    expect(p.containers[0]).toMatchObject({ role: 'servers', sha256: sha('SIF-bytes'), size_bytes: 9 });
    expect(p.containers[1]).toMatchObject({
      remote: 'docker://vllm/vllm-openai:v0.8.5',
      note: 'image file not found',
    });
    expect(p.slurm).toEqual({ job_id: '7' });
    expect(p.nodes.map((n) => n.node)).toEqual(['n1', 'n2']);
    expect(p.hpcbench.version).toBe(VERSION);
    // From a git checkout of hpcbench, its commit (a copy without .git has none).
    if (existsSync(join(p.hpcbench.path, '.git'))) expect(p.hpcbench.git_commit).toMatch(/^[0-9a-f]{40}$/);
    else expect(p.hpcbench.git_commit).toBeUndefined();
    expect(p.node_version).toBe(process.version);
  });
});
