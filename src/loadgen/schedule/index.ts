export { deriveSeed, exponential, mulberry32, normal, type Rng } from '../../util/rng.js';
export { type ArrivalSchedule, arrivalTimes, buildSchedule, type ScheduleOptions } from './arrivals.js';
export { executorMaxRequests, executorPosition, executorSchedule, shareOf } from './share.js';
