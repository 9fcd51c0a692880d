/**
 * Slurm hostlist expressions (`n[1-3,7]`, `gpu[001-004],login1`) expanded the way
 * `scontrol show hostnames` does, for planning without a cluster. Inside a job the launcher asks
 * scontrol itself; this is the pure equivalent used by tests and by `node_range`.
 */
export function expandHostlist(expr: string): string[] {
  const out: string[] = [];
  for (const item of splitTopLevel(expr.trim())) {
    if (item) out.push(...expandItem(item));
  }
  return out;
}

/** Split on commas that are not inside brackets. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function expandItem(item: string): string[] {
  const open = item.indexOf('[');
  if (open < 0) return [item];
  const close = item.indexOf(']', open);
  if (close < 0) throw new Error(`unbalanced '[' in hostlist '${item}'`);
  const prefix = item.slice(0, open);
  const rest = expandItem(item.slice(close + 1));
  const names: string[] = [];
  for (const range of item.slice(open + 1, close).split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(range.trim());
    if (!m) throw new Error(`bad range '${range}' in hostlist '${item}'`);
    const width = m[1].length;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let n = from; n <= to; n++) {
      const name = prefix + String(n).padStart(width, '0');
      for (const tail of rest) names.push(name + tail);
    }
  }
  return names;
}

/** Parse `scontrol show hostnames` output: one name a line. */
export function parseHostnames(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
