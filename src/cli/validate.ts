/**
 * `hpcbench validate FILE... [--service NAME...] [--plugin PATH...] [--list] [--json]`: checks recipes and
 * prints every problem of every file at once, one per line: `file:line:col: error|warning: path: message`.
 * The recipe's `plugins` are loaded first, as `run` loads them, so their services' capabilities are
 * checked too. Dataset files the benchmarks use are read too (a missing one is a warning for `mode: slurm` recipes).
 * With --list, each valid recipe's expanded benchmarks follow in run order. Errors → E006 and exit 1;
 * warnings alone → exit 0.
 */
import type { Command } from '@commander-js/extra-typings';
import type { SearchSettings } from '../decide/search.js';
import { type ConfigIssue, ConfigValidationError, formatConfigIssue } from '../errors.js';
import {
  type BenchmarkPlan,
  checkRecipeFile,
  expandBenchmarks,
  loadRecipePlugins,
  searchSettings,
} from '../recipe/index.js';
import { loadPlugins } from '../services/plugins.js';

interface ListedBenchmark {
  name: string;
  mode: 'closed' | 'open' | 'ramp' | 'trace';
  clients_per_node?: number;
  time_scale?: number;
  target_rps?: number;
  /** A rate ramp: `linear 5->50/s over 60s`. */
  ramp?: string;
  request_distribution?: string;
  duration: number;
  prompts: string;
  /** Multi-turn sessions: `sessions of 4 turns, think 2s`. */
  sessions?: string;
}

function listed(p: BenchmarkPlan): ListedBenchmark {
  const w = p.workload;
  const load = w.load;
  const src = w.prompts;
  const prompts = !src
    ? 'synthetic'
    : src.source === 'synthetic'
      ? `synthetic ${JSON.stringify(src.input_tokens)}->${JSON.stringify(src.output_tokens)} tokens`
      : src.source === 'shared_prefix'
        ? `shared_prefix ${src.groups} x ${src.prefix_len} + ${JSON.stringify(src.suffix_len)}->${JSON.stringify(src.output_tokens)} tokens`
        : src.source === 'trace'
          ? `trace ${src.format} ${src.path}`
          : `${src.source} ${src.path}${src.output_tokens !== undefined ? ` ->${JSON.stringify(src.output_tokens)} tokens` : ''}`;
  return {
    name: p.name,
    mode: load.mode,
    ...(load.mode === 'open'
      ? { target_rps: load.target_rps, request_distribution: load.request_distribution ?? 'constant' }
      : load.mode === 'ramp'
        ? {
            ramp: `${load.ramp} ${load.ramp_start_rps}->${load.ramp_end_rps}/s over ${load.ramp_duration ?? w.duration}s`,
            request_distribution: load.request_distribution ?? 'constant',
          }
        : load.mode === 'closed'
          ? { clients_per_node: load.clients_per_node }
          : { time_scale: load.time_scale ?? 1 }),
    duration: w.duration,
    prompts,
    ...(w.session && {
      sessions: `sessions of ${w.session.turns === undefined ? "the conversation's" : JSON.stringify(w.session.turns)} turns, think ${w.session.think_seconds ?? 0}s`,
    }),
  };
}

/** A search's plan in one line: its probes are chosen as it runs (docs/load-generation.md). */
function searchText(s: SearchSettings): string {
  return (
    `capacity search over ${s.field}: from ${s.start}, ×${s.growth} while the SLO holds (up to ${s.max}, ` +
    `down to ${s.min}), then bisection to ${100 * s.precision}%; at most ${s.max_probes} probes; ` +
    `SLO: ${s.slo.join(', ')}. The first probe:\n`
  );
}

function listText(list: ListedBenchmark[]): string {
  const loads = list.map((b) =>
    b.mode === 'open'
      ? `open   target_rps=${b.target_rps} (${b.request_distribution})`
      : b.mode === 'ramp'
        ? `ramp   ${b.ramp} (${b.request_distribution})`
        : b.mode === 'trace'
          ? `trace  time_scale=${b.time_scale}`
          : `closed users=${b.clients_per_node}/client node`,
  );
  const width = Math.max(...list.map((b) => b.name.length));
  const loadWidth = Math.max(...loads.map((l) => l.length));
  const rows = list.map((b, i) => {
    const n = String(i + 1).padStart(String(list.length).length);
    return `  ${n}. ${b.name.padEnd(width)}  ${loads[i].padEnd(loadWidth)}  duration=${b.duration}s  ${b.prompts}${b.sessions ? `  ${b.sessions}` : ''}`;
  });
  return `${list.length} benchmark(s), in run order:\n${rows.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description(
      'check recipe files: every error and warning with file:line:column, the field and what is allowed',
    )
    .argument('<files...>', 'recipe files (YAML or JSON)')
    .option('--service <names...>', 'service names registered elsewhere, accepted besides the built-in ones')
    .option('--plugin <paths...>', 'service plugin modules to load first (their services become known)')
    .option('--list', 'also list the benchmarks each valid recipe expands to, in run order')
    .option('--json', 'print the issues as JSON ({file, issues}[]) instead of text')
    .option('--strict', 'every warning is an error (exit 1)')
    .action(async (files, opts) => {
      if (opts.plugin?.length) await loadPlugins(opts.plugin, { field: '--plugin' });
      const results: {
        file: string;
        issues: ConfigIssue[];
        benchmarks?: ListedBenchmark[];
        search?: SearchSettings;
      }[] = [];
      for (const file of files) {
        // the recipe's own plugins first (as run loads them): their services and capabilities are known
        const plugins = await loadRecipePlugins(file);
        const check = await checkRecipeFile(file, {
          extraServices: opts.service,
          checkDatasets: true,
          strict: opts.strict,
        });
        check.issues.unshift(...plugins.issues);
        if (plugins.issues.length) check.recipe = undefined;
        const benchmarks =
          opts.list && check.recipe
            ? expandBenchmarks(check.recipe, { baseDir: check.baseDir }).map(listed)
            : undefined;
        const search = opts.list && check.recipe ? searchSettings(check.recipe) : undefined;
        results.push({
          file,
          issues: check.issues,
          ...(benchmarks ? { benchmarks } : {}),
          ...(search ? { search } : {}),
        });
      }
      const count = (s: ConfigIssue['severity']) =>
        results.reduce((n, r) => n + r.issues.filter((i) => i.severity === s).length, 0);
      if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else
        for (const { file, issues, benchmarks, search } of results) {
          for (const issue of issues) process.stdout.write(`${formatConfigIssue(issue)}\n`);
          const errors = issues.filter((i) => i.severity === 'error').length;
          const warnings = issues.length - errors;
          const verdict = errors ? `${errors} error(s)` : 'valid';
          process.stdout.write(`${file}: ${verdict}${warnings ? `, ${warnings} warning(s)` : ''}\n`);
          if (search) process.stdout.write(searchText(search));
          if (benchmarks) process.stdout.write(listText(benchmarks));
        }
      const errors = count('error');
      if (errors > 0) {
        const bad = results.filter((r) => r.issues.some((i) => i.severity === 'error')).length;
        throw new ConfigValidationError(
          `${errors} error(s) in ${bad} of ${files.length} recipe file(s) (listed above)`,
        );
      }
    });
}
