/**
 * The first version's recipe format in full: every field of its schema
 * (../shared/reference/original/recipe-format.schema.yaml, walked here) is either honoured — its value
 * from test/fixtures/recipes/every-field.yaml reaches what hpcbench runs (benchmarks, job script, step
 * plan, resolved settings) — or named in a warning at that field. A field the schema gains and this
 * table lacks fails the test.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ConfigIssue } from '../../src/errors.js';
import { planJob } from '../../src/launch/slurm/job-plan.js';
import { renderPlan } from '../../src/launch/slurm/plan-text.js';
import { renderSbatch } from '../../src/launch/slurm/sbatch.js';
import {
  type BenchmarkPlan,
  checkRecipeText,
  expandBenchmarks,
  type LoadedRecipe,
  loadRecipe,
  resolveRecipe,
  validateRecipeFile,
} from '../../src/recipe/index.js';
import { describeOriginals, fixtureRecipe, original } from '../helpers/originals.js';

const FILE = fixtureRecipe('every-field.yaml');
const NODES = ['mel2001', 'mel2002', 'mel2003', 'mel2004'];

interface Ctx {
  loaded: LoadedRecipe;
  plans: BenchmarkPlan[];
  script: string;
  steps: string;
  issues: ConfigIssue[];
}
let ctx: Ctx;
beforeAll(async () => {
  const loaded = await loadRecipe(FILE);
  const { recipe } = loaded;
  const resultsDir = '/scratch/r';
  const self = ['/opt/node/bin/node', '/opt/hpcbench/bin/hpcbench.js'];
  const addresses = Object.fromEntries(NODES.map((n, i) => [n, `10.0.0.${i + 1}`]));
  ctx = {
    loaded,
    plans: expandBenchmarks(recipe, { baseDir: loaded.baseDir }),
    script: renderSbatch(recipe, { resultsDir, hpcbench: self, version: 'X' }),
    steps: renderPlan(planJob(recipe, NODES, { resultsDir, self, addresses, runId: 'r' }), true),
    issues: await validateRecipeFile(FILE, { env: {} }),
  };
});

const values = (key: keyof BenchmarkPlan['workload']) => new Set(ctx.plans.map((p) => p.workload[key]));
/** A load field of every plan (undefined where its mode has no such field). */
const loadValues = (key: string) =>
  new Set(ctx.plans.map((p) => new Map(Object.entries(p.workload.load)).get(key)));
/** The users and think time of a closed-loop recipe's benchmarks (the fixture itself is open loop). */
const closedLoads = (workload: object) =>
  expandBenchmarks(inline({ workload })).map((p) =>
    p.workload.load.mode === 'closed' ? p.workload.load : undefined,
  );
const r = () => ctx.loaded.recipe;
const clients = () => r().orchestration.node_allocation.clients;
const step = (kind: string, node: string) =>
  ctx.steps.split('\n').find((l) => l.includes(`--job-name=${kind}-${node}`));

