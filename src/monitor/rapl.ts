/**
 * CPU package energy from RAPL through the Linux powercap interface: every package zone
 * `<root>/intel-rapl:N/` (not its sub-zones `intel-rapl:N:M`, which are parts of the package) has a
 * microjoule counter `energy_uj` that wraps at `max_energy_range_uj`. `RaplReader` sums the packages'
 * increments since `open()` into joules, adding `max_energy_range_uj` when a counter went backwards (one
 * wrap between two reads; a counter wraps after hundreds of kJ, i.e. minutes at full power, far longer than
 * a sampling interval). Unreadable counters (no powercap, or `energy_uj` readable by root only, as on
 * kernels since 5.10) leave the reader closed and the monitor without a CPU energy column.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The powercap root, overridable for tests and unusual mounts (HPCBENCH_POWERCAP_ROOT). */
export function powercapRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.HPCBENCH_POWERCAP_ROOT || '/sys/class/powercap';
}

interface Zone {
  dir: string;
  max: number;
  last: number;
}

/** Increment of a counter from `prev` to `cur` that wraps at `max` (both in the counter's unit). */
export function wrappedDelta(prev: number, cur: number, max: number): number {
  return cur >= prev ? cur - prev : cur + max - prev;
}

async function readNumber(file: string): Promise<number> {
  const n = Number((await readFile(file, 'utf8')).trim());
  if (!Number.isFinite(n)) throw new Error(`${file}: not a number`);
  return n;
}

export class RaplReader {
  private zones: Zone[] = [];
  private joules = 0;

  constructor(readonly root = powercapRoot()) {}

  /** Finds the package zones and reads their counters; false when none is readable. */
  async open(): Promise<boolean> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const zones: Zone[] = [];
    for (const name of names.filter((n) => /^intel-rapl:\d+$/.test(n)).sort()) {
      const dir = join(this.root, name);
      try {
        zones.push({
          dir,
          max: await readNumber(join(dir, 'max_energy_range_uj')),
          last: await readNumber(join(dir, 'energy_uj')),
        });
      } catch {
        // not readable (permissions): skip this zone
      }
    }
    this.zones = zones;
    this.joules = 0;
    return zones.length > 0;
  }

  get packages(): number {
    return this.zones.length;
  }

  /** Joules used by all packages since `open()`, or undefined when no counter is readable. */
  async read(): Promise<number | undefined> {
    if (this.zones.length === 0) return undefined;
    for (const z of this.zones) {
      const cur = await readNumber(join(z.dir, 'energy_uj')).catch(() => undefined);
      if (cur === undefined) continue;
      this.joules += wrappedDelta(z.last, cur, z.max) / 1e6;
      z.last = cur;
    }
    return this.joules;
  }
}
