/** POSIX shell quoting for the rendered job script. */
const SAFE = /^[A-Za-z0-9_/.:=@%+,^-]+$/;

export function shQuote(value: string): string {
  if (value !== '' && SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function shJoin(argv: string[]): string {
  return argv.map(shQuote).join(' ');
}
