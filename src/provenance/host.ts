/**
 * What one machine is: hostname, CPU model and count, memory, GPUs (model, memory, driver and CUDA
 * version from nvidia-smi when present), OS and kernel. Written by each node's monitor step on Slurm
 * (`hpcbench monitor --host-info FILE`, or `hpcbench probe-host` with monitoring off), probed directly by the orchestrator for its own machine.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { nvidiaSmiCommand } from '../monitor/nvidia-smi.js';

const run = promisify(execFile);

export interface GpuInfo {
  index: number;
  name: string;
  memory_total_mib?: number;
  uuid?: string;
}

export interface HostInfo {
  /** The node's name in the run (`$SLURMD_NODENAME`, else the hostname). */
  node: string;
  hostname: string;
  cpu: { model: string; count: number };
  memory_gib: number;
  gpus: {
    count: number;
    models: string[];
    devices: GpuInfo[];
    driver_version?: string;
    cuda_version?: string;
    /** Why there is no GPU list (no nvidia-smi, or it failed). */
    note?: string;
    /** GPUs Slurm gave the step (`$SLURM_STEP_GPUS`; outside a step `$SLURM_JOB_GPUS`), when set. */
    slurm_gpus?: string;
  };
  os: { name?: string; kernel: string; platform: string; arch: string };
  probed_at: string;
}

/** `PRETTY_NAME` of an os-release file. */
export function osName(text: string): string | undefined {
  const m = /^PRETTY_NAME=(.*)$/m.exec(text);
  return m ? m[1].trim().replace(/^"(.*)"$/, '$1') : undefined;
}

/** `index, name, memory.total, driver_version, uuid` lines of nvidia-smi. */
export function parseGpuList(text: string): { devices: GpuInfo[]; driver?: string } {
  let driver: string | undefined;
  const devices: GpuInfo[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(',').map((s) => s.trim());
    const index = Number.parseInt(f[0] ?? '', 10);
    if (f.length < 2 || !Number.isInteger(index)) continue;
    const mem = Number.parseFloat(f[2] ?? '');
    devices.push({
      index,
      name: f[1],
      ...(Number.isFinite(mem) ? { memory_total_mib: mem } : {}),
      ...(f[4] && !f[4].startsWith('[') ? { uuid: f[4] } : {}),
    });
    if (f[3] && !f[3].startsWith('[')) driver = f[3];
  }
  return { devices, driver };
}

/** `CUDA Version: 12.4` from nvidia-smi's banner. */
export function parseCudaVersion(text: string): string | undefined {
  return /CUDA Version:\s*([\d.]+)/.exec(text)?.[1];
}

async function gpus(command: string): Promise<HostInfo['gpus']> {
  // Inside a step only the step's GPUs count (a step without GPUs still sees the job's SLURM_JOB_GPUS).
  const env = process.env;
  const slurm = env.SLURM_STEP_ID !== undefined ? env.SLURM_STEP_GPUS : env.SLURM_JOB_GPUS;
  const base = slurm ? { slurm_gpus: slurm } : {};
  try {
    const list = await run(
      command,
      ['--query-gpu=index,name,memory.total,driver_version,uuid', '--format=csv,noheader,nounits'],
      { timeout: 15_000 },
    );
    const { devices, driver } = parseGpuList(list.stdout);
    const banner = await run(command, [], { timeout: 15_000 }).catch(() => ({ stdout: '' }));
    return {
      count: devices.length,
      models: [...new Set(devices.map((d) => d.name))],
      devices,
      ...(driver ? { driver_version: driver } : {}),
      ...(parseCudaVersion(banner.stdout) ? { cuda_version: parseCudaVersion(banner.stdout) } : {}),
      ...base,
    };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const note =
      e.code === 'ENOENT' ? `${command} not found` : `${command} failed: ${e.message.split('\n')[0]}`;
    return { count: 0, models: [], devices: [], note, ...base };
  }
}

export async function probeHost(
  o: { node?: string; nvidiaSmi?: string; osRelease?: string } = {},
): Promise<HostInfo> {
  const list = cpus();
  const os = await readFile(o.osRelease ?? '/etc/os-release', 'utf8').then(osName, () => undefined);
  return {
    node: o.node ?? process.env.SLURMD_NODENAME ?? hostname(),
    hostname: hostname(),
    cpu: { model: list[0]?.model.trim() ?? 'unknown', count: list.length },
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    gpus: await gpus(o.nvidiaSmi ?? nvidiaSmiCommand()),
    os: { ...(os ? { name: os } : {}), kernel: release(), platform: platform(), arch: arch() },
    probed_at: new Date().toISOString(),
  };
}

/** Probes this machine and writes its description (with the role it plays) as JSON to `file`. */
export async function writeHostInfo(
  file: string,
  node: string | undefined,
  role?: string,
): Promise<HostInfo> {
  const host = await probeHost({ node });
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ ...host, role }, null, 2)}\n`);
  return host;
}
