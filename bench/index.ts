/**
 * `npm run bench [-- NAME...]`: runs every bench/*.bench.ts in turn (or those whose name matches an
 * argument) and rewrites each one's own section of docs/BENCHMARKS.md, leaving the other sections alone.
 * A bench file default-exports (or exports as `bench`) `{ name, run(): Promise<string> }`; run() returns
 * the section's markdown. The machine and the command go at the top of every section. dist/ is built
 * first: benchmarks that start hpcbench processes run the built code (builtCommand), as users do.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Bench, buildDist, machine, replaceSection } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const doc = join(here, '..', 'docs', 'BENCHMARKS.md');
const HEADER = `# Benchmarks

Produced by \`npm run bench\` (bench/index.ts): every \`bench/*.bench.ts\` rewrites its own section below
(between its \`<!-- bench:NAME -->\` markers); run one with \`npm run bench -- NAME\`. Numbers are from the
machine named in each section; they are recorded as measured, targets met or not.
`;

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
