/**
 * What a service is, declared once in its `ServiceFactory.registerService` call (built-in services in
 * src/services/factory.ts, plugins in their `register`): the APIs its request client speaks, the default
 * one, the wire protocol of its chat API, where its server answers, what the scraper samples of it, the
 * rates and concurrency that make sense for it, whether a Slurm recipe must give it artifacts, and which
 * server settings travel with each request. `hpcbench validate`, the server managers, the executor, its
 * request client and the monitors all read these; nothing else names a service to decide.
 */
import { z } from 'zod';
import { nonEmpty } from './primitives.js';
import { APIS, apiSchema } from './workload.js';

export const WIRE_PROTOCOLS = ['openai', 'ollama'] as const;
export type WireProtocol = (typeof WIRE_PROTOCOLS)[number];

/** Formats of a `server_status` page the server-metrics scraper reads. */
export const STATUS_FORMATS = ['ollama_ps'] as const;
/** Workload fields a `per_request_config` entry may fill (each sent with every request by its protocol). */
export const PER_REQUEST_FIELDS = ['num_gpu'] as const;

const urlPath = z
  .string({ error: 'expected a URL path such as /health' })
  .regex(/^\/\S*$/, 'expected a URL path starting with / such as /health');

export const serviceCapabilitiesSchema = z
  .strictObject(
    {
      apis: z
        .array(apiSchema, { error: `expected a list of APIs: ${APIS.join(', ')}` })
        .min(1, `list at least one API: ${APIS.join(', ')}`)
        .meta({ description: 'the APIs the request client may use with this service' }),
      default_api: apiSchema.meta({ description: 'the API used when the workload names none' }),
      protocol: z.enum(WIRE_PROTOCOLS, { error: `expected one of ${WIRE_PROTOCOLS.join(', ')}` }).meta({
        description:
          "the service's chat protocol: openai (/v1/chat/completions) or ollama (/api/chat); completions is always OpenAI /v1/completions, generate always Ollama /api/generate",
      }),
      default_port: z
        .int({ error: 'expected a port number (1-65535)' })
        .min(1, 'expected a port number (1-65535)')
        .max(65535, 'expected a port number (1-65535)')
        .meta({ description: 'the port of an endpoint given as a bare host' }),
      health_path: urlPath.meta({ description: 'answers 2xx once the server is ready' }),
      metrics_path: urlPath
        .optional()
        .meta({ description: "the server's own Prometheus metrics, scraped around each benchmark" }),
      default_model: nonEmpty
        .optional()
        .meta({ description: 'the model a workload uses when it names none (then `model` is optional)' }),
      server_status: z
        .strictObject(
          {
            path: urlPath,
            format: z.enum(STATUS_FORMATS, { error: `expected one of ${STATUS_FORMATS.join(', ')}` }),
          },
          { error: 'expected {path, format}, e.g. {path: /api/ps, format: ollama_ps}' },
        )
        .optional()
        .meta({
          description:
            "a JSON status page the server-metrics scraper samples when the service has no metrics_path (ollama_ps: Ollama's /api/ps, the loaded models with their size and VRAM)",
        }),
      plausible_rate: z
        .strictObject(
          {
            rps_per_server: z
              .number({ error: 'expected a positive number of requests/s' })
              .positive('expected a positive number of requests/s'),
            slots_env: z
              .strictObject(
                {
                  name: nonEmpty,
                  default: z
                    .int({ error: 'expected a whole number ≥ 1' })
                    .min(1, 'expected a whole number ≥ 1'),
                },
                { error: 'expected {name, default}' },
              )
              .optional(),
            note: nonEmpty.optional(),
          },
          { error: 'expected {rps_per_server, slots_env?, note?}' },
        )
        .optional()
        .meta({
          description:
            'the highest plausible open-loop rate per server: validate warns above it (× the value of the recipe environment variable `slots_env.name`, its `default` when unset)',
        }),
      min_batching_concurrency: z
        .int({ error: 'expected a whole number ≥ 1' })
        .min(1, 'expected a whole number ≥ 1')
        .optional()
        .meta({
          description:
            'a continuous-batching server: validate warns when a closed loop sends fewer concurrent requests per server',
        }),
      needs_artifacts: z.boolean({ error: 'expected true or false' }).optional().meta({
        description:
          'false: a Slurm recipe needs no `artifacts` (no container or binary) for its servers (default true)',
      }),
      simulated: z.boolean({ error: 'expected true or false' }).optional().meta({
        description:
          "true: a simulator whose latency follows its own model; validate gives no 'no prompt_len' warning",
      }),
      per_request_config: z
        .record(
          nonEmpty,
          z.enum(PER_REQUEST_FIELDS, { error: `expected ${PER_REQUEST_FIELDS.join(', ')}` }),
          {
            error: 'expected {service_config key: workload field}, e.g. {gpu_layers: num_gpu}',
          },
        )
        .optional()
        .meta({
          description:
            "servers.service_config keys that are options of every request, not server flags: each benchmark's spec carries the value under the workload field named (num_gpu: Ollama's options.num_gpu)",
        }),
    },
    { error: 'expected an object {apis, default_api, protocol, default_port, health_path, ...}' },
  )
  .superRefine((c, ctx) => {
    const dup = c.apis.find((a, i) => c.apis.indexOf(a) !== i);
    if (dup) ctx.addIssue({ code: 'custom', path: ['apis'], message: `'${dup}' is listed twice` });
    if (!c.apis.includes(c.default_api))
      ctx.addIssue({
        code: 'custom',
        path: ['default_api'],
        message: `'${c.default_api}' is not one of the service's apis (${c.apis.join(', ')})`,
      });
  });
export type ServiceCapabilities = z.infer<typeof serviceCapabilitiesSchema>;

/**
 * Reads a registration's capabilities; on a problem, the message names each field
 * (`capabilities.default_api: ...`).
 */
export function parseCapabilities(
  raw: unknown,
): { ok: true; capabilities: ServiceCapabilities } | { ok: false; error: string } {
  if (raw === undefined)
    return {
      ok: false,
      error:
        'capabilities: missing: declare {apis, default_api, protocol, default_port, health_path} (docs/extending.md)',
    };
  const r = serviceCapabilitiesSchema.safeParse(raw);
  if (r.success) return { ok: true, capabilities: r.data };
  const msgs = r.error.issues.map((i) => `${['capabilities', ...i.path].join('.')}: ${i.message}`);
  return { ok: false, error: msgs.join('; ') };
}

/** What the server-metrics scraper reads of a service: its Prometheus metrics, else its status page. */
export interface ScrapeSource {
  path: string;
  format: 'prometheus' | (typeof STATUS_FORMATS)[number];
}

/** The scrape source of a service; undefined when it declares neither metrics_path nor server_status. */
export function scrapeSource(c: ServiceCapabilities): ScrapeSource | undefined {
  if (c.metrics_path) return { path: c.metrics_path, format: 'prometheus' };
  return c.server_status;
}

/** Highest plausible open-loop rate per server of a service, requests/s (undefined: no limit declared). */
export function plausibleRatePerServer(
  c: ServiceCapabilities | undefined,
  env: Record<string, unknown>,
): number | undefined {
  const r = c?.plausible_rate;
  if (!r) return undefined;
  if (!r.slots_env) return r.rps_per_server;
  return r.rps_per_server * (Number(env[r.slots_env.name]) || r.slots_env.default);
}
