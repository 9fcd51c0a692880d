/**
 * `servers`: health checks and the service's own configuration; for local runs, either `endpoints` of
 * servers already running (attach) or a `command` that starts one ({port} and {host} are filled in).
 * Without either, a local run starts the simulated service `dummy`.
 */
import { z } from 'zod';
import { duration, httpUrl, nonEmpty } from '../../contracts/index.js';

export const healthCheckSchema = z.object({
  enabled: z.boolean({ error: 'expected true or false' }).default(true),
  timeout: duration.default(60).meta({ description: 'how long to wait for every server to be ready' }),
  interval: duration.default(5).meta({ description: 'time between health polls' }),
  endpoint: z
    .string({ error: 'expected a path such as /health' })
    .regex(/^\//, 'expected a path starting with /, e.g. /api/tags')
    .optional()
    .meta({ description: "health path; default: the service's (/api/tags for ollama, /health otherwise)" }),
});

export const serversSchema = z.object({
  health_check: healthCheckSchema.prefault({}),
  service_config: z.record(z.string(), z.unknown(), { error: 'expected a mapping of settings' }).default({}),
  endpoints: z
    .array(httpUrl, { error: 'expected a list of URLs' })
    .min(1, 'expected at least one URL')
    .optional(),
  command: nonEmpty
    .optional()
    .meta({ description: 'command line that starts one server; {port} and {host} are filled in' }),
  port: z.int({ error: 'expected a TCP port' }).min(0).max(65535, 'expected a TCP port 0-65535').optional(),
});
export type Servers = z.infer<typeof serversSchema>;
