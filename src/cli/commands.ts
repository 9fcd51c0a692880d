/** Every CLI command, one module each. Add a line here when adding a command. */
import type { Command } from '@commander-js/extra-typings';

export type Register = (program: Command) => void;

export const commands: Register[] = [];
