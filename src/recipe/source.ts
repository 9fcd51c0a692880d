/**
 * A recipe's text as a YAML document (JSON is YAML too) with a LineCounter, so that every issue can
 * point at the offending node as file:line:column.
 */
import {
  Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  type YAMLError,
} from 'yaml';
import { MAX_RECIPE_ALIASES, MAX_RECIPE_DEPTH } from '../contracts/caps.js';
import type { ConfigIssue } from '../errors.js';
import { jsonErrorOffset } from '../util/json-error.js';

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

const TAGS_ALLOWED =
  'recipes are plain YAML or JSON: tags such as !!js/function, !include or !!binary are refused (the core tags !!str, !!int, !!float, !!bool, !!null, !!map, !!seq are allowed)';

function yamlIssue(file: string, e: YAMLError): ConfigIssue {
  const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  let message = `invalid YAML/JSON: ${first}`;
  if (/Maximum call stack size exceeded/.test(first))
    message = `nesting too deep: a recipe nests at most ${MAX_RECIPE_DEPTH} mappings and lists`;
  else if (e.code === 'TAG_RESOLVE_FAILED')
    message = `unsupported YAML tag ${shortTag(first.replace(/^Unresolved tag: /, ''))}: ${TAGS_ALLOWED}`;
  return {
    severity: 'error',
    path: '',
    file,
    line: e.linePos?.[0].line,
    column: e.linePos?.[0].col,
    message,
  };
}

function at(file: string, lines: LineCounter, offset: number | undefined, message: string): ConfigIssue {
  const lp = offset === undefined ? undefined : lines.linePos(offset);
  return { severity: 'error', path: '', file, line: lp?.line ?? 1, column: lp?.col ?? 1, message };
}

const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

function shortTag(tag: string | undefined): string {
  return String(tag).replace(/^tag:yaml\.org,2002:/, '!!');
}

/** Nodes with an explicit tag outside the core schema (`!!binary`, `!!set`, `!!timestamp` resolve, but are refused). */
function foreignTags(doc: Document): Node[] {
  const out: Node[] = [];
  visit(doc, {
    Node(_k, n) {
      if (n.tag && !CORE_TAGS.has(n.tag)) out.push(n as Node);
    },
  });
  return out;
}

/** The first node nested deeper than MAX_RECIPE_DEPTH (an explicit stack: no recursion on hostile input). */
function tooDeep(doc: Document): Node | undefined {
  const stack: [unknown, number][] = [[doc.contents, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_RECIPE_DEPTH) return node;
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push([item.key, depth + 1]);
        stack.push([item.value, depth + 1]);
      } else stack.push([item, depth + 1]);
    }
  }
  return undefined;
}

/** Strict JSON (for `.json` files): the first syntax error with its line and column, if any. */
function jsonError(text: string, file: string): ConfigIssue | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    const msg = (err as Error).message;
    const offset = jsonErrorOffset(text, msg) ?? text.length;
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - (before.lastIndexOf('\n') + 1) + 1;
    const why = msg
      .replace(/ (in JSON )?at position \d+.*$/, '')
      .replace(/^(Unexpected token '.'), [\s\S]*$/, '$1')
      .replace(/^JSON\.parse: /, '');
    const message = `invalid JSON (a .json recipe is strict JSON: no comments, no trailing commas, double-quoted keys): ${why}`;
    return { severity: 'error', path: '', file, line, column, message };
  }
}

export function parseSource(text: string, file: string): RecipeSource {
  const lines = new LineCounter();
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fail = (issues: ConfigIssue[], doc = new Document(null)): RecipeSource => ({
    file,
    doc,
    lines,
    data: undefined,
    parseErrors: issues,
  });
  if (/\.json$/i.test(file)) {
    const bad = jsonError(body, file);
    if (bad) return fail([bad]);
  }
  const doc = parseDocument(body, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const all = [...doc.errors, ...doc.warnings].map((e) => yamlIssue(file, e));
  const deepest = all.find((i) => /^nesting too deep/.test(i.message));
  const parseErrors = deepest ? [deepest] : all;
  if (parseErrors.length) return fail(parseErrors, doc);
  const tagged = foreignTags(doc).map((n) =>
    at(file, lines, n.range?.[0], `unsupported YAML tag ${shortTag(n.tag)}: ${TAGS_ALLOWED}`),
  );
  if (tagged.length) return fail(tagged, doc);
  const deep = tooDeep(doc);
  if (deep)
    return fail(
      [
        at(
          file,
          lines,
          deep.range?.[0],
          `nesting too deep: a recipe nests at most ${MAX_RECIPE_DEPTH} mappings and lists`,
        ),
      ],
      doc,
    );
  try {
    return { file, doc, lines, data: doc.toJS({ maxAliasCount: MAX_RECIPE_ALIASES }), parseErrors };
  } catch (err) {
    let alias: Node | undefined;
    visit(doc, {
      Alias(_k, n) {
        alias = n as unknown as Node;
        return visit.BREAK;
      },
    });
    const why = (err as Error).message.split('\n')[0];
    const message = /alias/i.test(why)
      ? `too many alias expansions (*name): a recipe may expand aliases to at most ${MAX_RECIPE_ALIASES} nodes (a YAML "billion laughs" document?)`
      : `invalid YAML/JSON: ${why}`;
    return fail([at(file, lines, alias?.range?.[0], message)], doc);
  }
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
