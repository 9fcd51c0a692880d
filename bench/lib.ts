/** Shared by bench/index.ts and the bench files (kept apart from index.ts, whose top-level await would deadlock an import cycle). */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Bench {
  name: string;
  run(): Promise<string>;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

/**
 * Compiles src/ into dist/ (tsconfig.build.json), so benchmarks that start hpcbench processes measure the
 * built JavaScript users run (`node bin/hpcbench.js`), not the sources through tsx. BENCH_NO_BUILD=1 skips it.
 */
export function buildDist(): void {
  if (process.env.BENCH_NO_BUILD === '1') return;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
}

/** The command line that starts the built CLI (dist/, see buildDist) with `cliArgs`. */
export function builtCommand(...cliArgs: string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [join(root, 'bin', 'hpcbench.js'), ...cliArgs] };
}

export function machine(): string {
  const c = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${c[0]?.model.trim() ?? 'unknown CPU'}, ${c.length} cores, ${gib} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** Replaces (or appends) the section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`. */
export function replaceSection(text: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${body.trim()}\n${close}`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a >= 0 && b > a) return text.slice(0, a) + block + text.slice(b + close.length);
  return `${text.trimEnd()}\n\n${block}\n`;
}
