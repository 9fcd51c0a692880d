/**
 * A job plan as a readable shell listing: what `hpcbench slurm-job` will start, one `srun` line per
 * step (environment first). Used by `hpcbench sbatch --plan` and by the golden tests.
 */
import type { JobPlan } from './job-plan.js';
import { srunArgv } from './job-plan.js';
import { shJoin } from './shell.js';

export function renderPlan(plan: JobPlan, jobHasGpus: boolean): string {
  const lines = [
    '#!/bin/bash',
    '# Steps hpcbench slurm-job starts inside the allocation (node probes, which run to their end, with',
    '# monitoring off; monitors, Ray, servers, then executors).',
    `# servers: ${plan.nodes.servers.join(',') || '-'}  clients: ${plan.nodes.clients.join(',') || '-'}  monitors: ${plan.nodes.monitors.join(',') || '-'}`,
    `# orchestrator targets: ${plan.serverEndpoints.join(',')} (health ${plan.healthPath})`,
  ];
  if (plan.ray)
    lines.push(
      `# Ray head ${plan.ray.headAddress}; ready when ${plan.ray.expect.nodes} nodes and ${plan.ray.expect.gpus} GPUs are in \`ray status\``,
    );
  plan.steps.forEach((s, i) => {
    const env = Object.entries(s.env).map(([k, v]) => `${k}=${v}`);
    lines.push(`${shJoin([...(env.length ? ['env', ...env] : []), ...srunArgv(s, jobHasGpus)])} &`);
    // the probes run to their end before the next group starts
    if (s.kind === 'probe' && plan.steps[i + 1]?.kind !== 'probe') lines.push('wait');
  });
  lines.push('wait', '');
  return lines.join('\n');
}
