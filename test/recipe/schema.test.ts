/** The schema, defaults, durations, positions and messages of single fields. */
import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from '../../src/errors.js';
import { parseRecipeText, resolveRecipe, seconds } from '../../src/recipe/index.js';
import { check, errorsOf, localRecipe, warningsOf } from './helpers.js';

describe('defaults', () => {
  it('fills in the documented defaults and keeps durations as written', () => {
    const { recipe } = parseRecipeText(
      'scenario: s\nworkload:\n  service: dummy\n  duration: 2m\n',
      'r.yaml',
    );
    expect(recipe.orchestration).toMatchObject({
      mode: 'local',
      total_nodes: 2,
      node_allocation: {
        servers: { nodes: 1 },
        clients: { nodes: 1, clients_per_node: 1, distribution_strategy: 'round-robin' },
      },
      job_config: { time_limit: '02:00:00', exclusive: true },
    });
    expect(recipe.workload).toMatchObject({
      component: 'inference',
      duration: '2m',
      warmup: '30s',
      stream: true,
      request_distribution: 'constant',
      clients_per_node: 1,
      model: 'dummy-model',
    });
    expect(seconds(recipe.workload.duration)).toBe(120);
    expect(recipe.servers.health_check).toEqual({ enabled: true, timeout: 60, interval: 5 });
    expect(recipe.logging).toMatchObject({
      enabled: true,
      type: 'tailer',
      flush_interval: 2,
      format: 'json',
    });
    expect(recipe.monitoring).toMatchObject({ enabled: true, interval: 5, push_interval: 15 });
    expect(recipe.reporting).toMatchObject({
      formats: ['json', 'md', 'csv', 'html'],
      output_directory: 'results',
    });
    expect(recipe.repetitions).toBe(1);
  });

  it('workload.clients_per_node falls back to node_allocation.clients.clients_per_node, then num_threads wins', () => {
    const alloc = { mode: 'local', node_allocation: { clients: { nodes: 2, clients_per_node: 7 } } };
    const a = resolveRecipe({
      scenario: 's',
      orchestration: alloc,
      workload: { service: 'dummy', duration: 20 },
    });
    expect(a.recipe.workload.clients_per_node).toBe(7);
    const b = resolveRecipe({
      scenario: 's',
      orchestration: alloc,
      workload: { service: 'dummy', duration: 20, num_threads: 3 },
    });
    expect(b.recipe.workload.clients_per_node).toBe(3);
    expect(b.recipe.workload).not.toHaveProperty('num_threads');
  });
});

describe('durations', () => {
  it.each([
    ['30s', 30],
    ['15m', 900],
    ['2h', 7200],
    [45, 45],
    ['1h30m', 5400],
    ['90', 90],
  ])('%s', (d, s) => {
    const { recipe } = parseRecipeText(
      `scenario: s\nworkload: {service: dummy, duration: ${JSON.stringify(d)}}\n`,
      'r.yaml',
    );
    expect(seconds(recipe.workload.duration)).toBe(s);
  });

  it.each(['10minutes', 'soon', '-5', ''])('rejects %j with what is allowed', (d) => {
    const { issues } = check(localRecipe({ duration: d }));
    expect(errorsOf(issues)).toEqual([
      expect.objectContaining({
        path: 'workload.duration',
        message: expect.stringMatching(/'30s', '15m', '2h'/),
      }),
    ]);
  });
});

