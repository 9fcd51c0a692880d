/** `workload.search`: the recipe fields, their errors at file:line, and the probes a search expands to. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { expandBenchmarks, parseRecipeText, probePlan, searchSettings } from '../../src/recipe/index.js';
import { check, errorsOf, localRecipe } from './helpers.js';

const slo = ['e2e.p99 < 600ms', 'error_rate < 1%'];

describe('workload.search', () => {
  it('defaults: target_rps, growth 2, precision 5%, min start/10, 20 probes', () => {
    const r = parseRecipeText(stringify(localRecipe({ search: { start: 4, max: 100, slo } })), 'r.yaml');
    expect(searchSettings(r.recipe)).toEqual({
      field: 'target_rps',
      start: 4,
      min: 0.4,
      max: 100,
      growth: 2,
      precision: 0.05,
      slo,
      max_probes: 20,
    });
    // one template at start, open loop with the workload's distribution; probes vary only the rate
    const [base, ...rest] = expandBenchmarks(r.recipe);
    expect(rest).toEqual([]);
    expect(base.spec.load).toEqual({ mode: 'open', target_rps: 4, request_distribution: 'constant' });
    const p = probePlan(base, 'target_rps', 12.5);
    expect(p.name).toBe('search_target_rps=12.5');
    expect(p.spec).toMatchObject({ benchmark: p.name, load: { mode: 'open', target_rps: 12.5 } });
    expect(p.spec.duration).toBe(base.spec.duration);
    // an open-loop probe stops early once over-saturated, unless the recipe says otherwise
    expect(p.spec.stop_on_saturation).toBe(true);
    const off = parseRecipeText(
      stringify(localRecipe({ stop_on_saturation: false, search: { start: 4, max: 100, slo } })),
      'r.yaml',
    );
    expect(probePlan(expandBenchmarks(off.recipe)[0], 'target_rps', 8).spec.stop_on_saturation).toBe(false);
  });

  it('a closed-loop search varies clients_per_node (alias concurrency), min 1', () => {
    const r = parseRecipeText(
      stringify(localRecipe({ search: { field: 'concurrency', start: 2, max: 64, slo } })),
      'r.yaml',
    );
    expect(searchSettings(r.recipe)).toMatchObject({ field: 'clients_per_node', min: 1 });
    const base = expandBenchmarks(r.recipe)[0];
    expect(base.spec.load).toEqual({ mode: 'closed', clients_per_node: 2, sleep_seconds: 0 });
    expect(probePlan(base, 'clients_per_node', 5, true)).toMatchObject({
      name: 'search_clients_per_node=5_retry',
      spec: { load: { mode: 'closed', clients_per_node: 5 } },
    });
    expect(probePlan(base, 'clients_per_node', 5).spec.stop_on_saturation).toBeUndefined();
  });

  it('a search of multi-turn sessions searches session arrivals: its unit is sessions/s', () => {
    const r = parseRecipeText(
      stringify(localRecipe({ api: 'chat', session: { turns: 2 }, search: { start: 2, max: 8, slo } })),
      'r.yaml',
    );
    expect(searchSettings(r.recipe)).toMatchObject({ field: 'target_rps', sessions: true });
    const plain = parseRecipeText(stringify(localRecipe({ search: { start: 2, max: 8, slo } })), 'r.yaml');
    expect(searchSettings(plain.recipe)?.sessions).toBeUndefined();
  });

  it('bad searches are E006 errors at their line, naming the field and what is allowed', () => {
    const text = stringify(
      localRecipe({
        target_rps: 5,
        thresholds: ['ttft.p99 < 1s'],
        sweep: { gen_tokens: [16, 32] },
        search: { field: 'clients_per_node', start: 8.5, min: 10, max: 4, growth: 1, slo: ['ttft.p42 < 1s'] },
      }),
    );
    const errors = errorsOf(check(text).issues).map((i) => `${i.line}: ${i.path}: ${i.message}`);
    const line = (key: string) => text.split('\n').findIndex((l) => l.trimStart().startsWith(key)) + 1;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${line('growth:')}: workload.search.growth: must be above 1`)),
        // a mapping's or list's value starts on the line after its key
        expect.stringMatching(new RegExp(`^${line('sweep:') + 1}: workload.sweep: not with workload.search`)),
        expect.stringMatching(
          new RegExp(
            `^${line('thresholds:') + 1}: workload.thresholds: not with workload.search: .*search.slo`,
          ),
        ),
        expect.stringMatching(
          /workload.target_rps: search.field clients_per_node searches closed-loop users/,
        ),
        expect.stringMatching(/workload.search.start: must not exceed search.max \(4\)/),
        expect.stringMatching(/workload.search.min: must not exceed search.start \(8.5\)/),
        expect.stringMatching(/workload.search.start: a whole number of clients per node/),
        expect.stringMatching(/workload.search.slo\[0\]: unknown figure 'ttft.p42'/),
      ]),
    );
  });

  it('an open-loop search takes its rate from the search, not target_rps; slo is required', () => {
    const both = errorsOf(check(localRecipe({ target_rps: 5, search: { start: 1, max: 8, slo } })).issues);
    expect(both.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'workload.target_rps: set per probe by search (field target_rps): remove it here',
    ]);
    const ramp = errorsOf(
      check(
        localRecipe({
          ramp: 'linear',
          ramp_start_rps: 1,
          ramp_end_rps: 9,
          search: { start: 1, max: 8, slo },
        }),
      ).issues,
    );
    expect(ramp.map((i) => i.path)).toContain('workload.ramp');
    // a trace replay ignores the probe's load: every probe would replay the same trace (either field)
    const trace = fileURLToPath(new URL('../../examples/traces/mooncake-sample.jsonl', import.meta.url));
    for (const field of ['target_rps', 'clients_per_node'])
      expect(
        errorsOf(check(localRecipe({ trace, search: { field, start: 1, max: 8, slo } })).issues).map(
          (i) => `${i.path}: ${i.message}`,
        ),
      ).toEqual([expect.stringMatching(/^workload\.trace: not with workload\.search: a trace replay sends/)]);
    const none = errorsOf(check(localRecipe({ search: { start: 1, max: 8 } })).issues);
    expect(none.map((i) => i.path)).toEqual(['workload.search.slo']);
    // poisson arrivals belong to an open-loop search
    const poisson = check(
      localRecipe({
        request_distribution: 'poisson',
        max_concurrency: 64,
        stop_on_saturation: true,
        search: { start: 1, max: 8, slo },
      }),
    );
    expect(errorsOf(poisson.issues)).toEqual([]);
    // open-loop fields are not 'ignored in closed loop': the probes are open loop
    expect(poisson.issues.filter((i) => /closed loop/.test(i.message))).toEqual([]);
  });
});
