import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTerminal, parseSacct, parseScontrolJob, parseSqueue } from '../../src/launch/slurm/job-state.js';
import { FileFollower } from '../../src/launch/slurm/job-watch.js';
import { parseReadyFile } from '../../src/launch/slurm/rendezvous.js';
import { parseNodeAddrs } from '../../src/launch/slurm/scontrol.js';
import { parseParsable } from '../../src/launch/slurm/submit.js';

describe('Slurm output parsing', () => {
  it('squeue, scontrol show job, sacct', () => {
    expect(parseSqueue('RUNNING|n[1-3]|None\n')).toEqual({
      state: 'RUNNING',
      nodes: 'n[1-3]',
      reason: 'None',
      source: 'squeue',
    });
    expect(parseSqueue('')).toBeUndefined();
    const sc =
      'JobId=42 JobName=hpcbench-x UserId=root(0) JobState=CANCELLED Reason=None Dependency=(null) Requeue=1 ExitCode=0:15 RunTime=00:00:12 NodeList=n[1-3] BatchHost=n1';
    expect(parseScontrolJob(sc)).toEqual({
      state: 'CANCELLED',
      exitCode: 0,
      signal: 15,
      nodes: 'n[1-3]',
      reason: undefined,
      source: 'scontrol',
    });
    expect(parseSacct('CANCELLED by 0|0:15|n[1-3]\n')).toEqual({
      state: 'CANCELLED',
      exitCode: 0,
      signal: 15,
      nodes: 'n[1-3]',
      source: 'sacct',
    });
    expect(isTerminal('COMPLETED')).toBe(true);
    expect(isTerminal('CANCELLED by 0')).toBe(true);
    expect(isTerminal('COMPLETING')).toBe(false);
    expect(isTerminal('PENDING')).toBe(false);
  });
  it('sbatch --parsable with and without a cluster; garbage is E004', () => {
    expect(parseParsable('1234\n')).toEqual({ jobId: '1234' });
    expect(parseParsable('1234;meluxina\n')).toEqual({ jobId: '1234', cluster: 'meluxina' });
    expect(() => parseParsable('sbatch: error: Batch job submission failed')).toThrow(/no job id/);
  });
  it('NodeAddr per node from scontrol show node -o', () => {
    const text =
      'NodeName=n1 Arch=x86_64 CoresPerSocket=2 CPUAlloc=0 NodeAddr=127.0.0.1 NodeHostName=localhost Port=17001\n' +
      'NodeName=mel2001 Arch=x86_64 NodeAddr=10.3.0.10 NodeHostName=mel2001\n';
    expect(parseNodeAddrs(text)).toEqual({ n1: '127.0.0.1', mel2001: '10.3.0.10' });
  });
});

describe('executor ready files', () => {
  it('reads the executor JSON and replaces unreachable hosts by the node address', () => {
    expect(
      parseReadyFile('{"url":"http://10.3.0.11:5000","port":5000,"pid":7,"node":"n2"}', 'n2', '10.3.0.11'),
    ).toEqual({
      node: 'n2',
      host: '10.3.0.11',
      port: 5000,
    });
    expect(parseReadyFile('{"url":"http://0.0.0.0:5001","port":5001}', 'n2', '10.3.0.11')).toMatchObject({
      host: '10.3.0.11',
      port: 5001,
    });
    expect(parseReadyFile('{"url":"http://127.0.0.1:5001","port":5001}', 'n2', '10.3.0.11')).toMatchObject({
      host: '10.3.0.11',
    });
    expect(parseReadyFile('{"url":"http://127.0.0.1:5001","port":5001}', 'n2', '127.0.0.1')).toMatchObject({
      host: '127.0.0.1',
    });
    expect(parseReadyFile('node7:6000', 'node7', '10.0.0.7')).toEqual({
      node: 'node7',
      host: 'node7',
      port: 6000,
    });
    expect(parseReadyFile('', 'n2', 'x')).toBeUndefined();
    expect(parseReadyFile('{"pid":1}', 'n2', 'x')).toBeUndefined();
  });
});

describe('FileFollower', () => {
  it('returns only complete new lines, then the rest at the end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hb-follow-'));
    try {
      const f = join(dir, 'job.out');
      const follower = new FileFollower(f);
      expect(await follower.read()).toEqual([]);
      await writeFile(f, 'a\nb\npart');
      expect(await follower.read()).toEqual(['a', 'b']);
      await writeFile(f, 'a\nb\npartial\nc');
      expect(await follower.read()).toEqual(['partial']);
      expect(await follower.read(true)).toEqual(['c']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
