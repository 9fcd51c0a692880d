/**
 * The records file (src/loadgen/run/record-writer.ts): every line written arrives whole and in order,
 * whatever it holds (multi-byte characters across batch boundaries, a line longer than a batch).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordWriter } from '../../src/loadgen/run/record-writer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('record writer', () => {
  it('writes every line whole and in order: many batches, multi-byte text, a line longer than a batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcbench-writer-'));
    dirs.push(dir);
    const path = join(dir, 'records.jsonl');
    const w = new RecordWriter(path);
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) {
      // 1-, 2-, 3- and 4-byte UTF-8 characters, lengths that do not divide the batch
      const text = ['a', 'ü', '服务器', '🚦'][i % 4].repeat(1 + (i % 97));
      lines.push(JSON.stringify({ i, text }));
      if (i === 2500) lines.push(JSON.stringify({ big: 'x€'.repeat(200_000) }));
    }
    for (const l of lines) w.write(l);
    await w.close();
    expect(w.lines).toBe(lines.length);
    expect(readFileSync(path, 'utf8')).toBe(`${lines.join('\n')}\n`);
  });
});
