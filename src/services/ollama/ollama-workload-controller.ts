/** Workload controller for the `ollama` service (the executor protocol is the same for every service). */
import { BaseWorkloadController } from '../../controller/base-workload-controller.js';

export class OllamaWorkloadController extends BaseWorkloadController {}
