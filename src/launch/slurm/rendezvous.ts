/**
 * Executors announce where they listen by writing a ready file into the shared results folder
 * (`hpcbench executor --ready-file F`). The job waits for every file (polling the shared filesystem),
 * failing fast when an executor's step ends first. Monitors are ready once their CSV has its header: the
 * job waits for them (bounded) so that samples cover the whole run, but never fails for a monitor.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientHealthError } from '../../errors.js';
import type { RunningStep } from './steps.js';

export interface ExecutorAddress {
  node: string;
  host: string;
  port: number;
}

/**
 * Reads a ready file: JSON with `port` and optionally `host`/`address`/`url`, or plain `host:port`.
 * `fallbackHost` (the node's NodeAddr) is used when the file names no reachable host.
 */
export function parseReadyFile(
  text: string,
  node: string,
  fallbackHost: string,
): ExecutorAddress | undefined {
  const t = text.trim();
  if (!t) return undefined;
  try {
    const j = JSON.parse(t) as Record<string, unknown>;
    const fromUrl = typeof j.url === 'string' ? new URL(j.url) : undefined;
    const port = Number(j.port ?? fromUrl?.port);
    if (!Number.isInteger(port) || port <= 0) return undefined;
    const host = pickHost(String(j.host ?? j.address ?? fromUrl?.hostname ?? ''), fallbackHost);
    return { node, host, port };
  } catch {
    const m = /^\[?([^\]\s]*?)\]?:(\d+)$/.exec(t);
    return m ? { node, host: pickHost(m[1], fallbackHost), port: Number(m[2]) } : undefined;
  }
}

/** Wildcard binds and loopback on another node are not reachable addresses: use the node's own. */
function pickHost(host: string, fallback: string): string {
  if (!host || host === '0.0.0.0' || host === '::' || host === 'localhost') return fallback;
  if (host.startsWith('127.') && !fallback.startsWith('127.')) return fallback;
  return host;
}

export async function waitForExecutors(
  steps: RunningStep[],
  timeoutSeconds: number,
  signal?: AbortSignal,
): Promise<ExecutorAddress[]> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const found = new Map<string, ExecutorAddress>();
  for (;;) {
    for (const s of steps) {
      if (found.has(s.plan.name)) continue;
      const text = await readFile(s.plan.readyFile!, 'utf8').catch(() => '');
      const addr = parseReadyFile(text, s.plan.node, s.plan.address);
      if (addr) found.set(s.plan.name, addr);
      else if (s.exit !== undefined) {
        throw new ClientHealthError(
          `executor on ${s.plan.node} exited (${s.exit}) before it was ready; see ${s.plan.stderr}`,
        );
      }
    }
    if (found.size === steps.length) return steps.map((s) => found.get(s.plan.name)!);
    if (signal?.aborted) throw new ClientHealthError('cancelled while waiting for executors');
    if (Date.now() > deadline) {
      const missing = steps
        .filter((s) => !found.has(s.plan.name))
        .map((s) => `${s.plan.node} (${s.plan.readyFile})`);
      throw new ClientHealthError(`executors not ready after ${timeoutSeconds}s: ${missing.join(', ')}`);
    }
    await sleep(250);
  }
}

/**
 * Waits until every monitor step's CSV has content (sampling started) or the step ended, for at most
 * `timeoutSeconds`; returns the names of the monitors that were not ready (the run goes on without them).
 */
export async function waitForMonitors(
  steps: RunningStep[],
  timeoutSeconds: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let waiting = steps;
  while (waiting.length && !signal?.aborted && Date.now() <= deadline) {
    const done = await Promise.all(
      waiting.map(
        async (s) =>
          s.exit !== undefined || (await readFile(s.plan.readyFile!, 'utf8').catch(() => '')) !== '',
      ),
    );
    waiting = waiting.filter((_, i) => !done[i]);
    if (waiting.length) await sleep(250);
  }
  return waiting.map((s) => s.plan.name);
}

/**
 * Waits until every probe step has ended (at most `timeoutSeconds`); returns the names of those that
 * left no node description (still running, or ended without writing it). The run goes on without them.
 */
export async function waitForProbes(
  steps: RunningStep[],
  timeoutSeconds: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (steps.some((s) => s.exit === undefined) && !signal?.aborted && Date.now() <= deadline)
    await sleep(250);
  const written = await Promise.all(
    steps.map(async (s) => (await readFile(s.plan.readyFile!, 'utf8').catch(() => '')) !== ''),
  );
  return steps.filter((_, i) => !written[i]).map((s) => s.plan.name);
}
