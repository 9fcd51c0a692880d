/**
 * Host CPU and RAM from /proc: CPU busy % from the delta of the aggregate `cpu` line of /proc/stat between
 * two reads, RAM used = MemTotal − MemAvailable from /proc/meminfo.
 */
import { readFile } from 'node:fs/promises';

export interface CpuTimes {
  busy: number;
  total: number;
}

/** Parses the aggregate `cpu ` line of /proc/stat (iowait counts as idle, as top does). */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate cpu line');
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  const idleAll = idle + iowait;
  const total = user + nice + system + idleAll + irq + softirq + steal;
  return { busy: total - idleAll, total };
}

export function cpuPercent(prev: CpuTimes, cur: CpuTimes): number {
  const dt = cur.total - prev.total;
  if (dt <= 0) return 0;
  return Math.min(100, Math.max(0, ((cur.busy - prev.busy) / dt) * 100));
}

export interface MemInfo {
  totalMB: number;
  usedMB: number;
}

/** RAM in MB (MiB, as the seed's `ram_used_MB`) from /proc/meminfo. */
export function parseMeminfo(text: string): MemInfo {
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const total = kb('MemTotal');
  if (total === undefined) throw new Error('/proc/meminfo has no MemTotal');
  const available = kb('MemAvailable') ?? (kb('MemFree') ?? 0) + (kb('Buffers') ?? 0) + (kb('Cached') ?? 0);
  return { totalMB: total / 1024, usedMB: (total - available) / 1024 };
}

export class ProcSampler {
  private prev?: CpuTimes;

  constructor(private readonly root = '/proc') {}

  /** Reads /proc/stat now; the next `sampleCpu()` reports usage since this call. */
  async baseline(): Promise<void> {
    this.prev = parseProcStat(await readFile(`${this.root}/stat`, 'utf8'));
  }

  /** CPU busy % since the previous call (or the baseline). */
  async sampleCpu(): Promise<number> {
    const cur = parseProcStat(await readFile(`${this.root}/stat`, 'utf8'));
    const pct = this.prev ? cpuPercent(this.prev, cur) : 0;
    this.prev = cur;
    return pct;
  }

  async sampleMem(): Promise<MemInfo> {
    return parseMeminfo(await readFile(`${this.root}/meminfo`, 'utf8'));
  }
}