/** Honoured: what shows that the fixture's value is used. */
const HONOURED: Record<string, () => boolean> = {
  scenario: () => ctx.script.includes('#SBATCH --job-name=hpcbench-every-field'),
  partition: () => ctx.script.includes('#SBATCH --partition=gpu'),
  account: () => ctx.script.includes('#SBATCH --account=p000001'),
  qos: () => ctx.script.includes('#SBATCH --qos=default'),
  repetitions: () => ctx.plans.length === 8 && ctx.plans.filter((p) => p.name.endsWith('_rep2')).length === 4,
  'orchestration.mode': () => r().orchestration.mode === 'slurm' && ctx.script.includes('slurm-job'),
  'orchestration.total_nodes': () => ctx.script.includes('#SBATCH --nodes=4'),
  'orchestration.node_allocation.servers.nodes': () => ctx.steps.split('--job-name=server-').length === 2,
  'orchestration.node_allocation.servers.node_range': () => step('server', 'mel2001') !== undefined,
  'orchestration.node_allocation.clients.nodes': () => ctx.steps.split('--job-name=executor-').length === 3,
  'orchestration.node_allocation.clients.node_range': () =>
    step('executor', 'mel2002') !== undefined && step('executor', 'mel2003') !== undefined,
  // the workload's clients_per_node (a benchmark's users unless the sweep sets them, as concurrency does here)
  'orchestration.node_allocation.clients.clients_per_node': () => r().workload.clients_per_node === 2,
  'orchestration.node_allocation.clients.distribution_strategy': () =>
    values('distribution_strategy').has('static'),
  'orchestration.node_allocation.clients.target_mapping[].client_group': () =>
    clients()
      .target_mapping?.map((m) => m.client_group)
      .join() === 'client-1,client-2',
  'orchestration.node_allocation.clients.target_mapping[].server_endpoints': () =>
    clients().target_mapping?.every((m) => m.server_endpoints.join() === 'server-1') === true,
  'orchestration.node_allocation.monitors.nodes': () =>
    step('monitor', 'mel2004')?.includes('--role monitor') === true,
  'orchestration.node_allocation.monitors.node_range': () => step('monitor', 'mel2004') !== undefined,
  'orchestration.job_config.time_limit': () => ctx.script.includes('#SBATCH --time=01:00:00'),
  'orchestration.job_config.exclusive': () => ctx.script.includes('#SBATCH --exclusive'),
  'orchestration.job_config.reservation': () => ctx.script.includes('#SBATCH --reservation=bench'),
  'resources.servers.gpus': () => step('server', 'mel2001')?.includes('--gres=gpu:1') === true,
  'resources.servers.cpus_per_task': () => step('server', 'mel2001')?.includes('--cpus-per-task=4') === true,
  'resources.servers.mem_gb': () => step('server', 'mel2001')?.includes('--mem=32768M') === true,
  'resources.clients.gpus': () => step('executor', 'mel2002')?.includes('--gres=gpu:0') === true,
  'resources.clients.cpus_per_task': () =>
    step('executor', 'mel2002')?.includes('--cpus-per-task=2') === true,
  'resources.clients.mem_gb': () => step('executor', 'mel2002')?.includes('--mem=8192M') === true,
  'resources.monitors.cpus_per_task': () =>
    step('monitor', 'mel2004')?.includes('--cpus-per-task=2') === true,
  'resources.monitors.mem_gb': () => step('monitor', 'mel2004')?.includes('--mem=4096M') === true,
  'workload.component': () => r().workload.component === 'inference',
  'workload.service': () => step('server', 'mel2001')?.includes('vllm serve meta-llama/Llama-2-7b') === true,
  'workload.duration': () => r().workload.duration === '2m',
  'workload.warmup': () => values('warmup').has(30) && values('warmup').size === 1,
  'workload.benchmark_suite[].name': () => ctx.plans.every((p) => p.name.startsWith('steady_')),
  'workload.benchmark_suite[].duration': () => values('duration').has(60) && values('duration').size === 1,
  // (here the sweep's concurrency sets the users; alone, num_threads does)
  'workload.benchmark_suite[].num_threads': () =>
    closedLoads({ benchmark_suite: [{ name: 'a', num_threads: 3 }] })[0]?.clients_per_node === 3,
  'workload.benchmark_suite[].sleep_seconds': () =>
    closedLoads({ benchmark_suite: [{ name: 'a', sleep_seconds: 0.5 }] })[0]?.sleep_seconds === 0.5,
  'workload.model': () => values('model').has('meta-llama/Llama-2-7b'),
  'workload.prompt_len': () =>
    [
      ...new Set(ctx.plans.map((p) => (p.workload.prompts as { input_tokens?: number }).input_tokens)),
    ].join() === '128,512',
  'workload.gen_tokens': () => values('max_tokens').has(64) && values('max_tokens').size === 1,
  'workload.concurrency': () =>
    closedLoads({ concurrency: [1, 8] })
      .map((l) => l?.clients_per_node)
      .join() === '1,8',
  'workload.target_rps': () => loadValues('target_rps').has(20),
  'workload.request_distribution': () => loadValues('request_distribution').has('poisson'),
  'workload.dataset': () => {
    const p = expandBenchmarks(inline({ workload: { dataset: 'p.jsonl' } }), { baseDir: '/d' });
    return (p[0].workload.prompts as { path?: string }).path === '/d/p.jsonl';
  },
  'servers.health_check.enabled': () => r().servers.health_check.enabled === true,
  'servers.health_check.timeout': () => r().servers.health_check.timeout === 300,
  'servers.health_check.interval': () => r().servers.health_check.interval === 5,
  'servers.health_check.endpoint': () => r().servers.health_check.endpoint === '/health',
  'servers.service_config': () => step('server', 'mel2001')?.includes('--max-model-len 4096') === true,
  'monitoring.enabled': () => ctx.steps.includes('--job-name=monitor-mel2001'),
  'monitoring.metrics[].type': () => step('monitor', 'mel2001')?.includes(' monitor --output') === true,
  'monitoring.metrics[].scrape_interval': () =>
    step('monitor', 'mel2001')?.includes('--interval 2 ') === true,
  'logging.enabled': () => r().logging.enabled === true,
  'logging.aggregation': () => r().logging.outputs.aggregated === 'aggregated.jsonl',
  'logging.format': () => r().logging.create_jsonl === true,
  'artifacts.container': () => step('server', 'mel2001')?.includes('/project/containers/vllm.sif') === true,
  'artifacts.dataset': () => {
    const p = expandBenchmarks(inline({ artifacts: { dataset: 'a.jsonl' } }), { baseDir: '/d' });
    return (p[0].workload.prompts as { path?: string }).path === '/d/a.jsonl';
  },
  binds: () => step('server', 'mel2001')?.includes('--bind /project/data:/data:ro') === true,
  'reporting.formats': () => r().reporting.formats.join() === 'json,csv',
  'reporting.output_directory': () => r().reporting.output_directory === '/scratch/experiments',
};