describe('errors', () => {
  it('each issue has file:line:column and the dotted path; every problem is reported at once', () => {
    const text = [
      'scenario: s', //                     1
      'orchestration:', //                  2
      '  mode: kubernetes', //              3
      'workload:', //                       4
      '  service: vllm', //                 5
      '  duration: 1m', //                  6
      '  api: generate', //                 7
      '  request_distribution: zigzag', //  8
      '  benchmark_suite:', //              9
      '    - name: a', //                   10
      '      clients_per_node: 0', //       11
      '    - name: a', //                   12
      '  sweep: { mode: zip, target_rps: [1, 2], concurrency: [1] }', // 13
    ].join('\n');
    const { issues, recipe } = check(text);
    expect(recipe).toBeUndefined();
    const at = Object.fromEntries(errorsOf(issues).map((i) => [i.path, [i.line, i.column, i.message]]));
    expect(at['orchestration.mode']).toEqual([
      3,
      9,
      expect.stringMatching(/kubernetes is not supported.*local or slurm/),
    ]);
    expect(at['workload.model']).toEqual([4, 1, expect.stringMatching(/required for service vllm/)]);
    expect(at['workload.api']).toEqual([7, 8, expect.stringMatching(/'completions' or 'chat'/)]);
    expect(at['workload.request_distribution']).toEqual([
      8,
      25,
      expect.stringMatching(/constant, poisson, burst/),
    ]);
    expect(at['workload.benchmark_suite[0].clients_per_node']).toEqual([11, 25, 'must be at least 1']);
    expect(at['workload.sweep.mode']).toEqual([
      13,
      18,
      expect.stringMatching(/equal length.*target_rps: 2, concurrency: 1/),
    ]);
    expect(at['workload.benchmark_suite[1].name']).toEqual([
      12,
      13,
      expect.stringMatching(/duplicate benchmark name "a"/),
    ]);
  });

  it('a section of the wrong shape says what it must be', () => {
    expect(errorsOf(check('scenario: s\nworkload: 5\n').issues)).toEqual([
      expect.objectContaining({ path: 'workload', line: 2, column: 11, message: 'expected a mapping' }),
    ]);
    expect(errorsOf(check(localRecipe({}, { binds: 'a:b' })).issues)[0].message).toMatch(
      /list of bind mounts/,
    );
  });

  it('a missing required field points at its parent and says it is required', () => {
    const { issues } = check('scenario: s\nworkload:\n  duration: 1m\n');
    expect(errorsOf(issues)).toEqual([
      expect.objectContaining({
        path: 'workload.service',
        line: 2,
        column: 1,
        message: expect.stringMatching(/^required/),
      }),
    ]);
  });

  it('slurm mode needs partition, account and resources; local mode does not', () => {
    const slurm = check({
      scenario: 's',
      orchestration: { mode: 'slurm' },
      workload: { service: 'dummy', duration: '1m' },
    });
    expect(
      errorsOf(slurm.issues)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['account', 'partition', 'resources']);
    expect(errorsOf(check(localRecipe()).issues)).toEqual([]);
  });

  it('unknown services list the registered ones; a caller may add names', () => {
    const r = localRecipe({ service: 'triton', model: 'm' });
    expect(errorsOf(check(r).issues)[0].message).toMatch(
      /unknown service "triton".*dummy, llamacpp, ollama, vllm/,
    );
    expect(errorsOf(check(r, { extraServices: ['triton'] }).issues)).toEqual([]);
    const withPlugin = check({ ...r, plugins: ['./triton-plugin.js'] }).issues;
    expect(errorsOf(withPlugin)).toEqual([]);
    expect(
      warningsOf(withPlugin)
        .map((w) => w.message)
        .join('\n'),
    ).toMatch(/registered by the recipe's plugins/);
  });

  it('endpoints and command exclude each other; static distribution needs a target mapping', () => {
    const { issues } = check(
      localRecipe(
        {},
        {
          servers: { endpoints: ['http://127.0.0.1:8000'], command: 'llama-server --port {port}' },
          orchestration: { node_allocation: { clients: { distribution_strategy: 'static' } } },
        },
      ),
    );
    expect(errorsOf(issues).map((i) => i.path)).toEqual([
      'orchestration.node_allocation.clients.target_mapping',
      'servers.command',
    ]);
  });

  it('parseRecipeText throws E006 listing every error; JSON works too', () => {
    const json = JSON.stringify(
      { scenario: 's', workload: { service: 'dummy', duration: 'x', warmup: 'y' } },
      null,
      2,
    );
    const err = (() => {
      try {
        parseRecipeText(json, 'r.json');
      } catch (e) {
        return e as ConfigValidationError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err?.code).toBe('E006');
    expect(err?.issues.map((i) => `${i.line}:${i.path}`)).toEqual([
      '5:workload.duration',
      '6:workload.warmup',
    ]);
    expect(err?.format()).toMatch(/r\.json:5:17: error: workload\.duration: expected a duration/);
  });
});

describe('unknown keys', () => {
  it('a near miss of a known key is an error with "did you mean"; other unknown keys are warnings', () => {
    const typos = check(
      localRecipe({ durration: '1m', prompt_length: 5, client_per_node: 4 }, { monitorng: {} }),
    );
    expect(typos.recipe).toBeUndefined();
    const e = Object.fromEntries(
      typos.issues.filter((i) => i.severity === 'error').map((i) => [i.path, i.message]),
    );
    expect(e['workload.durration']).toMatch(/did you mean "duration"/);
    expect(e['workload.prompt_length']).toMatch(/did you mean "prompt_len"/);
    expect(e['workload.client_per_node']).toMatch(/did you mean "clients_per_node"/);
    expect(e.monitorng).toMatch(/did you mean "monitoring"/);
    const { issues, recipe } = check(localRecipe({ frobnicate: 1 }));
    expect(recipe).toBeDefined();
    const w = Object.fromEntries(warningsOf(issues).map((i) => [i.path, i.message]));
    expect(w['workload.frobnicate']).toMatch(/known keys here: .*service/);
  });

  it('free-form sections (service_config, environment) and artifact roles take any key', () => {
    const { issues } = check(
      localRecipe(
        {},
        {
          servers: { service_config: { anything: { nested: 1 } } },
          environment: { OLLAMA_NUM_PARALLEL: 4 },
          artifacts: { executor: { path: 'x.sif', remote: 'docker://x' } },
        },
      ),
    );
    expect(issues).toEqual([]);
  });
});

describe('plausibility warnings', () => {
  it('very short runs, and measurement shorter than warmup', () => {
    expect(warningsOf(check(localRecipe({ duration: '5s', warmup: '1s' })).issues)[0].message).toMatch(
      /very short/,
    );
    expect(warningsOf(check(localRecipe({ duration: '20s', warmup: '1m' })).issues)[0].message).toMatch(
      /shorter than the warmup/,
    );
  });

  it('a short workload duration that every suite entry overrides is no warning', () => {
    const r = localRecipe({ duration: '2s', benchmark_suite: [{ name: 'a', duration: '1m' }] });
    expect(warningsOf(check(r).issues)).toEqual([]);
    const short = localRecipe({ benchmark_suite: [{ name: 'a', duration: '3s' }] });
    expect(warningsOf(check(short).issues)[0].path).toBe('workload.benchmark_suite[0].duration');
  });

  it('a rate ramp needs its two rates and no target_rps, named by field (suite entries merged)', () => {
    const ok = localRecipe({
      ramp: 'exponential',
      ramp_start_rps: 1,
      ramp_end_rps: 64,
      ramp_duration: '1m',
      request_distribution: 'poisson',
      max_concurrency: 8,
      stop_on_saturation: true,
    });
    // a ramp is open loop: its distribution, cap and stop_on_saturation apply
    expect(check(ok).issues).toEqual([]);
    const bad = (w: Record<string, unknown>) =>
      errorsOf(check(localRecipe(w)).issues).map((i) => [i.path, i.message]);
    expect(bad({ ramp: 'linear', ramp_end_rps: 9, target_rps: 5 })).toEqual([
      ['workload.ramp_start_rps', 'required with ramp: requests/s at its start'],
      ['workload.target_rps', 'give either target_rps (a fixed rate) or ramp (a changing rate), not both'],
    ]);
    expect(bad({ ramp: 'quadratic', ramp_start_rps: 1, ramp_end_rps: 2 })[0]).toEqual([
      'workload.ramp',
      'expected one of linear, exponential',
    ]);
    expect(bad({ ramp_end_rps: 9 })).toEqual([
      ['workload.ramp_end_rps', 'only used with ramp: linear or exponential'],
    ]);
    const suite = localRecipe({
      ramp_end_rps: 9,
      benchmark_suite: [
        { name: 'up', ramp: 'linear' },
        { name: 'fixed', target_rps: 5 },
      ],
    });
    expect(errorsOf(check(suite).issues).map((i) => [i.path, i.message])).toEqual([
      ['workload.benchmark_suite[0]', 'required with ramp: requests/s at its start'],
    ]);
  });

  it('stop_on_saturation on a closed-loop run has no effect; open loop takes it without a word', () => {
    expect(warningsOf(check(localRecipe({ stop_on_saturation: true })).issues)).toEqual([
      expect.objectContaining({
        path: 'workload.stop_on_saturation',
        message: expect.stringMatching(/no effect in closed loop/),
      }),
    ]);
    expect(warningsOf(check(localRecipe({ stop_on_saturation: true, target_rps: 5 })).issues)).toEqual([]);
    expect(check(localRecipe({ stop_on_saturation: 'yes' })).issues).toEqual([
      expect.objectContaining({
        path: 'workload.stop_on_saturation',
        message: expect.stringMatching(/true or false/),
      }),
    ]);
  });

  it('max_concurrency on a closed-loop run, also a suite entry that unsets target_rps', () => {
    expect(warningsOf(check(localRecipe({ max_concurrency: 4 })).issues)).toEqual([
      expect.objectContaining({
        path: 'workload.max_concurrency',
        message: expect.stringMatching(
          /ignored: without target_rps this benchmark is closed loop .*max_concurrency applies to open loop only: set target_rps/,
        ),
      }),
    ]);
    const suite = localRecipe({
      target_rps: 5,
      max_concurrency: 4,
      benchmark_suite: [{ name: 'open' }, { name: 'closed', target_rps: null }],
    });
    expect(warningsOf(check(suite).issues)).toEqual([
      expect.objectContaining({
        path: 'workload.benchmark_suite[1].target_rps',
        message: expect.stringMatching(/this entry runs closed loop; max_concurrency caps open-loop/),
      }),
    ]);
    // the entry's own max_concurrency: null unsets the cap too
    const unset = localRecipe({
      target_rps: 5,
      max_concurrency: 4,
      benchmark_suite: [{ name: 'closed', target_rps: null, max_concurrency: null }],
    });
    expect(warningsOf(check(unset).issues)).toEqual([]);
  });

  it('a rate above what the client executors can send is an error naming what fits; below it, no warning', () => {
    const { issues } = check(localRecipe({ target_rps: 50_000 }));
    expect(issues.filter((i) => i.severity === 'error')).toEqual([
      expect.objectContaining({
        path: 'workload.target_rps',
        message: expect.stringMatching(
          /25,000 req\/s per executor \(50,000 req\/s over 2 executors\) .* at most 40,000 req\/s fits/,
        ),
      }),
    ]);
    const fits = check(localRecipe({ target_rps: 40_000 })).issues;
    expect(fits.filter((i) => i.path === 'workload.target_rps')).toEqual([]);
  });

  it('more nodes than the Slurm allocation this runs in', () => {
    const r = localRecipe(
      {},
      {
        orchestration: {
          mode: 'local',
          total_nodes: 3,
          node_allocation: { servers: { nodes: 1 }, clients: { nodes: 2 } },
        },
      },
    );
    expect(warningsOf(check(r, { env: { SLURM_JOB_NUM_NODES: '3' } }).issues)).toEqual([]);
    expect(warningsOf(check(r, { env: { SLURM_JOB_NUM_NODES: '2', SLURM_JOB_ID: '7' } }).issues)).toEqual([
      expect.objectContaining({
        path: 'orchestration.total_nodes',
        message: 'the recipe needs 3 nodes but this Slurm allocation (job 7) has 2',
      }),
    ]);
  });

  it('Ollama: the plausible rate follows OLLAMA_NUM_PARALLEL', () => {
    const r = localRecipe({ service: 'ollama', model: 'm', prompt_len: 8, target_rps: 60 });
    expect(warningsOf(check(r).issues)).toHaveLength(1);
    expect(warningsOf(check({ ...r, environment: { OLLAMA_NUM_PARALLEL: '8' } }).issues)).toEqual([]);
  });
});
