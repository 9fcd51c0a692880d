/**
 * What a service is, declared once in its `ServiceFactory.registerService` call (built-in services in
 * src/services/factory.ts, plugins in their `register`): the APIs its request client speaks, the default
 * one, the wire protocol of its chat API, and where its server answers. `hpcbench validate`, the server
 * managers, the executor and its request client all read these; nothing else names a service to decide.
 */
import { z } from 'zod';
import { nonEmpty } from './primitives.js';
import { APIS, apiSchema } from './workload.js';

export const WIRE_PROTOCOLS = ['openai', 'ollama'] as const;
export type WireProtocol = (typeof WIRE_PROTOCOLS)[number];

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
