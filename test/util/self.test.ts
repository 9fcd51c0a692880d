/** Child processes of hpcbench start from the built dist/: a missing or stale build is a clear error. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtEntry, selfCommand } from '../../src/util/self.js';

const root = mkdtempSync(join(tmpdir(), 'hpcbench-self-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('selfCommand', () => {
  it('runs dist/cli/entry.js of this checkout, not the sources through tsx', () => {
    const { command, args } = selfCommand('validate', 'x.yaml');
    expect(command).toBe(process.execPath);
    expect(args[0]).toMatch(/\/dist\/cli\/entry\.js$/);
    expect(args.slice(1)).toEqual(['validate', 'x.yaml']);
    expect(args).not.toContain('tsx');
  });

  it('a missing build says to run npm run build', () => {
    mkdirSync(join(root, 'src', 'util'), { recursive: true });
    writeFileSync(join(root, 'src', 'util', 'a.ts'), '');
    expect(() => builtEntry(root)).toThrow(/dist\/cli\/entry\.js is missing.*npm run build/);
  });

  it('a build older than a source file names the file; a fresh one is used', () => {
    mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
    const entry = join(root, 'dist', 'cli', 'entry.js');
    writeFileSync(entry, '');
    utimesSync(entry, new Date(1_000_000), new Date(1_000_000));
    expect(() => builtEntry(root)).toThrow(/dist\/ is older than src\/util\/a\.ts.*npm run build/);
    const now = new Date(Date.now() + 60_000);
    utimesSync(entry, now, now);
    expect(builtEntry(root)).toBe(entry);
  });
});
