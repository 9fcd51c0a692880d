/**
 * The contracts between modules, on the ground floor (imports nothing from src/ but src/util): the
 * workload (zod schemas, types inferred), the request record, the metrics snapshot, the executor's REST
 * shapes and the capabilities a service declares. Every other layer may import them; they import no other layer.
 */
export * from './executor-api.js';
export * from './metrics.js';
export * from './primitives.js';
export type * from './record.js';
export { chunkOffsetMs, recordFromJson } from './record.js';
export * from './service.js';
export * from './wait.js';
export * from './workload.js';
