/** Workload controller for the `dummy` service (the executor protocol is the same for every service). */
import { BaseWorkloadController } from '../../controller/base-workload-controller.js';

export class DummyWorkloadController extends BaseWorkloadController {}
