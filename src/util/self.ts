/**
 * How to start hpcbench itself as a child process (executors, the simulated service, monitors): from the
 * built JavaScript in dist/ normally, or from the TypeScript sources through tsx when running from src/
 * (tests and development).
 */
import { fileURLToPath } from 'node:url';

export interface SelfCommand {
  command: string;
  args: string[];
}

export function selfCommand(...cliArgs: string[]): SelfCommand {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(fromSource ? '../cli/entry.ts' : '../cli/entry.js', import.meta.url));
  const args = fromSource ? ['--import', 'tsx', entry, ...cliArgs] : [entry, ...cliArgs];
  return { command: process.execPath, args };
}
