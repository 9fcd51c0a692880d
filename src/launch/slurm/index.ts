/** Running on Slurm: the job script, the role plan, srun steps, submission and following. */
export { expandHostlist, parseHostnames } from '../../util/hostlist.js';
export {
  type JobPlan,
  type JobPlanOptions,
  planJob,
  planLogSources,
  type StepPlan,
  srunArgv,
} from './job-plan.js';
export { type OrchestrateContext, runSlurmJob, type SlurmJobOptions } from './job-runner.js';
export { isTerminal, type JobState, jobState } from './job-state.js';
export { cancelJob, watchJob } from './job-watch.js';
export { type NodePlan, planNodes, totalNodes } from './node-plan.js';
export { renderPlan } from './plan-text.js';
export type { SlurmRecipe } from './recipe-view.js';
export { parseReadyFile } from './rendezvous.js';
export { jobResources, roleResources } from './resources.js';
export { jobName, renderSbatch, type SbatchOptions, signalLead } from './sbatch.js';
export { hpcbenchArgv } from './self-argv.js';
export { prepareJob, readJobRecord, submitJob } from './submit.js';
