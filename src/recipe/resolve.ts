/** Defaults that depend on other fields, applied after the schema's own defaults. */
import type { Recipe } from './schema/recipe.js';
import { serviceCapabilities } from './services.js';

export function resolveDefaults(r: Recipe): Recipe {
  const w = r.workload;
  const alloc = r.orchestration.node_allocation;
  const cpn = w.clients_per_node ?? w.num_threads ?? w.concurrency ?? alloc.clients.clients_per_node;
  const { num_threads: _n, concurrency: _c, ...workload } = w;
  const sum = alloc.servers.nodes + alloc.clients.nodes + (alloc.monitors?.nodes ?? 0);
  return {
    ...r,
    orchestration: { ...r.orchestration, total_nodes: r.orchestration.total_nodes ?? sum },
    workload: {
      ...workload,
      clients_per_node: cpn,
      // a service with a default model (the simulated one) needs none in the recipe
      model: workload.model ?? serviceCapabilities(workload.service)?.default_model,
    },
  };
}
