/** ManagedChild against real child processes: ready-file rendezvous, log capture, stop by PID. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManagedChild, parseReady } from '../../src/launch/local/child.js';

let dir: string;
const started: ManagedChild[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcbench-child-'));
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.stop(1000)));
  await rm(dir, { recursive: true, force: true });
});

function node(name: string, script: string, readyFile?: string): ManagedChild {
  const c = new ManagedChild({
    name,
    command: process.execPath,
    args: ['-e', script],
    logFile: join(dir, 'logs', `${name}.log`),
    readyFile,
  });
  started.push(c);
  return c;
}

describe('ManagedChild', () => {
  it('waits for the ready file, logs output to its file and stops by PID', async () => {
    const ready = join(dir, 'ready.json');
    const c = node(
      'srv',
      `const http=require('node:http');const fs=require('node:fs');
       const s=http.createServer((q,r)=>r.end('ok')).listen(0,'127.0.0.1',()=>{
         console.log('listening');console.error('to stderr');
         fs.writeFileSync(${JSON.stringify(ready)}+'.tmp',JSON.stringify({url:'http://127.0.0.1:'+s.address().port,port:s.address().port,pid:process.pid}));
         fs.renameSync(${JSON.stringify(ready)}+'.tmp',${JSON.stringify(ready)});
       });
       process.on('SIGTERM',()=>{console.log('bye');process.exit(0)});`,
      ready,
    );
    const info = await c.waitReady(20);
    expect(info.pid).toBe(c.pid);
    const res = await fetch(`${info.url}/`);
    expect(await res.text()).toBe('ok');
    await c.stop();
    expect(c.running).toBe(false);
    const log = await readFile(c.spec.logFile, 'utf8');
    expect(log).toContain('listening');
    expect(log).toContain('to stderr');
    expect(log).toContain('bye');
  });

  it('fails fast when the child exits before it is ready, naming its log', async () => {
    const c = node('bad', 'console.error("boom"); process.exit(3)', join(dir, 'never.json'));
    await expect(c.waitReady(30)).rejects.toThrow(
      /bad exited \(code 3\) before it was ready; see .*bad\.log/,
    );
  });

  it('kills a child that ignores SIGTERM after the grace period', async () => {
    const c = node('stubborn', "process.on('SIGTERM',()=>{}); console.log('up'); setInterval(()=>{},1000)");
    // wait until it runs its handler setup (its first output) before signalling
    for (
      let i = 0;
      i < 200 && !(await readFile(c.spec.logFile, 'utf8').catch(() => '')).includes('up');
      i++
    ) {
      await new Promise((r) => setTimeout(r, 25));
    }
    await c.stop(300);
    expect(c.exitSignal).toBe('SIGKILL');
  });

  it('parses ready files as JSON or host:port', () => {
    expect(parseReady('{"url":"http://127.0.0.1:4000","port":4000}')).toEqual({
      url: 'http://127.0.0.1:4000',
      port: 4000,
    });
    expect(parseReady('{"url":"http://127.0.0.1:4001"}')?.port).toBe(4001);
    expect(parseReady('127.0.0.1:4002\n')).toEqual({ port: 4002 });
    expect(parseReady('')).toBeUndefined();
    expect(parseReady('{"port":0}')).toBeUndefined();
  });
});
