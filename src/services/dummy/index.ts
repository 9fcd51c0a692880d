export { DUMMY_CAPABILITIES } from './capabilities.js';
export { DummyServerManager } from './dummy-server-manager.js';
export { DummyWorkloadController } from './dummy-workload-controller.js';
export { DummyWorkloadExecutor } from './dummy-workload-executor.js';
