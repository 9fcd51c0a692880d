/** The load generator: request clients, arrival schedules, datasets and the run loop. */

export { LATE_MS } from '../metrics/recorder.js';
export {
  apiOf,
  apiRefusal,
  type CancelSignal,
  connectionsFor,
  createServiceClient,
  ollamaProtocol,
  openAiProtocol,
  type Protocol,
  ProtocolClient,
  type RequestInput,
  type ServiceClient,
} from './clients/index.js';
export {
  DEFAULT_TOKENS,
  loadHellaswagRows,
  loadJsonlRows,
  loadPrompts,
  loadSharegptRows,
  type Prompt,
  type PromptSet,
  sampleLength,
  syntheticPrompts,
} from './datasets/index.js';
export { newRecord, nowMs, recordToJson } from './record.js';
export {
  type LoadOptions,
  type LoadRun,
  type PreparedLoad,
  prepareLoad,
  startLoad,
} from './run/load-run.js';
export { CANCEL_TOKENS_NEED_STREAM } from './run/prepare-load.js';
export {
  type ClosedLoopWorkload,
  defaultUser,
  hookLoadRefusal,
  type MeasureFn,
  type RunUser,
  type UserContext,
} from './run/user-hook.js';
export { prestartWaker } from './run/waker.js';
export {
  type ArrivalSchedule,
  arrivalTimes,
  buildSchedule,
  executorMaxRequests,
  executorSchedule,
  type ScheduleOptions,
  shareOf,
} from './schedule/index.js';
