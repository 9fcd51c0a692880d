/**
 * The Slurm job script of a recipe: a pure function (no clock, no filesystem), golden-tested.
 * `#SBATCH` lines from the recipe, `module load` lines, then hpcbench itself runs the run inside the
 * allocation (`hpcbench slurm-job RESULTS_DIR`), with TERM forwarded so that a cancelled or timed-out
 * job still writes its results and stops every step.
 */
import { ConfigValidationError } from '../../errors.js';
import { parseSlurmTime, SLURM_TIME_HELP } from '../../util/slurm-time.js';
import { roleNodeCounts } from './node-plan.js';
import type { SlurmRecipe } from './recipe-view.js';
import { jobResources } from './resources.js';
import { shJoin, shQuote } from './shell.js';

export interface SbatchOptions {
  /** Absolute results folder of the run; the job's files go to its `slurm/` folder (which must exist). */
  resultsDir: string;
  /** How compute nodes run hpcbench: argv prefix, e.g. ['/usr/bin/node', '/opt/hpcbench/bin/hpcbench.js']. */
  hpcbench: string[];
  /** Seconds before the time limit at which Slurm sends TERM to the batch shell (default `signalLead`). */
  signalSeconds?: number;
  version?: string;
  /** Recipe file name, for error messages. */
  file?: string;
}

const DEFAULT_TIME_LIMIT = '02:00:00';

export function renderSbatch(recipe: SlurmRecipe, options: SbatchOptions): string {
  const counts = roleNodeCounts(recipe);
  const nodes = counts.servers + counts.clients + counts.monitors;
  const res = jobResources(recipe);
  const job = recipe.orchestration?.job_config ?? {};
  const time = job.time_limit ?? DEFAULT_TIME_LIMIT;
  if (parseSlurmTime(time) === undefined) {
    throw fieldError(
      options.file,
      'orchestration.job_config.time_limit',
      `'${time}' is not ${SLURM_TIME_HELP}`,
    );
  }
  const signal = options.signalSeconds ?? signalLead(time);
  const sbatch: string[] = [`--job-name=${jobName(recipe.scenario)}`];
  if (recipe.partition) sbatch.push(`--partition=${oneLine(recipe.partition, 'partition', options.file)}`);
  if (recipe.account) sbatch.push(`--account=${oneLine(recipe.account, 'account', options.file)}`);
  if (recipe.qos) sbatch.push(`--qos=${oneLine(recipe.qos, 'qos', options.file)}`);
  sbatch.push(
    `--nodes=${nodes}`,
    '--ntasks-per-node=1',
    `--cpus-per-task=${res.cpus}`,
    `--mem=${res.memGb}G`,
  );
  if (res.gpus > 0) sbatch.push(`--gres=gpu:${res.gpus}`);
  sbatch.push(`--time=${time}`);
  if (job.exclusive ?? true) sbatch.push('--exclusive');
  if (job.reservation) {
    sbatch.push(
      `--reservation=${oneLine(job.reservation, 'orchestration.job_config.reservation', options.file)}`,
    );
  }
  sbatch.push(
    `--output=${options.resultsDir}/slurm/job-%j.out`,
    `--error=${options.resultsDir}/slurm/job-%j.err`,
  );
  sbatch.push(`--signal=B:TERM@${signal}`);

  const lines = [
    '#!/bin/bash',
    `# hpcbench job for scenario '${oneLine(recipe.scenario, 'scenario', options.file)}'; rendered by hpcbench${options.version ? ` ${options.version}` : ''} (\`hpcbench sbatch\`): re-render instead of editing.`,
    `# Nodes: ${counts.servers} server + ${counts.clients} client + ${counts.monitors} monitor. Every node is sized for the`,
    "# largest role (GPUs, CPUs, memory); each component runs as its own srun step with its role's share.",
    ...sbatch.map((s) => `#SBATCH ${s}`),
    'set -uo pipefail',
    '',
  ];
  const modules = recipe.modules ?? [];
  if (modules.length > 0) {
    lines.push('# Environment modules from the recipe');
    for (const m of modules) lines.push(`module load ${shQuote(oneLine(m, 'modules', options.file))}`);
    lines.push('');
  }
  lines.push(
    `RESULTS_DIR=${shQuote(options.resultsDir)}`,
    `HPCBENCH=(${shJoin(options.hpcbench)})`,
    '',
    '# hpcbench splits the allocation into roles, starts every server, executor and monitor as an',
    '# `srun --overlap` step and runs the benchmark phases. TERM (scancel, or the time limit through',
    `# --signal) is forwarded: the workload stops, results are written and every step is stopped.`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash array expansion, not a template
    '"${HPCBENCH[@]}" slurm-job "$RESULTS_DIR" &',
    'child=$!',
    'trap \'kill -TERM "$child" 2>/dev/null\' TERM INT',
    'while :; do',
    '  wait "$child"',
    '  status=$?',
    '  kill -0 "$child" 2>/dev/null || break',
    'done',
    'exit "$status"',
    '',
  );
  return lines.join('\n');
}

/**
 * Seconds before the time limit at which TERM is sent: 120, but at most a quarter of a short limit
 * (Slurm delivers the signal up to 60 s late, and a lead longer than the limit fires at once).
 */
export function signalLead(timeLimit: string): number {
  const seconds = parseSlurmTime(timeLimit);
  if (seconds === undefined) return 120;
  return Math.max(10, Math.min(120, Math.floor(seconds / 4)));
}

/** `hpcbench-<scenario>` with characters Slurm and shells accept. */
export function jobName(scenario: string): string {
  return `hpcbench-${scenario.replace(/[^A-Za-z0-9_.-]+/g, '-')}`.slice(0, 128);
}

function oneLine(value: string, path: string, file?: string): string {
  if (/[\n\r]/.test(value)) throw fieldError(file, path, 'must be a single line');
  return value;
}

function fieldError(file: string | undefined, path: string, message: string): ConfigValidationError {
  return new ConfigValidationError(`cannot render the Slurm job: ${path}: ${message}`, [
    { severity: 'error', path, message, file },
  ]);
}