/** Named in a warning at the field (the fixture sets each). */
const WARNED = [
  'workload.batch',
  'monitoring.metrics[].targets',
  'monitoring.retention',
  'logging.categories',
  'logging.retention',
  'reporting.include',
];

function inline(extra: { workload?: object; artifacts?: object }) {
  const recipe = { scenario: 'x', workload: { service: 'dummy', duration: '20s', ...extra.workload } };
  return resolveRecipe({ ...recipe, ...(extra.artifacts ? { artifacts: extra.artifacts } : {}) }).recipe;
}

/** Every leaf field of a JSON Schema (YAML), `a.b[].c` for the properties of array items. */
function leaves(schema: Record<string, unknown>, prefix = ''): string[] {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(props).flatMap(([key, s]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (s.type === 'object' && s.properties) return leaves(s, path);
    const items = s.items as Record<string, unknown> | undefined;
    if (s.type === 'array' && items?.type === 'object' && items.properties) return leaves(items, `${path}[]`);
    return [path];
  });
}

const warnedAt = (field: string) =>
  ctx.issues.filter((i) => i.severity === 'warning' && i.path.replace(/\[\d+\]/g, '[]') === field);

describe('the fixture in the original format', () => {
  it('validates without errors', () => {
    expect(ctx.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
  it.each(Object.keys(HONOURED))('%s is honoured', (field) => {
    expect(HONOURED[field](), field).toBe(true);
  });
  it.each(WARNED)('%s is named in a warning', (field) => {
    expect(warnedAt(field), field).not.toEqual([]);
  });
  it('lists become benchmarks: --list shows one per prompt_len × concurrency × repetition', () => {
    expect(ctx.plans.map((p) => p.name).slice(0, 4)).toEqual([
      'steady_prompt_len=128,gen_tokens=64,concurrency=1_rep1',
      'steady_prompt_len=128,gen_tokens=64,concurrency=8_rep1',
      'steady_prompt_len=512,gen_tokens=64,concurrency=1_rep1',
      'steady_prompt_len=512,gen_tokens=64,concurrency=8_rep1',
    ]);
  });
  it('artifacts.python (not in the schema, in both MeluXina recipes) is explained in a warning', () => {
    const [w] = warnedAt('artifacts.python');
    expect(w?.message).toMatch(/host's Node .*artifacts\.clients names a container with Node/);
  });
});

describeOriginals('every field of the original schema', () => {
  it('is honoured or named in a warning', () => {
    const schema = parse(readFileSync(original('recipe-format.schema.yaml'), 'utf8'));
    const fields = leaves(schema);
    expect(fields.length).toBeGreaterThan(60);
    const covered = new Set([...Object.keys(HONOURED), ...WARNED]);
    expect(fields.filter((f) => !covered.has(f))).toEqual([]);
    expect([...covered].filter((f) => !fields.includes(f))).toEqual([]);
  });
});

describe('a list in prompt_len, gen_tokens or concurrency', () => {
  const text = (workload: string) => `scenario: l\nworkload:\n  service: dummy\n  duration: 20s\n${workload}`;
  it('a bad value is reported where the list is written', () => {
    const { issues } = checkRecipeText(text('  prompt_len: [16, 0]\n'), 'l.yaml');
    expect(issues.filter((i) => i.severity === 'error')).toMatchObject([
      { path: 'workload.prompt_len[1]', line: 5, column: 20 },
    ]);
  });
  it('the same field also in workload.sweep is an error', () => {
    const { issues } = checkRecipeText(
      text('  concurrency: [1, 2]\n  sweep: {clients_per_node: [4]}\n'),
      'l.yaml',
    );
    expect(issues.filter((i) => i.severity === 'error')).toMatchObject([
      {
        path: 'workload.concurrency',
        line: 5,
        message: expect.stringMatching(/already lists clients_per_node/),
      },
    ]);
  });
});
