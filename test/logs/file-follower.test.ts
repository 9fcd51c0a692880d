import { appendFileSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileFollower } from '../../src/logs/file-follower.js';

describe('FileFollower', () => {
  let dir: string;
  let lines: string[];
  let f: FileFollower;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'follow-'));
    file = join(dir, 'x.log');
    lines = [];
    f = new FileFollower(file, (l) => lines.push(l));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for a missing file, holds partial lines, keeps UTF-8 split across writes, strips CRLF', async () => {
    await f.poll();
    expect(lines).toEqual([]);
    const text = Buffer.from('héllo ✓\r\nsecond');
    writeFileSync(file, text.subarray(0, 2)); // 'h' + first byte of 'é'
    await f.poll();
    expect(lines).toEqual([]);
    appendFileSync(file, text.subarray(2));
    await f.poll();
    expect(lines).toEqual(['héllo ✓']);
    appendFileSync(file, ' half\n\nthird\n');
    await f.poll();
    expect(lines).toEqual(['héllo ✓', 'second half', '', 'third']);
  });

  it('a deleted and recreated file is read from its start; close() emits the last partial line', async () => {
    writeFileSync(file, 'a\nb\n');
    await f.poll();
    unlinkSync(file);
    await f.poll(); // gone: nothing new, no error
    writeFileSync(file, 'c\nd');
    await f.poll();
    expect(lines).toEqual(['a', 'b', 'c']);
    await f.close();
    expect(lines).toEqual(['a', 'b', 'c', 'd']);
  });
});
