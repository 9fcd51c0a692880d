export { deriveSeed, exponential, mulberry32, normal, type Rng } from '../../util/rng.js';
export { type ArrivalSchedule, arrivalTimes, buildSchedule, type ScheduleOptions } from './arrivals.js';
export { type RampProfile, rampCount, rampRate, rampTime } from './ramp.js';
export { type UnsentCount, unsentAtLastSend } from './replay.js';
export {
  executorMaxRequests,
  executorPosition,
  executorRequestedRps,
  executorSchedule,
  rampProfile,
  recordedRequestedRps,
  requestedBetween,
  shareOf,
} from './share.js';
