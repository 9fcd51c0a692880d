/** Workload controller for the `vllm` service (the executor protocol is the same for every service). */
import { BaseWorkloadController } from '../../controller/base-workload-controller.js';

export class VllmWorkloadController extends BaseWorkloadController {}
