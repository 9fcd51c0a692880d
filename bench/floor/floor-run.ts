/**
 * What the two floor clients (bench/floor/raw-client.ts, bare-client.ts) share: their JSON argument, the
 * stamps they keep per request, the clock, and the closed loop that runs their users, times warmup and
 * writes the output (bench/floor/bare-client.ts's header says which).
 */
import { writeFileSync } from 'node:fs';
import { installProbe, locate } from './probe.js';

export interface Args {
  url: string;
  path: string;
  body: string;
  streams: number;
  seconds: number;
  warmup: number;
  /** How many event ends to stamp per request (the content events). */
  events: number;
  out: string;
  /** Install bench/floor/probe.ts and add, per request, where the first event's stamp was taken. */
  probe?: boolean;
  /** Write `{requests, cpu_us}` instead of the stamps (see bare-client.ts). */
  cpu?: boolean;
}

/** One request's stamps: when it was written, and when each of its first `events` event ends was read. */
export interface Timed {
  id: string;
  sent: number;
  events: number[];
  ok: boolean;
}

export const args = JSON.parse(process.argv[2]) as Args;
if (args.probe) installProbe();
const ORIGIN = performance.timeOrigin;
export const now = (): number => ORIGIN + performance.now();
export const NL = 10;

/**
 * Runs `args.streams` closed-loop users, each sending its requests one after another through the sender
 * `newUser` gives it (resolved when the request ended), then `close`, and writes the output.
 */
export async function runFloor(
  newUser: () => (t: Timed) => Promise<void>,
  close: () => Promise<void> | void,
): Promise<void> {
  const kept: Timed[] = [];
  /** Successful requests that ended after warmup; the CPU time used when warmup ended. */
  let okAfterWarmup = 0;
  let cpuAtWarmEnd: NodeJS.CpuUsage | undefined;
  const warmEnd = now() + args.warmup * 1000;
  const stopAt = warmEnd + args.seconds * 1000;
  let seq = 0;
  const user = async (): Promise<void> => {
    const send = newUser();
    while (now() < stopAt) {
      const started = now();
      const t: Timed = { id: `floor-${process.pid}-${seq++}`, sent: 0, events: [], ok: false };
      await send(t);
      if (cpuAtWarmEnd === undefined && now() >= warmEnd) cpuAtWarmEnd = process.cpuUsage();
      if (cpuAtWarmEnd !== undefined && t.ok) okAfterWarmup++;
      if (!args.cpu && started >= warmEnd && t.ok) kept.push(t);
    }
  };
  await Promise.all(Array.from({ length: args.streams }, () => user()));
  const used = process.cpuUsage(cpuAtWarmEnd);
  await close();
  const probed = args.probe
    ? kept.flatMap((t) => {
        const c = t.events.length ? locate(t.events[0]) : undefined;
        return c
          ? [{ pushToRead: c.start - c.push, readToStamp: t.events[0] - c.start, onread: c.onread }]
          : [];
      })
    : undefined;
  const cpu = args.cpu ? { requests: okAfterWarmup, cpu_us: used.user + used.system } : undefined;
  writeFileSync(args.out, JSON.stringify(cpu ?? probed ?? kept));
}
