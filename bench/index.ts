/**
 * `npm run bench [-- NAME...]`: runs every bench/*.bench.ts in turn (or those whose name matches an
 * argument) and rewrites each one's own section of docs/BENCHMARKS.md, leaving the other sections alone.
 * A bench file default-exports (or exports as `bench`) `{ name, run(): Promise<string> }`; run() returns
 * the section's markdown. The machine and the command go at the top of every section. dist/ is built
 * first: benchmarks that start hpcbench processes run the built code (builtCommand), as users do.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Bench {
  name: string;
  run(): Promise<string>;
}

const here = dirname(fileURLToPath(import.meta.url));
const doc = join(here, '..', 'docs', 'BENCHMARKS.md');
const HEADER = `# Benchmarks

Produced by \`npm run bench\` (bench/index.ts): every \`bench/*.bench.ts\` rewrites its own section below
(between its \`<!-- bench:NAME -->\` markers); run one with \`npm run bench -- NAME\`. Numbers are from the
machine named in each section; they are recorded as measured, targets met or not.
`;

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

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  if (files.length === 0) {
    process.stderr.write(`no bench/*.bench.ts matches ${only.join(' ')}\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write('building dist/ (the benchmarks run the built code) ...\n');
  buildDist();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { default?: Bench; bench?: Bench };
    const bench = mod.default ?? mod.bench;
    if (!bench || typeof bench.run !== 'function') {
      process.stderr.write(`${file}: exports no { name, run() }; skipped\n`);
      continue;
    }
    process.stderr.write(`bench ${bench.name} (${file}) ...\n`);
    const started = new Date();
    const md = await bench.run();
    const head = [
      `## ${bench.name}`,
      '',
      `- command: \`npm run bench -- ${basename(file, '.bench.ts')}\``,
      `- machine: ${machine()}`,
      `- run: ${started.toISOString()}`,
      '',
    ].join('\n');
    let text: string;
    try {
      text = readFileSync(doc, 'utf8');
    } catch {
      text = HEADER;
    }
    writeFileSync(doc, replaceSection(text, bench.name, `${head}\n${md}`));
    process.stderr.write(`bench ${bench.name}: written to docs/BENCHMARKS.md\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
