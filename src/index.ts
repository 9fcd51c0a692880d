/** hpcbench's programmatic API. */
export * from './errors.js';
export { VERSION } from './version.js';
export type * from './loadgen/spec.js';
export type * from './metrics/types.js';
export type * from './executor/protocol.js';
