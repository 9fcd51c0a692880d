/**
 * A run's provenance (`run.json` → `provenance`): the software (hpcbench version and git commit when run
 * from a checkout, Node), the command line, the recipe's sha256, the Slurm job (id, partition, account,
 * node list, from the job's environment), each container image (path and the sha256 of the SIF file, or
 * its remote URI), the servers' own version and model, and every node taking part: on Slurm the host
 * files written by each node's monitor or probe step (`<run>/monitor/*.host.json`), locally this one
 * machine.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { VERSION } from '../version.js';
import { type HostInfo, probeHost } from './host.js';
import type { ServerInfo } from './server.js';

const run = promisify(execFile);

export interface ContainerImageRef {
  role: string;
  image: string;
  remote?: string;
}

export interface ContainerProvenance extends ContainerImageRef {
  sha256?: string;
  size_bytes?: number;
  note?: string;
}

export interface NodeProvenance extends HostInfo {
  roles: string[];
}

export interface Provenance {
  hpcbench: { version: string; git_commit?: string; git_dirty?: boolean; path: string };
  node_version: string;
  command_line: string[];
  cwd: string;
  recipe?: { file?: string; sha256: string };
  slurm?: { job_id: string; partition?: string; account?: string; node_list?: string; cluster?: string };
  containers: ContainerProvenance[];
  servers: ServerInfo[];
  /** The machine the orchestrator ran on. */
  orchestrator: HostInfo;
  nodes: NodeProvenance[];
  notes?: string[];
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The checkout's commit (and whether tracked files differ from it), when hpcbench runs from one. */
export async function gitCommit(root: string): Promise<{ git_commit?: string; git_dirty?: boolean }> {
  try {
    const head = await run('git', ['-C', root, 'rev-parse', '--show-toplevel', 'HEAD'], { timeout: 5000 });
    const [top, commit] = head.stdout.trim().split('\n');
    // Installed under someone else's repository (node_modules): not our commit.
    if (!top || (await stat(join(top, 'package.json')).catch(() => undefined)) === undefined) return {};
    const pkg = JSON.parse(await readFile(join(top, 'package.json'), 'utf8')) as { name?: string };
    if (pkg.name !== 'hpcbench') return {};
    const st = await run('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], {
      timeout: 5000,
    });
    return { git_commit: commit, git_dirty: st.stdout.trim().length > 0 };
  } catch {
    return {};
  }
}

/** Slurm's view of the job from its environment, inside a job. */
export function slurmJob(env: NodeJS.ProcessEnv = process.env): Provenance['slurm'] {
  if (!env.SLURM_JOB_ID) return undefined;
  const out: NonNullable<Provenance['slurm']> = { job_id: env.SLURM_JOB_ID };
  const set = (k: 'partition' | 'account' | 'node_list' | 'cluster', v: string | undefined) => {
    if (v) out[k] = v;
  };
  set('partition', env.SLURM_JOB_PARTITION);
  set('account', env.SLURM_JOB_ACCOUNT);
  set('node_list', env.SLURM_JOB_NODELIST ?? env.SLURM_NODELIST);
  set('cluster', env.SLURM_CLUSTER_NAME);
  return out;
}

async function container(ref: ContainerImageRef): Promise<ContainerProvenance> {
  const st = await stat(ref.image).catch(() => undefined);
  if (!st?.isFile()) return { ...ref, note: st ? 'not a file (sandbox directory)' : 'image file not found' };
  return { ...ref, size_bytes: st.size, sha256: await sha256File(ref.image) };
}

/** Host files of the nodes' monitor or probe steps (`<node>-<role>.host.json`), merged per node. */
export async function readNodeHosts(monitorDir: string): Promise<NodeProvenance[]> {
  const files = (await readdir(monitorDir).catch(() => [] as string[])).filter((f) =>
    f.endsWith('.host.json'),
  );
  const byNode = new Map<string, NodeProvenance>();
  for (const f of files.sort()) {
    try {
      const h = JSON.parse(await readFile(join(monitorDir, f), 'utf8')) as HostInfo & { role?: string };
      const { role, ...host } = h;
      const prev = byNode.get(host.node);
      if (prev) {
        if (role && !prev.roles.includes(role)) prev.roles.push(role);
      } else byNode.set(host.node, { ...host, roles: role ? [role] : [] });
    } catch {
      // a host file being written: skipped
    }
  }
  return [...byNode.values()];
}

export interface ProvenanceInput {
  runDir: string;
  recipeFile?: string;
  /** The recipe object when no file was given (hashed as JSON). */
  recipe?: unknown;
  containers?: ContainerImageRef[];
  /** Roles of this machine when the run has no per-node host files (a local run: every role). */
  localRoles: string[];
  argv?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Everything but the servers' identity (which needs them up): software, recipe, job, images, nodes. */
export async function runProvenance(i: ProvenanceInput): Promise<Omit<Provenance, 'servers'>> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const notes: string[] = [];
  let recipe: Provenance['recipe'];
  if (i.recipeFile) {
    recipe = { file: i.recipeFile, sha256: await sha256File(i.recipeFile) };
  } else if (i.recipe !== undefined) {
    recipe = { sha256: createHash('sha256').update(JSON.stringify(i.recipe)).digest('hex') };
  }
  const [git, orchestrator, containers, hosts] = await Promise.all([
    gitCommit(root),
    probeHost(),
    Promise.all((i.containers ?? []).map(container)),
    readNodeHosts(join(i.runDir, 'monitor')),
  ]);
  const slurm = slurmJob(i.env);
  let nodes = hosts;
  if (nodes.length === 0) {
    nodes = [{ ...orchestrator, roles: i.localRoles }];
    if (slurm)
      notes.push(
        'no per-node host files (no monitor or probe step wrote one): only the orchestrator node is described',
      );
  }
  return {
    hpcbench: { version: VERSION, ...git, path: root },
    node_version: process.version,
    command_line: i.argv ?? process.argv,
    cwd: process.cwd(),
    ...(recipe ? { recipe } : {}),
    ...(slurm ? { slurm } : {}),
    containers,
    orchestrator,
    nodes,
    ...(notes.length ? { notes } : {}),
  };
}
