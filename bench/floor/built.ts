/**
 * The executor's built modules (dist/, what `hpcbench executor` runs; the bench builds it first), for the
 * bench processes that run the request loop in-process (probe-run.ts, pace-probe.ts). Through tsx the
 * sources would be esbuild's output instead (with a `__name` call per class instance, for one), so the
 * probes would time and count the allocations of other code than the executor's. Typed by the sources.
 */
type Load = typeof import('../../src/loadgen/run/load-run.js');
type Spec = typeof import('../../src/executor/spec-schema.js');
type Factory = typeof import('../../src/services/factory.js');

const dist = (path: string): string => new URL(`../../dist/${path}`, import.meta.url).href;

export const { startLoad } = (await import(dist('loadgen/run/load-run.js'))) as Load;
export const { parseWorkloadSpec } = (await import(dist('executor/spec-schema.js'))) as Spec;
export const { ServiceFactory } = (await import(dist('services/factory.js'))) as Factory;
