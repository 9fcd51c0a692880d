/** RAPL CPU package energy from a fake powercap tree: package zones only, counter wrap-around, the CSV column. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Monitor } from '../../src/monitor/monitor.js';
import { parseMonitorCsv } from '../../src/monitor/monitor-csv.js';
import { RaplReader, wrappedDelta } from '../../src/monitor/rapl.js';

const MAX = 262_143_328_850; // a typical max_energy_range_uj

function zone(root: string, name: string, energyUj: number, max = MAX): void {
  mkdirSync(join(root, name), { recursive: true });
  writeFileSync(join(root, name, 'max_energy_range_uj'), `${max}\n`);
  writeFileSync(join(root, name, 'energy_uj'), `${energyUj}\n`);
}

describe('RaplReader', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'powercap-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('sums the packages, ignores sub-zones, and counts through a wrap-around', async () => {
    zone(root, 'intel-rapl:0', MAX - 2_000_000); // 2 J below the wrap
    zone(root, 'intel-rapl:0:0', 5); // core sub-zone: part of package 0, not added again
    zone(root, 'intel-rapl:1', 10_000_000);
    const r = new RaplReader(root);
    expect(await r.open()).toBe(true);
    expect(r.packages).toBe(2);
    expect(await r.read()).toBe(0);
    zone(root, 'intel-rapl:0', 3_000_000); // wrapped: 2 J + 3 J
    zone(root, 'intel-rapl:0:0', 999_999_999);
    zone(root, 'intel-rapl:1', 17_500_000); // + 7.5 J
    expect(await r.read()).toBeCloseTo(12.5, 9);
    zone(root, 'intel-rapl:0', 4_000_000); // + 1 J
    expect(await r.read()).toBeCloseTo(13.5, 9);
    expect(wrappedDelta(90, 10, 100)).toBe(20);
  });

  it('no powercap tree, or unreadable counters: closed, nothing read', async () => {
    const r = new RaplReader(join(root, 'missing'));
    expect(await r.open()).toBe(false);
    expect(await r.read()).toBeUndefined();
    mkdirSync(join(root, 'intel-rapl:0'));
    expect(await new RaplReader(root).open()).toBe(false);
  });

  it('the monitor writes cumulative CPU package joules when RAPL is readable', async () => {
    zone(root, 'intel-rapl:0', MAX - 1_000_000);
    const file = join(root, 'out', 'm.csv');
    const m = new Monitor({
      outputFile: file,
      interval: 0.1,
      metrics: ['cpu'],
      node: 'n1',
      powercapRoot: root,
    });
    await m.start();
    // The counter moves only when this test writes it: the monitor's readings follow it exactly.
    zone(root, 'intel-rapl:0', 4_000_000); // wrapped: +5 J
    await new Promise((r) => setTimeout(r, 400));
    await m.stop();
    const rows = parseMonitorCsv(readFileSync(file, 'utf8'));
    expect(Object.keys(rows[0])).toContain('cpu_energy_J');
    expect(rows.at(-1)?.cpu_energy_J).toBeCloseTo(5, 6);
  });
});
