/**
 * Parsing `ray status` (Ray 2.x autoscaler summary) to decide when a cluster is ready: every expected
 * node active and every expected GPU registered. Readiness is decided from this output, never by sleeping.
 */
export interface RayStatus {
  /** Registered nodes (sum of the counts listed under `Active:` and `Idle:`). */
  activeNodes: number;
  /** Nodes still pending (listed under `Pending:`). */
  pendingNodes: number;
  cpusTotal: number;
  gpusTotal: number;
  gpusUsed: number;
}

export function parseRayStatus(text: string): RayStatus | undefined {
  if (!/Node status/.test(text)) return undefined;
  const status: RayStatus = { activeNodes: 0, pendingNodes: 0, cpusTotal: 0, gpusTotal: 0, gpusUsed: 0 };
  let section: 'active' | 'pending' | 'other' = 'other';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    // Newer Ray lists alive-but-idle nodes under `Idle:`; they are registered nodes too.
    if (/^(Active|Idle):/.test(line)) section = 'active';
    else if (/^Pending:/.test(line)) section = 'pending';
    else if (/^(Recent failures|Resources|Usage|Demands|Total Usage|Total Demands):?/.test(line))
      section = 'other';
    else if (section !== 'other') {
      const m = /^(\d+)\s+\S+/.exec(line);
      if (m && !line.startsWith('(')) {
        if (section === 'active') status.activeNodes += Number(m[1]);
        else status.pendingNodes += Number(m[1]);
      } else if (section === 'pending' && /^\S+:\s+\S+,\s+(launching|setting up|waiting)/i.test(line)) {
        status.pendingNodes += 1;
      }
    }
    const cpu = /^([\d.]+)\/([\d.]+)\s+CPU\b/.exec(line);
    if (cpu) status.cpusTotal = Number(cpu[2]);
    const gpu = /^([\d.]+)\/([\d.]+)\s+GPU\b/.exec(line);
    if (gpu) {
      status.gpusUsed = Number(gpu[1]);
      status.gpusTotal = Number(gpu[2]);
    }
  }
  return status;
}

export interface RayExpectation {
  nodes: number;
  gpus: number;
}

/** Ready when every node is active and every GPU registered; otherwise the reason it is not. */
export function rayReadiness(text: string, expect: RayExpectation): { ready: boolean; reason: string } {
  const s = parseRayStatus(text);
  if (!s) {
    const first = text.trim().split('\n').pop() ?? '';
    return { ready: false, reason: `no Ray cluster answered${first ? ` (${first.slice(0, 160)})` : ''}` };
  }
  if (s.activeNodes < expect.nodes)
    return { ready: false, reason: `${s.activeNodes}/${expect.nodes} nodes active` };
  if (s.gpusTotal < expect.gpus)
    return { ready: false, reason: `${s.gpusTotal}/${expect.gpus} GPUs registered` };
  return { ready: true, reason: `${s.activeNodes} nodes, ${s.gpusTotal} GPUs` };
}
