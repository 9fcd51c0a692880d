/**
 * hpcbench's request loop with the probe (bench only): `node --import tsx bench/floor/probe-run.ts JSON`
 * runs one closed-loop streamed workload through `startLoad` — the executor's own code path: the client,
 * the stamps, the recorder and the records file — in this process, with bench/floor/probe.ts installed
 * and `onRecord` timing when each record was done. Writes, for each measured request, in ms:
 *   pushToRead:  bytes of the first chunk handed to JavaScript → the read call began (0 for `onread`:
 *                the executor's own HTTP/1.1 client gets the bytes in its onread callback, which is the
 *                call; undici, for https: targets, reads in a 'readable' listener after the push);
 *   readToStamp: that call began → the first-token stamp (the client's own HTTP/1.1 client stamps first
 *                thing in the callback; undici reads, runs llhttp, the handler);
 *   onread:      whether that call was an onread callback;
 *   endToRecord: the body's end stamp → the record done (the queue's turn, SSE parsing, finishing,
 *                the promise back to the loop, histograms, the records file's line).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '../../src/contracts/index.js';
import { parseWorkloadSpec, ServiceFactory, startLoad } from './built.js';
import { installProbe, locate } from './probe.js';

interface Args {
  url: string;
  streams: number;
  seconds: number;
  tokens: number;
  out: string;
}

const args = JSON.parse(process.argv[2]) as Args;
installProbe();
const now = (): number => performance.timeOrigin + performance.now();
const dir = mkdtempSync(join(tmpdir(), 'hpcbench-probe-'));
const parsed = parseWorkloadSpec(
  {
    benchmark: 'probe',
    model: 'dummy-model',
    server_url: args.url,
    warmup: 1,
    duration: args.seconds,
    clients_per_node: args.streams,
    stream: true,
    max_tokens: args.tokens,
    prompts: { source: 'synthetic', input_tokens: args.tokens, output_tokens: args.tokens },
    records_path: join(dir, 'records.jsonl'),
  },
  'dummy',
);
if (!parsed.ok) throw new Error(parsed.error);
const done: { rec: RequestRecord; at: number }[] = [];
const run = startLoad(parsed.spec, {
  capabilities: ServiceFactory.getCapabilities('dummy'),
  onRecord: (rec) => done.push({ rec, at: now() }),
});
await run.done;
rmSync(dir, { recursive: true, force: true });
const out: { pushToRead: number; readToStamp: number; onread: boolean; endToRecord: number }[] = [];
for (const { rec, at } of done) {
  if (rec.warmup || rec.status !== 'ok' || rec.first_token === undefined || rec.end === undefined) continue;
  const c = locate(rec.first_token);
  if (!c) continue;
  out.push({
    pushToRead: c.start - c.push,
    readToStamp: rec.first_token - c.start,
    onread: c.onread,
    endToRecord: at - rec.end,
  });
}
writeFileSync(args.out, JSON.stringify(out));
