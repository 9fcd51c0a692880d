/** Local runs: every component a child process on 127.0.0.1. */
export { type ChildSpec, ManagedChild, type ReadyInfo } from './child.js';
export { type LocalRunHandle, type LocalRunOptions, loadLocalPlan, runLocal } from './local-launcher.js';
export { planExecutors, planServers } from './local-plan.js';
export { interruptOnSignals, type SignalScope } from './signals.js';
