/**
 * Apptainer containers per role, as the original recipes declare them:
 *   artifacts.containers_dir + artifacts.<role image>.path, pulled from `.remote` when missing.
 * Role images: servers → `artifacts.service`, clients (executors) → `artifacts.clients`, monitors →
 * `artifacts.monitors`. A role without an image, or `artifacts.container: none`, runs its binary
 * directly. `apptainer exec` gets `--nv` on GPU roles, `--bind` for each of `binds` and the recipe's
 * `environment` (plus the service's own variables) as `--env K=V`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerArtifact, Role, SlurmRecipe } from './slurm/recipe-view.js';

export interface ContainerImage {
  /** Absolute path of the .sif file. */
  image: string;
  /** Where `apptainer pull` fetches it from when missing (e.g. docker://ollama/ollama:latest). */
  remote?: string;
}

const ROLE_ARTIFACT: Record<Role, string> = { servers: 'service', clients: 'clients', monitors: 'monitors' };

/** The image a role runs in, or undefined to run binaries directly. */
export function containerFor(recipe: SlurmRecipe, role: Role): ContainerImage | undefined {
  const artifacts = recipe.artifacts;
  if (!artifacts || artifacts.container === 'none') return undefined;
  const entry = artifacts[ROLE_ARTIFACT[role]];
  if (entry && typeof entry === 'object') return resolve(artifacts.containers_dir, entry);
  // The seed's single `container: /path/to/image.sif` is the server's image.
  if (role === 'servers' && typeof artifacts.container === 'string' && artifacts.container.endsWith('.sif')) {
    return { image: artifacts.container };
  }
  return undefined;
}

function resolve(dir: string | undefined, entry: ContainerArtifact): ContainerImage {
  const image = dir && !entry.path.startsWith('/') ? join(dir, entry.path) : entry.path;
  return entry.remote ? { image, remote: entry.remote } : { image };
}

export interface ExecOptions {
  gpu: boolean;
  binds?: string[];
  env?: Record<string, string>;
  /** The apptainer binary (`apptainer`; `singularity` on older sites). */
  apptainer?: string;
}

/** `apptainer exec [--nv] [--bind B]... [--env K=V]... IMAGE ARGV...` */
export function apptainerExecArgv(image: string, argv: string[], options: ExecOptions): string[] {
  const out = [options.apptainer ?? 'apptainer', 'exec'];
  if (options.gpu) out.push('--nv');
  for (const b of options.binds ?? []) out.push('--bind', b);
  for (const [k, v] of Object.entries(options.env ?? {})) out.push('--env', `${k}=${v}`);
  out.push(image, ...argv);
  return out;
}

/** `apptainer pull IMAGE REMOTE` */
export function apptainerPullArgv(c: ContainerImage, apptainer = 'apptainer'): string[] | undefined {
  return c.remote ? [apptainer, 'pull', c.image, c.remote] : undefined;
}

/** Images that are missing on the (shared) filesystem and must be pulled before the steps start. */
export function missingImages(
  recipe: SlurmRecipe,
  exists: (p: string) => boolean = existsSync,
): ContainerImage[] {
  const seen = new Map<string, ContainerImage>();
  for (const role of ['servers', 'clients', 'monitors'] as Role[]) {
    const c = containerFor(recipe, role);
    if (c && !exists(c.image)) seen.set(c.image, c);
  }
  return [...seen.values()];
}
