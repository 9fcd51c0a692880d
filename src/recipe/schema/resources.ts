/** `resources`: what each role's Slurm step asks for (per node). */
import { z } from 'zod';
import { nonNegativeInt, positiveInt } from '../../contracts/index.js';

export const roleResourcesSchema = z.object({
  gpus: nonNegativeInt.default(0).meta({ description: 'GPUs per node' }),
  cpus_per_task: positiveInt.optional(),
  mem_gb: positiveInt.optional(),
});
export type RoleResources = z.infer<typeof roleResourcesSchema>;
/** The seed's `ResourceConfig`: what one role's Slurm step asks for per node. */
export type ResourceConfig = RoleResources;

export const resourcesSchema = z.object({
  servers: roleResourcesSchema.optional(),
  clients: roleResourcesSchema.optional(),
  monitors: roleResourcesSchema.optional(),
});
