export { type ArrivalSchedule, arrivalTimes, buildSchedule, type ScheduleOptions } from './arrivals.js';
export { deriveSeed, exponential, mulberry32, normal, type Rng } from './rng.js';
export { executorMaxRequests, executorPosition, executorSchedule, shareOf } from './share.js';
