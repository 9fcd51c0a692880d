/** The remaining sections: artifacts, logging, monitoring, reporting. */
import { z } from 'zod';
import { duration, nonEmpty } from '../../contracts/index.js';

export const artifactSchema = z.object({ path: nonEmpty, remote: nonEmpty.optional() });

/** `container` (a .sif path, `apptainer`, or `none`), `containers_dir`, and per role {path, remote}. */
export const artifactsSchema = z
  .object({
    container: nonEmpty.optional(),
    containers_dir: nonEmpty.optional(),
    dataset: z.union([nonEmpty, artifactSchema], { error: 'expected a path or {path, remote}' }).optional(),
  })
  .catchall(artifactSchema);

const logFile = z
  .string()
  .min(1)
  .refine((s) => !s.startsWith('/') && !s.split(/[\\/]/).includes('..'), {
    message: 'must be a file name relative to the logs folder (no absolute path, no ..)',
  });

export const loggingSchema = z.object({
  enabled: z.boolean({ error: 'expected true or false' }).default(true),
  type: z.literal('tailer', { error: "only 'tailer' is supported" }).default('tailer'),
  create_jsonl: z.boolean({ error: 'expected true or false' }).default(true),
  flush_interval: duration.default(2),
  outputs: z
    .object({
      stdout: logFile.default('stdout.log'),
      stderr: logFile.default('stderr.log'),
      aggregated: logFile.default('aggregated.jsonl'),
    })
    .prefault({}),
  aggregation: z
    .enum(['centralized', 'distributed'], { error: 'expected centralized or distributed' })
    .default('centralized'),
  categories: z
    .array(z.enum(['application', 'system', 'benchmark', 'infrastructure']), {
      error: 'expected a list of application, system, benchmark, infrastructure',
    })
    .default(['application', 'benchmark']),
  format: z.enum(['json', 'text'], { error: 'expected json or text' }).default('json'),
  retention: nonEmpty.default('7d'),
});

export const metricSourceSchema = z.object({
  type: z.enum(['prometheus', 'gpu', 'system', 'custom'], {
    error: 'expected prometheus, gpu, system or custom',
  }),
  scrape_interval: duration.default('5s'),
  targets: z
    .array(z.enum(['servers', 'clients', 'all'], { error: 'expected servers, clients or all' }))
    .optional(),
});

export const monitoringSchema = z.object({
  enabled: z.boolean({ error: 'expected true or false' }).default(true),
  interval: duration.default(5).meta({ description: 'sampling interval of the per-node monitors' }),
  metrics: z
    .array(metricSourceSchema, { error: 'expected a list of {type, scrape_interval?, targets?}' })
    .optional(),
  pushgateway: nonEmpty
    .optional()
    .meta({ description: 'Pushgateway URL or host[:port] (port 9091 by default)' }),
  push_interval: duration.default(15),
  keep_pushgateway_groups: z.boolean({ error: 'expected true or false' }).default(false),
  scrape_server_metrics: duration
    .optional()
    .meta({ description: "interval for scraping the servers' own /metrics" }),
  retention: nonEmpty.default('7d'),
});

/** What the results folder gets besides the per-benchmark data (docs/recipe-reference.md#reporting). */
export const REPORT_FORMATS = ['json', 'md', 'csv', 'html', 'pdf'] as const;

export const reportingSchema = z.object({
  formats: z
    .array(z.enum(REPORT_FORMATS, { error: 'expected json, md, csv, html or pdf' }))
    .default(['json', 'md', 'csv', 'html'])
    .meta({
      description:
        'files written to the results folder: json = summary.json, md = summary.md, csv = benchmarks.csv, html = report.html (pdf: print report.html)',
    }),
  include: z
    .array(
      z.enum(['metrics_summary', 'performance_graphs', 'resource_utilization', 'raw_data'], {
        error: 'expected metrics_summary, performance_graphs, resource_utilization or raw_data',
      }),
    )
    .default(['metrics_summary', 'performance_graphs']),
  output_directory: nonEmpty.default('results').meta({
    description:
      'base folder of the results folder (<output_directory>/<scenario>_<UTC time>/); --results-dir wins',
  }),
});
