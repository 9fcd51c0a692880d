/** The orchestrator: phases of a run and their typed events. */
export type {
  BenchmarkProgressEvent,
  BenchmarkStartEvent,
  OrchestratorEvents,
  PhaseEvent,
  PhaseName,
} from './events.js';
export { OrchestratorEmitter } from './events.js';
export type { HookContext, OrchestratorOptions, Stoppable } from './options.js';
export { Orchestrator, RunInterrupted } from './orchestrator.js';
export { planFromRecipe, planFromResolved } from './recipe-plan.js';
export type { BenchmarkPlanLike, RunPlan } from './run-plan.js';
export { runTotals } from './run-totals.js';
export { benchmarkVerdict, DEFAULT_MAX_ERROR_RATE, runVerdict } from './verdict.js';
