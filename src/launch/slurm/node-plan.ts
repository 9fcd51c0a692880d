/**
 * Which node of the allocation plays which role: a pure function of the job's node list and the
 * recipe's `orchestration.node_allocation`. Roles with a `node_range` take those nodes first; the other
 * roles take the remaining nodes in order: servers, then clients, then monitors.
 */
import { ConfigValidationError } from '../../errors.js';
import { expandHostlist } from '../../util/hostlist.js';
import type { Role, RoleAllocation, SlurmRecipe } from './recipe-view.js';

export interface NodePlan {
  servers: string[];
  clients: string[];
  monitors: string[];
}

export const ROLES: Role[] = ['servers', 'clients', 'monitors'];

/** Nodes each role asks for (monitors: 0 unless the recipe allocates a monitor node). */
export function roleNodeCounts(recipe: SlurmRecipe): Record<Role, number> {
  const alloc = recipe.orchestration?.node_allocation;
  return {
    servers: alloc?.servers?.nodes ?? 1,
    clients: alloc?.clients?.nodes ?? 1,
    monitors: alloc?.monitors?.nodes ?? 0,
  };
}

/** Nodes the job needs: servers + clients + monitors. */
export function totalNodes(recipe: SlurmRecipe): number {
  const c = roleNodeCounts(recipe);
  return c.servers + c.clients + c.monitors;
}

export function planNodes(nodes: string[], recipe: SlurmRecipe, file?: string): NodePlan {
  const counts = roleNodeCounts(recipe);
  const need = counts.servers + counts.clients + counts.monitors;
  if (nodes.length < need) {
    throw planError(
      file,
      'orchestration.node_allocation',
      `needs ${need} nodes (servers ${counts.servers} + clients ${counts.clients} + monitors ${counts.monitors}) but the allocation has ${nodes.length}: ${nodes.join(',')}`,
    );
  }
  const alloc = recipe.orchestration?.node_allocation ?? {};
  const used = new Set<string>();
  const plan: NodePlan = { servers: [], clients: [], monitors: [] };
  for (const role of ROLES) {
    const range = (alloc[role] as RoleAllocation | undefined)?.node_range;
    if (!range) continue;
    const picked = resolveRange(range, nodes, `orchestration.node_allocation.${role}.node_range`, file);
    for (const n of picked) {
      if (used.has(n)) {
        throw planError(
          file,
          `orchestration.node_allocation.${role}.node_range`,
          `node ${n} is already used by another role`,
        );
      }
      used.add(n);
    }
    if (picked.length !== counts[role]) {
      throw planError(
        file,
        `orchestration.node_allocation.${role}.node_range`,
        `'${range}' names ${picked.length} nodes but nodes is ${counts[role]}`,
      );
    }
    plan[role] = picked;
  }
  const free = nodes.filter((n) => !used.has(n));
  for (const role of ROLES) {
    if ((alloc[role] as RoleAllocation | undefined)?.node_range) continue;
    plan[role] = free.splice(0, counts[role]);
  }
  return plan;
}

/** `0-2`, `1,3` (indices into the job's node list) or a hostlist (`n[1-2]`) of allocated nodes. */
function resolveRange(range: string, nodes: string[], field: string, file?: string): string[] {
  if (/^[\d,\s-]+$/.test(range)) {
    const out: string[] = [];
    for (const part of range.split(',')) {
      const [a, b] = part.trim().split('-').map(Number);
      for (let i = a; i <= (b ?? a); i++) {
        if (!(i in nodes))
          throw planError(file, field, `index ${i} is outside the allocation (0-${nodes.length - 1})`);
        out.push(nodes[i]);
      }
    }
    return out;
  }
  let names: string[];
  try {
    names = expandHostlist(range);
  } catch (err) {
    throw planError(
      file,
      field,
      `${(err as Error).message}; allowed: indices like '0-2' or a hostlist like 'node[001-003]'`,
    );
  }
  const missing = names.filter((n) => !nodes.includes(n));
  if (missing.length)
    throw planError(file, field, `${missing.join(',')} not in the allocation (${nodes.join(',')})`);
  return names;
}

function planError(file: string | undefined, path: string, message: string): ConfigValidationError {
  return new ConfigValidationError(`cannot place roles on nodes: ${path}: ${message}`, [
    { severity: 'error', path, message, file },
  ]);
}
