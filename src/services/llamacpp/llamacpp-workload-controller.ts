/** Workload controller for the `llamacpp` service (the executor protocol is the same for every service). */
import { BaseWorkloadController } from '../../controller/base-workload-controller.js';

export class LlamacppWorkloadController extends BaseWorkloadController {}
