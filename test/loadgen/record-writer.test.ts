/**
 * The records file (src/loadgen/run/record-writer.ts): every record's line arrives whole and in order,
 * whatever it holds (multi-byte characters across batch boundaries, a line longer than a batch), also
 * when the batch buffers are filled again after the file took them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/contracts/index.js';
import { newRecord, recordToJson } from '../../src/loadgen/record.js';
import { RecordWriter } from '../../src/loadgen/run/record-writer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('record writer', () => {
  it('writes every record whole and in order: many batches, multi-byte text, a line longer than a batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcbench-writer-'));
    dirs.push(dir);
    const path = join(dir, 'records.jsonl');
    const w = new RecordWriter(path);
    const records: RequestRecord[] = [];
    const record = (i: number, detail: string): RequestRecord => {
      const r = newRecord({
        id: `n1-${i}`,
        benchmark: 'b',
        executor: 'n1',
        warmup: false,
        api: 'completions',
        stream: true,
        scheduled: 1_795_000_000_000.125 + i,
        prompt_tokens_client: 16,
      });
      r.sent = r.scheduled + 0.25;
      r.end = r.sent + 3;
      for (let k = 0; k < 16; k++) r.chunks.push(r.sent + 1 + k * 0.0137);
      r.error_detail = detail;
      return r;
    };
    for (let i = 0; i < 5000; i++) {
      // 1-, 2-, 3- and 4-byte UTF-8 characters, lengths that do not divide the batch
      records.push(record(i, ['a', 'ü', '服务器', '🚦'][i % 4].repeat(1 + (i % 97))));
      if (i === 2500) records.push(record(-1, 'x€'.repeat(200_000)));
    }
    // lines over several event-loop turns, so written batches' buffers are filled again
    for (let i = 0; i < records.length; i += 500) {
      for (const r of records.slice(i, i + 500)) w.write(r);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await w.close();
    expect(w.lines).toBe(records.length);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(records.map(recordToJson));
    expect(lines.map((l) => JSON.parse(l).error_detail)).toEqual(records.map((r) => r.error_detail));
  });
});
