/**
 * A recipe's text as a YAML document (JSON is YAML too) with a LineCounter, so that every issue can
 * point at the offending node as file:line:column.
 */
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { ConfigIssue } from '../errors.js';

export type PathSegment = string | number;

export interface RecipeSource {
  file: string;
  doc: Document;
  lines: LineCounter;
  /** The document as plain data (`undefined` when it did not parse). */
  data: unknown;
  /** YAML syntax errors, each with its line. */
  parseErrors: ConfigIssue[];
}

export function parseSource(text: string, file: string): RecipeSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const parseErrors: ConfigIssue[] = doc.errors.map((e) => ({
    severity: 'error',
    path: '',
    file,
    line: e.linePos?.[0].line,
    column: e.linePos?.[0].col,
    message: `invalid YAML/JSON: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
  }));
  const data = parseErrors.length ? undefined : doc.toJS({ maxAliasCount: 1000 });
  return { file, doc, lines, data, parseErrors };
}

/**
 * Line and column of the node at `path`, or of the deepest existing node on the way (a missing field is
 * reported where its parent is). With `key`, the position of the last key itself (unknown keys).
 */
export function locate(
  src: RecipeSource,
  path: readonly PathSegment[],
  opts: { key?: boolean } = {},
): { line: number; column: number } | undefined {
  let node: Node | null | undefined = src.doc.contents as Node | null;
  let pos: number | undefined = node?.range?.[0];
  let keyPos: number | undefined;
  for (const [i, seg] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      if (!pair) {
        // a missing field: point at its parent's key
        if (keyPos !== undefined) pos = keyPos;
        break;
      }
      const keyNode = pair.key as Node;
      keyPos = keyNode.range?.[0];
      const last = i === path.length - 1;
      if (last && opts.key) {
        pos = keyNode.range?.[0];
        break;
      }
      node = pair.value as Node | null;
      pos = node?.range?.[0] ?? keyNode.range?.[0];
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      node = item;
      pos = item.range?.[0];
      keyPos = pos;
    } else break;
  }
  if (pos === undefined) return undefined;
  const lp = src.lines.linePos(pos);
  return { line: lp.line, column: lp.col };
}

/** An issue at `path`, located in the source. */
export function issueAt(
  src: RecipeSource,
  severity: ConfigIssue['severity'],
  path: readonly PathSegment[],
  message: string,
  opts: { key?: boolean } = {},
): ConfigIssue {
  return { severity, path: dotted(path), message, file: src.file, ...locate(src, path, opts) };
}

/** `workload.benchmark_suite[1].duration` */
export function dotted(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

/** A recipe given as an object (programmatic use): issues carry the path but no line. */
export function sourceFromObject(data: unknown, file: string): RecipeSource {
  return { file, doc: new Document(data), lines: new LineCounter(), data, parseErrors: [] };
}
