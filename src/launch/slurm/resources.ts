/**
 * Per-role resources and the job-level request derived from them.
 *
 * Heterogeneous roles in one homogeneous job: Slurm sizes every node of an ordinary job alike, so the
 * job asks for the largest per-node request among the roles it uses (GPUs, CPUs, memory), and each
 * component's `srun` step then takes only its own role's share (`-c`, `--mem`, `--gres=gpu:N`). This
 * works on every site (no heterogeneous-job support needed) and with `--exclusive` costs nothing extra.
 */

import { roleNodeCounts } from './node-plan.js';
import type { Role, RoleResources, SlurmRecipe } from './recipe-view.js';

export interface Resources {
  gpus: number;
  cpus: number;
  memGb: number;
}

/** Defaults from the seed's schema: clients 0 GPUs; monitors 4 CPUs / 8 GB. */
const DEFAULTS: Record<Role, Resources> = {
  servers: { gpus: 0, cpus: 1, memGb: 4 },
  clients: { gpus: 0, cpus: 1, memGb: 4 },
  monitors: { gpus: 0, cpus: 4, memGb: 8 },
};

export function roleResources(recipe: SlurmRecipe, role: Role): Resources {
  const r: RoleResources = recipe.resources?.[role] ?? {};
  const d = DEFAULTS[role];
  return { gpus: r.gpus ?? d.gpus, cpus: r.cpus_per_task ?? d.cpus, memGb: r.mem_gb ?? d.memGb };
}

/** The per-node request of the job: the maximum over the roles that have nodes. */
export function jobResources(recipe: SlurmRecipe): Resources {
  const counts = roleNodeCounts(recipe);
  const used = (Object.keys(counts) as Role[]).filter((role) => counts[role] > 0);
  const all = used.map((role) => roleResources(recipe, role));
  return {
    gpus: Math.max(0, ...all.map((r) => r.gpus)),
    cpus: Math.max(1, ...all.map((r) => r.cpus)),
    memGb: Math.max(1, ...all.map((r) => r.memGb)),
  };
}
