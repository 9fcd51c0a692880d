/**
 * The part of a recipe the Slurm launcher reads, typed structurally so that the resolved `Recipe` from
 * src/recipe is assignable to it. Field names are the recipe's (snake_case, as users write them).
 */
export interface RoleAllocation {
  nodes: number;
  /** Explicit nodes: `0-2` / `1,3` (indices into the job's node list) or a Slurm hostlist `n[1-3]`. */
  node_range?: string;
  clients_per_node?: number;
}

export interface RoleResources {
  gpus?: number;
  cpus_per_task?: number;
  mem_gb?: number;
}

export interface ContainerArtifact {
  path: string;
  remote?: string;
}

export interface SlurmRecipe {
  scenario: string;
  partition?: string;
  account?: string;
  qos?: string;
  modules?: string[];
  orchestration?: {
    mode?: string;
    total_nodes?: number;
    node_allocation?: {
      servers?: RoleAllocation;
      clients?: RoleAllocation;
      monitors?: RoleAllocation;
    };
    job_config?: { time_limit?: string; exclusive?: boolean; reservation?: string };
  };
  resources?: { servers?: RoleResources; clients?: RoleResources; monitors?: RoleResources };
  workload: { service: string; model?: string; clients_per_node?: number };
  servers?: {
    service_config?: Record<string, unknown>;
    port?: number;
    health_check?: { endpoint?: string };
    /** A shell command that starts the server instead of the service's launch command; `{host}`, `{port}` filled in. */
    command?: string;
  };
  environment?: Record<string, string | number | boolean>;
  /** Per role (`service`, `clients`, `monitors`) an image; `container: none` runs binaries directly. */
  artifacts?: {
    container?: string;
    containers_dir?: string;
    [role: string]: ContainerArtifact | string | undefined;
  };
  binds?: string[];
  monitoring?: {
    enabled?: boolean;
    interval?: number | string;
    pushgateway?: string;
    keep_pushgateway_groups?: boolean;
  };
  /** Service plugin modules: executors load them too (`--plugin`). */
  plugins?: string[];
}

export type Role = 'servers' | 'clients' | 'monitors';
