/**
 * How to start hpcbench itself as a child process (executors, the simulated service, monitors): always
 * the built JavaScript in dist/. When this module runs from the TypeScript sources (tests, `tsx`), the
 * children still start from this checkout's dist/ (`npm test` builds it first), which must exist and be
 * newer than every file under src/: a missing or stale build is an error that says to run `npm run build`.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SelfCommand {
  command: string;
  args: string[];
}

let checkedEntry: string | undefined;

export function selfCommand(...cliArgs: string[]): SelfCommand {
  return { command: process.execPath, args: [selfEntry(), ...cliArgs] };
}

/** The built CLI entry file that child processes run (see the module comment). */
export function selfEntry(): string {
  if (!import.meta.url.endsWith('.ts')) return fileURLToPath(new URL('../cli/entry.js', import.meta.url));
  checkedEntry ??= builtEntry(fileURLToPath(new URL('../..', import.meta.url)));
  return checkedEntry;
}

/** `root`/dist/cli/entry.js, checked to exist and to be newer than every `.ts` file under `root`/src. */
export function builtEntry(root: string): string {
  const entry = join(root, 'dist', 'cli', 'entry.js');
  let built: number;
  try {
    built = statSync(entry).mtimeMs;
  } catch {
    throw new Error(
      `${entry} is missing: hpcbench starts its child processes from dist/; run \`npm run build\``,
    );
  }
  const src = join(root, 'src');
  for (const f of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (f.endsWith('.ts') && statSync(join(src, f)).mtimeMs > built)
      throw new Error(
        `dist/ is older than src/${f}: hpcbench starts its child processes from dist/; run \`npm run build\``,
      );
  }
  return entry;
}
