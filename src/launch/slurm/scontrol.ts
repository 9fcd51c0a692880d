/**
 * What the job asks Slurm about itself: its nodes (`scontrol show hostnames`), their addresses
 * (`scontrol show node -o`: NodeAddr), and a job's state (`scontrol show job -o`). Parsers are pure.
 */
import { execa } from 'execa';
import { HpcBenchError } from '../../errors.js';
import { parseHostnames } from '../../util/hostlist.js';

export async function jobHostnames(nodelist: string): Promise<string[]> {
  const r = await execa('scontrol', ['show', 'hostnames', nodelist], { reject: false });
  if (r.exitCode !== 0)
    throw new HpcBenchError('E008', `scontrol show hostnames ${nodelist} failed: ${r.stderr.trim()}`);
  return parseHostnames(r.stdout);
}

/** `Key=Value` pairs of one `scontrol -o` line (values may contain spaces only at the end). */
export function parseScontrolLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of line.matchAll(/(\w[\w:/]*)=(\S*)/g)) out[m[1]] = m[2];
  return out;
}

/** NodeName → NodeAddr from `scontrol show node -o` output. */
export function parseNodeAddrs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const kv = parseScontrolLine(line);
    if (kv.NodeName) out[kv.NodeName] = kv.NodeAddr || kv.NodeName;
  }
  return out;
}

export async function nodeAddresses(nodes: string[]): Promise<Record<string, string>> {
  const r = await execa('scontrol', ['show', 'node', '-o', nodes.join(',')], { reject: false });
  const parsed = r.exitCode === 0 ? parseNodeAddrs(r.stdout) : {};
  return Object.fromEntries(nodes.map((n) => [n, parsed[n] ?? n]));
}
