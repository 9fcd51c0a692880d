/**
 * A Prometheus Pushgateway client over plain HTTP: PUT replaces a group's metrics, DELETE removes the
 * group. A group is identified by its grouping key (job plus labels such as instance, node, role, run),
 * which the Pushgateway attaches to every metric of the group.
 */
import { NetworkConnectionError } from '../errors.js';

export type GroupingKey = Record<string, string> & { job: string };

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function segment(name: string, value: string): string {
  if (!LABEL_NAME.test(name)) throw new Error(`invalid Prometheus label name '${name}'`);
  // Values with '/' (or empty) need the @base64 form; base64url keeps the URL clean.
  if (value === '' || value.includes('/')) {
    const encoded = Buffer.from(value, 'utf8').toString('base64url');
    return `${name}@base64/${encoded || '='}`;
  }
  return `${name}/${encodeURIComponent(value)}`;
}

/** `http://host:9091/metrics/job/J/label/value/...` for a grouping key. */
export function groupUrl(baseUrl: string, key: GroupingKey): string {
  const { job, ...rest } = key;
  const parts = [segment('job', job)];
  for (const [name, value] of Object.entries(rest)) parts.push(segment(name, value));
  return `${baseUrl.replace(/\/+$/, '')}/metrics/${parts.join('/')}`;
}

async function send(method: 'PUT' | 'DELETE', url: string, body?: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      body,
      headers: body === undefined ? undefined : { 'content-type': 'text/plain; version=0.0.4' },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new NetworkConnectionError(`Pushgateway ${method} ${url} failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const text = await res.text();
  if (!res.ok) {
    throw new NetworkConnectionError(`Pushgateway ${method} ${url} answered ${res.status}: ${text.trim()}`);
  }
}

/** Replaces the group's metrics with `text` (Prometheus exposition format). */
export function pushGroup(baseUrl: string, key: GroupingKey, text: string): Promise<void> {
  return send('PUT', groupUrl(baseUrl, key), text);
}

/** Deletes one group. Deleting a group that does not exist succeeds (the Pushgateway answers 202). */
export function deleteGroup(baseUrl: string, key: GroupingKey): Promise<void> {
  return send('DELETE', groupUrl(baseUrl, key));
}

/** Deletes several groups; returns how many deletions failed (each failure is reported to `onError`). */
export async function deletePushgatewayGroups(
  baseUrl: string,
  groupingKeys: GroupingKey[],
  onError: (err: Error) => void = () => {},
): Promise<number> {
  const results = await Promise.allSettled(groupingKeys.map((k) => deleteGroup(baseUrl, k)));
  let failed = 0;
  for (const r of results) {
    if (r.status === 'rejected') {
      failed++;
      onError(r.reason as Error);
    }
  }
  return failed;
}

/** The grouping keys of every group currently held by the Pushgateway (its `/api/v1/metrics`). */
export async function listGroups(baseUrl: string): Promise<GroupingKey[]> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/metrics`;
  let body: { data?: { labels: GroupingKey }[] };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = (await res.json()) as typeof body;
  } catch (err) {
    throw new NetworkConnectionError(`Pushgateway GET ${url} failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return (body.data ?? []).map((g) => g.labels);
}

/** Deletes every group whose `run` label is `runId` (monitors, executors, anything of that run). */
export async function deleteRunGroups(baseUrl: string, runId: string): Promise<number> {
  const groups = (await listGroups(baseUrl)).filter((g) => g.run === runId);
  const failed = await deletePushgatewayGroups(baseUrl, groups);
  if (failed)
    throw new NetworkConnectionError(`could not delete ${failed} Pushgateway group(s) of run ${runId}`);
  return groups.length;
}
