/**
 * Preparing one workload to run, everything before its clock starts: the checks that refuse it (E006,
 * thrown), its schedule, its prompts or trace read, the request client, the recorder and the records
 * file. What it takes is measured (`prepareMs`): for a big dataset or trace it is the reading, and a
 * shared start waits for it (docs/load-generation.md#shared-start).
 */
import { sessionRefusal, type WorkloadSpec } from '../../contracts/index.js';
import { ConfigValidationError } from '../../errors.js';
import { MetricsRecorder } from '../../metrics/recorder.js';
import { apiOf, createServiceClient, type ProtocolClient } from '../clients/index.js';
import { loadConversations, loadPrompts } from '../datasets/index.js';
import type { TracePromptSet } from '../datasets/trace.js';
import type { ConversationSet, PromptSet } from '../datasets/types.js';
import { nowMs } from '../record.js';
import { executorSchedule, recordedRequestedRps } from '../schedule/share.js';
import type { LoadOptions } from './load-run.js';
import { RecordWriter } from './record-writer.js';
import { executorTrace } from './trace-replay.js';
import { hookLoadRefusal } from './user-hook.js';

/** Why `cancel.after_tokens` needs a streamed response (the recipe rules say the same). */
export const CANCEL_TOKENS_NEED_STREAM =
  'needs stream: true (a non-streamed response arrives whole, so no token arrives before it ends); cancel non-streamed requests with after: DELAY';

/** A workload's parts, built and read, before its clock starts. */
export interface Prepared {
  spec: WorkloadSpec;
  source: string;
  schedule: ReturnType<typeof executorSchedule>;
  prompts: PromptSet;
  conversations?: ConversationSet;
  trace?: ReturnType<typeof executorTrace>;
  client: ProtocolClient;
  recorder: MetricsRecorder;
  writer?: RecordWriter;
  /** Milliseconds the preparation took. */
  prepareMs: number;
}

function refuse(path: string, message: string): never {
  throw new ConfigValidationError(`${path}: ${message}`, [{ severity: 'error', path, message }]);
}

/** The trace a trace replay replays: its prompt set must be a trace's (E006 otherwise). */
function traceOf(prompts: PromptSet): TracePromptSet {
  if (!('rows' in prompts))
    refuse(
      'workload.load',
      'mode trace replays a trace file: give prompts {source: trace, format: mooncake|burstgpt, path}',
    );
  return prompts as TracePromptSet;
}

export function prepare(spec: WorkloadSpec, opts: LoadOptions): Prepared {
  const received = nowMs();
  const source = opts.source ?? `executor${spec.executor_index ?? 0}`;
  const refused = opts.runUser ? hookLoadRefusal(spec.load.mode) : undefined;
  if (refused) refuse('workload.target_rps', refused);
  const sessionRefused = spec.session
    ? sessionRefusal(apiOf(spec, opts.capabilities), spec.load.mode)
    : undefined;
  if (sessionRefused) refuse('workload.session', sessionRefused);
  if (spec.session && opts.runUser)
    refuse(
      'workload.session',
      'the service runs a per-user hook (runBenchmark), which sends its own requests: remove session',
    );
  const schedule = executorSchedule(spec);
  const prompts = loadPrompts(spec);
  const conversations = spec.session ? loadConversations(spec) : undefined;
  if (spec.session && spec.session.turns === undefined && !conversations)
    refuse(
      'workload.session.turns',
      'give turns (per session, or a distribution): only a ShareGPT dataset brings its own conversations',
    );
  const load = spec.load;
  const trace = load.mode === 'trace' ? executorTrace(spec, load, traceOf(prompts)) : undefined;
  if (spec.cancel?.after_tokens !== undefined && spec.stream === false)
    refuse('workload.cancel.after_tokens', CANCEL_TOKENS_NEED_STREAM);
  const client = createServiceClient(spec, opts.capabilities);
  const recorder = new MetricsRecorder({
    benchmark: spec.benchmark,
    source,
    slo: spec.slo,
    openLoop: schedule !== undefined || trace !== undefined,
    // with sessions the schedule's rate is of sessions, not of the requests the figures count
    requestedRps: recordedRequestedRps(spec) ?? trace?.requestedRps(),
    windowSeconds: spec.window_seconds,
  });
  const writer = spec.records_path ? new RecordWriter(spec.records_path) : undefined;
  return {
    spec,
    source,
    schedule,
    prompts,
    conversations,
    trace,
    client,
    recorder,
    writer,
    prepareMs: nowMs() - received,
  };
}
