/** Every CLI command, one module each. Add a line here when adding a command. */
import type { Command } from '@commander-js/extra-typings';
import { register as cancel } from './cancel.js';
import { register as check } from './check.js';
import { register as compare } from './compare.js';
import { register as executor } from './executor.js';
import { register as logs } from './logs.js';
import { register as monitor } from './monitor.js';
import { register as orchestrate } from './orchestrate.js';
import { register as probeHost } from './probe-host.js';
import { register as report } from './report.js';
import { register as run } from './run.js';
import { register as sbatch } from './sbatch.js';
import { register as schema } from './schema.js';
import { register as serve } from './serve.js';
import { register as slurmJob } from './slurm-job.js';
import { register as submit } from './submit.js';
import { register as validate } from './validate.js';

export type Register = (program: Command) => void;

export const commands: Register[] = [
  monitor,
  probeHost,
  logs,
  report,
  executor,
  sbatch,
  submit,
  cancel,
  slurmJob,
  run,
  orchestrate,
  serve,
  validate,
  schema,
  check,
  compare,
];
