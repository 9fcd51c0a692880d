/** The registered capabilities of a service, for tests that drive the load generator without an executor. */
import type { ServiceCapabilities, WorkloadSpec } from '../../src/contracts/index.js';
import type { LoadOptions } from '../../src/loadgen/run/load-run.js';
import { ServiceFactory } from '../../src/services/factory.js';

export function capabilitiesOf(service: string): ServiceCapabilities {
  return ServiceFactory.getCapabilities(service);
}

/** `startLoad(...withCaps(spec, opts))`: the spec and its options with the spec's service capabilities. */
export function withCaps(spec: WorkloadSpec, opts: Partial<LoadOptions> = {}): [WorkloadSpec, LoadOptions] {
  return [spec, { capabilities: capabilitiesOf(spec.service), ...opts }];
}
