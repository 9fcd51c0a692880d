/**
 * Periodic push of live metrics to a Pushgateway: used by executors (requests, errors, tokens/s, latency
 * quantiles rendered by the executor) and by `Monitor`. One group per pusher; the group is deleted on stop
 * unless `keep` is set.
 */
import { deleteGroup, type GroupingKey, pushGroup } from './pushgateway.js';

export interface PeriodicPushOptions {
  /** Pushgateway base URL, e.g. `http://127.0.0.1:9091`. */
  url: string;
  /** Grouping key: job (default `hpcbench_executor`), instance, node, role, run, ... */
  labels: Record<string, string>;
  /** Seconds between pushes. */
  interval: number;
  /** Prometheus text for the current state; called on every push. */
  render: () => string;
  /** Leave the group on the Pushgateway after stop (default: delete it). */
  keep?: boolean;
  /** Called on push failures (default: a warning on stderr, once per distinct message). */
  onError?: (err: Error) => void;
}

export interface PeriodicPush {
  /** Pushes once more, then deletes the group (unless `keep`). */
  stop(): Promise<void>;
  /** Pushes now (resolves when the Pushgateway accepted it, rejects otherwise). */
  pushNow(): Promise<void>;
  readonly groupingKey: GroupingKey;
}

function defaultOnError(): (err: Error) => void {
  const seen = new Set<string>();
  return (err) => {
    if (seen.has(err.message)) return;
    seen.add(err.message);
    process.stderr.write(`warning: ${err.message}\n`);
  };
}

export function startPeriodicPush(options: PeriodicPushOptions, defaultJob: string): PeriodicPush {
  const groupingKey = { ...options.labels, job: options.labels.job ?? defaultJob } as GroupingKey;
  const onError = options.onError ?? defaultOnError();
  let inFlight: Promise<void> = Promise.resolve();
  const pushNow = () => {
    inFlight = inFlight.then(() => pushGroup(options.url, groupingKey, options.render()));
    const p = inFlight;
    inFlight = inFlight.catch(() => {});
    return p;
  };
  let busy = false; // a slow Pushgateway gets one push at a time, not a growing queue
  const tick = () => {
    if (busy) return;
    busy = true;
    void pushNow()
      .catch((err: Error) => onError(err))
      .finally(() => {
        busy = false;
      });
  };
  const timer = setInterval(tick, Math.max(0.05, options.interval) * 1000);
  timer.unref();
  tick();
  let stopped: Promise<void> | undefined;
  return {
    groupingKey,
    pushNow,
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        if (options.keep) await pushNow().catch((err: Error) => onError(err));
        else {
          await inFlight;
          await deleteGroup(options.url, groupingKey).catch((err: Error) => onError(err));
        }
      })();
      return stopped;
    },
  };
}

/** What an executor calls to publish its live metrics; see `PeriodicPushOptions`. */
export function startExecutorPush(options: PeriodicPushOptions): PeriodicPush {
  return startPeriodicPush(options, 'hpcbench_executor');
}
