// The only module that knows about WebAssembly: loads web-tree-sitter and the Rust grammar from
// a folder (dist/ at run time), or from the bytes a loader hands over (the web worker, which has no
// file system), and hands out a parser. Everything else sees plain trees. Imports nothing of Node,
// so the browser bundle can hold it.
import { Language, Node, Parser, type Range, type Tree, type TreeCursor } from 'web-tree-sitter';

export type { Node as SyntaxNode, Tree as SyntaxTree };

/** A stretch of a text, by UTF-16 offsets, end exclusive. */
export interface TextSpan {
  start: number;
  end: number;
}

/**
 * A text that differs from `base` only in a few pieces, each replaced by text of the same length
 * with the same line breaks (an item macro's body rewritten in place, the `{` before it read as a
 * space). The parser reads it piece by piece: built whole, a big file's would be a copy of
 * hundreds of kilobytes per analysis, and strings that big are slow to make.
 */
export interface PatchedText {
  readonly base: string;
  /** Sorted by `at`, apart, none empty. */
  readonly patches: readonly TextPatch[];
}

export interface TextPatch {
  at: number;
  text: string;
}

export interface RustParser {
  /**
   * Parses `text`; with `oldTree` (already `edit`ed) the parse is incremental. With `spans`
   * (sorted, apart, not empty), only they are read, as one text, at their own positions. Throws
   * ParseTimeout when the parse takes longer than its budget (parseBudgetMs).
   */
  parse(text: string | PatchedText, oldTree?: Tree, spans?: readonly TextSpan[]): Tree;
  /**
   * Parses `text` as `parse` does, but stops when `stop` says so (it is asked every few hundred
   * tokens), returning undefined: the next call with the same text goes on where this one stopped.
   * A big file is parsed this way a few milliseconds at a time, with requests answered between.
   * Each stopped parse keeps a parser of its own, so that other parses meanwhile (at once, or in
   * parts: two readings of crates may take turns) leave it where it stopped. Throws ParseTimeout
   * once the parts together take longer than the budget. `spans` as for `parse`: the calls that
   * go on with a text give the same.
   */
  parsePart(text: string, stop: () => boolean, spans?: readonly TextSpan[]): Tree | undefined;
}

/**
 * How long a parse of `chars` characters may take, in ms, before it is given up: 200 ms and 5 µs a
 * character, 25 times what the slowest real files need on first parse (about 0.2 µs a character,
 * 1 µs for small ones). Only text broken in ways typing does not make (long lines of repeated
 * fragments, NUL bytes) takes longer: tree-sitter's error recovery is quadratic there, and such a
 * file took 25 s, with the server answering nothing meanwhile.
 */
export function parseBudgetMs(chars: number): number {
  return 200 + chars * 0.005;
}

/** A parse given up at its budget (parseBudgetMs): the text is too broken to read in time. */
export class ParseTimeout extends Error {
  constructor(readonly budgetMs: number) {
    super(`parsing took over ${Math.round(budgetMs)} ms: the text is too broken to read in time`);
    this.name = 'ParseTimeout';
  }
}

/** Where a parse's time is read: the wall clock, and the process's CPU time (absent in a browser), in ms. */
export interface ParseClocks {
  wall: () => number;
  cpu?: () => number;
}

const processClocks: ParseClocks = {
  wall: () => performance.now(),
  // The thread's own CPU time where the runtime tells it (Node 23.9 and later), else the process's
  // (a worker's parse then also counts the other workers' time: it is given up no later than by
  // the wall clock alone).
  cpu: (() => {
    type Usage = () => { user: number; system: number };
    const node = (globalThis as { process?: { cpuUsage?: Usage; threadCpuUsage?: Usage } }).process;
    const usage = node?.threadCpuUsage?.bind(node) ?? node?.cpuUsage?.bind(node);
    if (!usage) return undefined;
    return () => {
      const { user, system } = usage();
      return (user + system) / 1000;
    };
  })(),
};

/** How long a parse has run so far, by both clocks (ms): a parse in parts adds each part's. */
export interface ParseSpent {
  wall: number;
  cpu: number;
}

/**
 * A progress callback that gives a parse up once its budget is spent (`spent`: what earlier parts
 * of it took), and what this part took so far. Both clocks must pass the budget: a machine busy
 * with other work (a CI runner checking crates in parallel) leaves a parse waiting for a core
 * without it being slow, and a file was given up there that parses in a few milliseconds. A text
 * that is truly slow to parse keeps a core busy, so the process's CPU time passes the budget
 * with the wall clock. Without a CPU clock (a browser), the wall clock alone decides.
 */
export function deadline(
  chars: number,
  spent: ParseSpent = { wall: 0, cpu: 0 },
  clocks: ParseClocks = processClocks,
): { budget: number; over: () => boolean; spent: () => ParseSpent } {
  const budget = parseBudgetMs(chars);
  const wallStart = clocks.wall();
  const cpuStart = clocks.cpu?.() ?? 0;
  const now = (): ParseSpent => ({
    wall: spent.wall + clocks.wall() - wallStart,
    cpu: spent.cpu + (clocks.cpu ? clocks.cpu() - cpuStart : 0),
  });
  return {
    budget,
    over: () => {
      if (spent.wall + clocks.wall() - wallStart <= budget) return false;
      return clocks.cpu === undefined || now().cpu > budget;
    },
    spent: now,
  };
}

/** The two wasm files by name (`tree-sitter.wasm`, `tree-sitter-rust.wasm`): their bytes. */
export type WasmLoader = (file: WasmFile) => Promise<Uint8Array>;
export type WasmFile = 'tree-sitter.wasm' | 'tree-sitter-rust.wasm';

let initialized: Promise<void> | undefined;

/** How many parses stopped part way a parser keeps, each on a wasm parser of its own (see parsePart). */
const MAX_STOPPED_PARSES = 4;

/** Loads the parser from a folder holding both wasm files, or through a loader of their bytes. */
export async function createRustParser(wasm: string | WasmLoader): Promise<RustParser> {
  // A folder path, joined by hand: `/` separates on every platform Node runs on.
  const inFolder = (file: WasmFile) => (typeof wasm === 'string' ? `${wasm.replace(/[\\/]+$/, '')}/${file}` : file);
  // Parser.init() sets up one process-wide wasm runtime; calling it twice would leak a second one.
  initialized ??=
    typeof wasm === 'string'
      ? Parser.init({ locateFile: (file: string) => inFolder(file as WasmFile) })
      : wasm('tree-sitter.wasm').then((wasmBinary) => Parser.init({ wasmBinary }));
  await initialized;
  uncacheChildLists();
  rememberTypeIds();
  indexFieldNames();
  const language = await Language.load(
    typeof wasm === 'string' ? inFolder('tree-sitter-rust.wasm') : await wasm('tree-sitter-rust.wasm'),
  );
  const newParser = (): Parser => {
    const made = new Parser();
    made.setLanguage(language);
    return made;
  };
  const parser = newParser();
  /** The parsers holding a stopped parse, by its text, the oldest first, with the ms spent on it and its ranges; and one at rest. */
  const stopped = new Map<string, { parser: Parser; spent: ParseSpent; ranges: Range[] | undefined }>();
  let resting: Parser | undefined;
  return {
    parse(text, oldTree, spans) {
      const base = typeof text === 'string' ? text : text.base;
      // Line breaks are the base's (patches keep them), and so are the ranges' points.
      const limit = deadline(spans ? spans.reduce((n, s) => n + s.end - s.start, 0) : base.length);
      const options = {
        ...(spans ? { includedRanges: rangesOf(base, spans) } : {}),
        progressCallback: limit.over,
      };
      const input = typeof text === 'string' || text.patches.length === 0 ? base : pieceReader(text);
      const tree = parser.parse(input, oldTree ?? null, options);
      if (tree) return tree;
      // Stopped by the callback: the next parse must not go on from where this one stopped.
      parser.reset();
      throw new ParseTimeout(limit.budget);
    },
    parsePart(text, stop, spans) {
      // Tree-sitter goes on from where the parser's stopped parse left off.
      const known = stopped.get(text);
      stopped.delete(text);
      let part = known?.parser;
      if (!part) {
        part = resting ?? newParser();
        resting = undefined;
      }
      const limit = deadline(spans ? spans.reduce((n, s) => n + s.end - s.start, 0) : text.length, known?.spent);
      // Found once for a parse: each part reads them.
      const ranges = known?.ranges ?? (spans ? rangesOf(text, spans) : undefined);
      const tree = part.parse(text, null, {
        ...(ranges ? { includedRanges: ranges } : {}),
        progressCallback: () => stop() || limit.over(),
      });
      if (tree) {
        if (resting) part.delete();
        else resting = part;
        return tree;
      }
      if (limit.over()) {
        part.delete();
        throw new ParseTimeout(limit.budget);
      }
      stopped.set(text, { parser: part, spent: limit.spent(), ranges });
      // Never more than a few (a reading of crates stops in one file at a time): past that, the
      // oldest is dropped, and parsed afresh if asked for again.
      for (const [oldest, dropped] of stopped) {
        if (stopped.size <= MAX_STOPPED_PARSES) break;
        stopped.delete(oldest);
        dropped.parser.delete();
      }
      return undefined;
    },
  };
}

/**
 * `text` from `index` to its next patch's edge: what tree-sitter asks for as it reads (and what
 * `Node.text` of the tree joins), with '' only at the end.
 */
function pieceReader({ base, patches }: PatchedText): (index: number) => string {
  return (index) => {
    // The first patch that ends after `index`.
    let low = 0;
    let high = patches.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (patches[mid].at + patches[mid].text.length <= index) low = mid + 1;
      else high = mid;
    }
    const next = patches[low];
    if (next === undefined) return base.slice(index);
    return next.at <= index ? next.text.slice(index - next.at) : base.slice(index, next.at);
  };
}

/** The whole text of `text` (for tests and rare readers; the parser reads it in pieces). */
export function patchedString(text: PatchedText): string {
  const parts: string[] = [];
  let at = 0;
  for (const patch of text.patches) {
    parts.push(text.base.slice(at, patch.at), patch.text);
    at = patch.at + patch.text.length;
  }
  parts.push(text.base.slice(at));
  return parts.join('');
}

let childListsUncached = false;

/**
 * web-tree-sitter keeps a node's `children` and `namedChildren` on the node once they are read.
 * A node the analysis keeps (an item's, a field's type) then keeps every child ever listed under
 * it, and those theirs: the young collections after each edit copied megabytes of nodes that
 * way, and the CLI held them for a whole crate. The lists are made afresh at each read instead
 * (a node's children are seldom asked for twice).
 */
function uncacheChildLists(): void {
  if (childListsUncached) return;
  childListsUncached = true;
  for (const [name, field] of [
    ['children', '_children'],
    ['namedChildren', '_namedChildren'],
  ] as const) {
    const original = Object.getOwnPropertyDescriptor(Node.prototype, name);
    if (original?.get === undefined) continue;
    Object.defineProperty(Node.prototype, name, {
      configurable: true,
      get(this: Node) {
        const list: unknown = original.get?.call(this);
        (this as unknown as Record<string, unknown>)[field] = undefined;
        return list;
      },
    });
  }
}

let typeIdsRemembered = false;

/**
 * web-tree-sitter asks WebAssembly for a node's type at each read of `type` (or `typeId`), and
 * the analyses read it many times from the same node object (a `switch`, then a test, then
 * another). The id is kept on the node object at its first read: the node stands for one syntax
 * node of one tree, whose kind never changes (an edit of the tree changes positions, not kinds).
 */
function rememberTypeIds(): void {
  if (typeIdsRemembered) return;
  typeIdsRemembered = true;
  const original = Object.getOwnPropertyDescriptor(Node.prototype, 'typeId');
  if (original?.get === undefined) return;
  Object.defineProperty(Node.prototype, 'typeId', {
    configurable: true,
    get(this: Node & { knownTypeId?: number }) {
      return (this.knownTypeId ??= original.get?.call(this) as number);
    },
  });
}

let fieldNamesIndexed = false;

/**
 * web-tree-sitter finds a field's id by searching the grammar's list of field names at each
 * `childForFieldName`, the analyses' commonest read. The ids are kept by name for each grammar
 * instead: a loaded grammar's fields never change.
 */
function indexFieldNames(): void {
  if (fieldNamesIndexed) return;
  fieldNamesIndexed = true;
  const byLanguage = new WeakMap<Language, Map<string, number>>();
  const idOf = (language: Language, name: string): number => {
    let ids = byLanguage.get(language);
    if (!ids) {
      ids = new Map();
      byLanguage.set(language, ids);
    }
    let id = ids.get(name);
    if (id === undefined) {
      id = language.fields.indexOf(name);
      ids.set(name, id);
    }
    return id;
  };
  Object.defineProperty(Node.prototype, 'childForFieldName', {
    configurable: true,
    writable: true,
    value(this: Node, name: string): Node | null {
      const id = idOf(this.tree.language, name);
      return id === -1 ? null : this.childForFieldId(id);
    },
  });
}

/** A parser of each loaded grammar, for `parseSpansLike`. */
const sideParsers = new WeakMap<object, Parser>();

/**
 * Parses `text` with the grammar `like` was parsed with, reading only `spans` at their own
 * positions: for a piece of a file read again another way (a macro's arguments as expressions).
 */
export function parseSpansLike(like: Tree, text: string, spans: readonly TextSpan[]): Tree | undefined {
  let parser = sideParsers.get(like.language);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(like.language);
    sideParsers.set(like.language, parser);
  }
  const limit = deadline(spans.reduce((n, s) => n + s.end - s.start, 0));
  const tree = parser.parse(text, null, { includedRanges: rangesOf(text, spans), progressCallback: limit.over });
  if (!tree) parser.reset();
  return tree ?? undefined;
}

/** Tree-sitter's ranges for sorted spans: their points found in one pass over the text. */
function rangesOf(text: string, spans: readonly TextSpan[]): Range[] {
  let row = 0;
  let lineStart = 0;
  let at = 0;
  const pointOf = (offset: number): Point => {
    for (let nl = text.indexOf('\n', at); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
      row++;
      lineStart = nl + 1;
    }
    at = Math.max(at, offset);
    return { row, column: offset - lineStart };
  };
  return spans.map(({ start, end }) => ({
    startIndex: start,
    endIndex: end,
    startPosition: pointOf(start),
    endPosition: pointOf(end),
  }));
}

/** Named children, without comments. */
export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && !isComment(c));
}

/**
 * Named children without comments, each with its type, read once: a node's type is a call into
 * WebAssembly each time it is asked, and a file's items are asked theirs several times over.
 */
export function typedNamedChildren(node: Node): { node: Node; type: string }[] {
  const out: { node: Node; type: string }[] = [];
  for (const child of node.namedChildren) {
    if (child === null) continue;
    const type = child.type;
    if (type !== 'line_comment' && type !== 'block_comment') out.push({ node: child, type });
  }
  return out;
}

/**
 * A copy of a node's text that does not keep the file's text alive: V8 makes a longer piece of
 * a string (as `node.text` is) a view into the whole. For what outlives its tree (a cache kept
 * across files), which would otherwise hold every file's text it ever met.
 */
export function detachedText(text: string): string {
  // Joining flattens into a new string; the piece cut from it keeps only that one alive.
  return (' ' + text).slice(1);
}

/** The impl or trait whose body holds `node` as a member (`impl X { fn f() }`: the impl); else undefined. */
export function memberOwner(node: Node): Node | undefined {
  const list = node.parent;
  return list?.type === 'declaration_list' ? (list.parent ?? undefined) : undefined;
}

/**
 * A cursor that moves forward through a tree, to ranges in document order, keeping the nodes on
 * its path: up only as far as the next range needs, then down, passing the siblings that end
 * before it, like a merge. `node.parent` and `descendantForIndex` ask from the root down, so
 * asking them for each of many nodes was quadratic in the depth: deep nesting (3,000 blocks, as
 * broken text can have) took seconds a node.
 */
class ForwardWalk {
  private readonly cursor: TreeCursor;
  /** The nodes from the root to the cursor's. */
  readonly path: Node[];

  constructor(root: Node) {
    this.cursor = root.walk();
    this.path = [root];
  }

  /** Moves to the smallest node that holds `start..end`, or down to the node `id` if it is one of those. */
  moveTo(start: number, end: number, id?: number): Node {
    const { cursor, path } = this;
    // Up and forward: siblings that end before the range are passed, a level at a time.
    while (path.length > 1) {
      const top = path[path.length - 1];
      if (top.startIndex <= start && end <= top.endIndex) break;
      path.pop();
      if (top.endIndex <= start && cursor.gotoNextSibling()) path.push(cursor.currentNode);
      else cursor.gotoParent();
    }
    // Down: at each level the child that holds the range, the others passed by their ends.
    while (path[path.length - 1].id !== id && cursor.gotoFirstChild()) {
      while (cursor.endIndex <= start && cursor.endIndex < end && cursor.gotoNextSibling());
      if (!(cursor.startIndex <= start && end <= cursor.endIndex)) {
        cursor.gotoParent();
        break;
      }
      path.push(cursor.currentNode);
    }
    return path[path.length - 1];
  }

  delete(): void {
    this.cursor.delete();
  }
}

/** Past this depth, `withAncestors` moves a ForwardWalk instead of walking up from each node. */
const DEEP = 48;

/**
 * Each of `nodes` (of `root`'s tree, in document order) with its ancestors, the root first.
 * Walking up from each node is fastest at the depths of real code; once a node is deeper than
 * DEEP, the others are found by one ForwardWalk (a node it does not reach, out of order, is
 * walked up from). `ancestors` is valid during the call only.
 */
export function withAncestors(
  root: Node,
  nodes: readonly Node[],
  visit: (node: Node, ancestors: readonly Node[]) => void,
): void {
  let walk: ForwardWalk | undefined;
  try {
    for (const node of nodes) {
      if (!walk) {
        const ancestors = ancestorsWalkingUp(node, DEEP);
        if (ancestors) {
          visit(node, ancestors);
          continue;
        }
        walk = new ForwardWalk(root);
      }
      if (walk.moveTo(node.startIndex, node.endIndex, node.id).id !== node.id) {
        visit(node, ancestorsWalkingUp(node)!);
        continue;
      }
      const path = walk.path;
      path.pop();
      visit(node, path);
      path.push(node);
    }
  } finally {
    walk?.delete();
  }
}

/**
 * The items of a fn body as a walk of every node under `body` finds them (not into an item, and
 * down to `maxDepth` nodes), in order. Found from their keywords in `text` (the body's), as
 * searchItems finds a file's: `keywords` (global) matches a keyword of each type of `types`
 * (keyword to node type); past an item, the search goes on after its end. `isItem` says which
 * node types the walk does not go into. A search that meets an item deeper than DEEP, or takes
 * longer than `walkAfterMs` (deep nesting, or thousands of keywords in one macro's tokens, where
 * finding each node costs the depth or its siblings), gives up for the walk, which costs the
 * body's nodes.
 */
export function bodyItems(
  body: Node,
  text: string,
  keywords: RegExp,
  types: ReadonlyMap<string, string>,
  isItem: (type: string) => boolean,
  maxDepth: number,
  walkAfterMs = SLOW_BODY_SEARCH_MS,
): Node[] {
  const found: Node[] = [];
  const offset = body.startIndex;
  const bodyId = body.id;
  const seen = new Set<number>();
  const started = performance.now();
  let count = 0;
  keywords.lastIndex = 0;
  for (let match = keywords.exec(text); match !== null; match = keywords.exec(text)) {
    if (++count % 16 === 0 && performance.now() - started > walkAfterMs) return walkedBodyItems(body, isItem, maxDepth);
    const start = offset + match.index;
    const node = body.descendantForIndex(start, start + match[0].length + 1);
    if (node === null || node.type !== types.get(match[0]) || seen.has(node.id)) continue;
    seen.add(node.id);
    // Up to the body: the nodes between are neither items nor too many.
    let depth = 1;
    let inItem = false;
    let p = node.parent;
    for (; p !== null && p.id !== bodyId && depth <= DEEP && !inItem; p = p.parent) {
      depth++;
      inItem = isItem(p.type);
    }
    if (inItem) continue;
    if (p?.id !== bodyId) return walkedBodyItems(body, isItem, maxDepth);
    if (depth > maxDepth) continue;
    found.push(node);
    keywords.lastIndex = Math.max(keywords.lastIndex, node.endIndex - offset);
  }
  return found;
}

/** bodyItems by a walk of the body's nodes that reads their types without making node objects. */
function walkedBodyItems(body: Node, isItem: (type: string) => boolean, maxDepth: number): Node[] {
  const found: Node[] = [];
  const cursor = body.walk();
  try {
    if (!cursor.gotoFirstChild()) return found;
    let depth = 1;
    let descend = true;
    for (;;) {
      if (descend) {
        if (isItem(cursor.nodeType)) found.push(cursor.currentNode);
        else if (depth < maxDepth && cursor.gotoFirstChild()) {
          depth++;
          continue;
        }
      }
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      if (depth <= 1 || !cursor.gotoParent()) break;
      depth--;
      descend = false;
    }
  } finally {
    cursor.delete();
  }
  return found;
}

/** As SLOW_SEARCH_MS, for one body: the slowest of 226,000 real ones measured took under 1 ms. */
const SLOW_BODY_SEARCH_MS = 5;

/** The node's ancestors, the root first; undefined when there are more than `most`. */
function ancestorsWalkingUp(node: Node, most = Infinity): Node[] | undefined {
  const out: Node[] = [];
  for (let p = node.parent; p; p = p.parent) {
    if (out.length >= most) return undefined;
    out.push(p);
  }
  return out.reverse();
}

/** The `#[..]` attributes written right above an item, nearest first (comments between skipped). */
export function attributesOf(item: Node): string[] {
  const out: string[] = [];
  for (let p = item.previousNamedSibling; p; p = p.previousNamedSibling) {
    if (p.type === 'attribute_item') out.push(p.text);
    else if (!p.type.endsWith('comment')) break;
  }
  return out;
}

export function isComment(node: Node): boolean {
  const type = node.type;
  return type === 'line_comment' || type === 'block_comment';
}

/** Counts ERROR and MISSING nodes: how far the text is from complete Rust. */
export function countSyntaxErrors(root: Node): number {
  if (!root.hasError) return 0;
  let count = 0;
  const cursor = root.walk();
  let descend = true;
  for (;;) {
    const n = cursor.currentNode;
    if (descend && (n.isError || n.isMissing)) count++;
    if (descend && n.hasError && cursor.gotoFirstChild()) continue;
    if (cursor.gotoNextSibling()) {
      descend = true;
      continue;
    }
    if (!cursor.gotoParent()) break;
    descend = false;
  }
  cursor.delete();
  return count;
}

interface Point {
  row: number;
  column: number;
}

/** The point of `offset` in `text`: rows split at `\n`, columns in UTF-16 units (as tree-sitter counts here). */
export function pointAt(text: string, offset: number): Point {
  // (`lastIndexOf` from -1 searches from 0: a text starting with a line end gave column -1.)
  const before = offset === 0 ? -1 : text.lastIndexOf('\n', offset - 1);
  let row = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) row++;
  return { row, column: offset - (before + 1) };
}

type Edit = Parameters<Tree['edit']>[0];

/** The one edit (the changed middle between a common prefix and suffix) that turns `before` into `after`. */
export function editBetween(before: string, after: string): Edit {
  const { start, suffix } = commonEnds(before, after);
  return editFrom(before, after, start, suffix);
}

/**
 * The same for two patched texts, without building them: the bases' common ends, cut back to the
 * first patch (from either end) that the two do not share. The edit may be wider than the least
 * one, never narrower: a wider edit only reuses less of the old tree.
 */
export function editBetweenPatched(before: PatchedText, after: PatchedText): Edit {
  let { start, suffix } = commonEnds(before.base, after.base);
  const [a, b] = [before.patches, after.patches];
  let i = 0;
  while (i < a.length && i < b.length && a[i].at === b[i].at && a[i].text === b[i].text) i++;
  if (i < a.length) start = Math.min(start, a[i].at);
  if (i < b.length) start = Math.min(start, b[i].at);
  const shift = after.base.length - before.base.length;
  let j = 1;
  while (j <= a.length && j <= b.length && a.length - j >= i && b.length - j >= i) {
    const [x, y] = [a[a.length - j], b[b.length - j]];
    if (y.at - x.at !== shift || x.text !== y.text) break;
    j++;
  }
  const lastA = a[a.length - j] as TextPatch | undefined;
  const lastB = b[b.length - j] as TextPatch | undefined;
  if (lastA) suffix = Math.min(suffix, before.base.length - (lastA.at + lastA.text.length));
  if (lastB) suffix = Math.min(suffix, after.base.length - (lastB.at + lastB.text.length));
  return editFrom(before.base, after.base, start, Math.max(0, suffix));
}

/** The lengths of the longest common prefix of two texts and of their longest common suffix after it. */
function commonEnds(before: string, after: string): { start: number; suffix: number } {
  const max = Math.min(before.length, after.length);
  // Compared by halving chunks first (two slices compare natively), then a character at a time.
  let start = 0;
  for (let step = CHUNK; step >= MIN_CHUNK;) {
    if (start + step <= max && before.slice(start, start + step) === after.slice(start, start + step)) start += step;
    else step >>= 1;
  }
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let suffix = 0;
  for (let step = CHUNK; step >= MIN_CHUNK;) {
    if (
      suffix + step <= max - start &&
      before.slice(before.length - suffix - step, before.length - suffix) ===
        after.slice(after.length - suffix - step, after.length - suffix)
    )
      suffix += step;
    else step >>= 1;
  }
  while (
    suffix < max - start &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  )
    suffix++;
  return { start, suffix };
}

/** The edit between `before` and `after` that keeps `start` characters at the front and `suffix` at the back. */
function editFrom(before: string, after: string, start: number, suffix: number): Edit {
  const oldEnd = before.length - suffix;
  const newEnd = after.length - suffix;
  const startPosition = pointAt(before, start);
  return {
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition,
    oldEndPosition: pointAfter(before, start, startPosition, oldEnd),
    newEndPosition: pointAfter(after, start, startPosition, newEnd),
  };
}

const CHUNK = 1 << 16;
const MIN_CHUNK = 32;

/** The point of `offset` in `text`, counted on from `from` at `point`. */
function pointAfter(text: string, from: number, point: Point, offset: number): Point {
  let { row, column } = point;
  let lineStart = from - column;
  for (let at = text.indexOf('\n', from); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    row++;
    lineStart = at + 1;
  }
  column = offset - lineStart;
  return { row, column };
}

/** The node types an analysis searches the whole file for, several times, by their keyword's token. */
const SEARCHED = new Map([
  ['fn', 'function_item'],
  ['impl', 'impl_item'],
  ['macro_rules!', 'macro_definition'],
  ['static', 'static_item'],
  ['const', 'const_item'],
]);
const SEARCHED_TYPES = new Set(SEARCHED.values());
const KEYWORDS = /(?<![A-Za-z_])(?:(?:fn|impl|static|const)\b|macro_rules!)/g;
const searchedByTree = new WeakMap<Tree, Map<string, Node[]>>();

/**
 * Every node of `type` under `root`, in source order (as `descendantsOfType`). For a file's root,
 * the types of SEARCHED are found together and remembered with the tree: the rules, the item
 * macros and the futures each ask. (A tree analysed is never edited afterwards: an edit reparses
 * into a new tree.)
 */
export function nodesOfType(root: Node, type: string): Node[] {
  if (root.type !== 'source_file' || !SEARCHED_TYPES.has(type))
    return root.descendantsOfType(type).filter((n): n is Node => n !== null);
  let found = searchedByTree.get(root.tree);
  if (!found) {
    found = searchItems(root);
    searchedByTree.set(root.tree, found);
  }
  return found.get(type) ?? [];
}

/**
 * A keyword search that takes longer is in deep nesting: the slowest real file measured, winapi's
 * `winerror.rs` with its 6,000 consts, takes 12 ms.
 */
const SLOW_SEARCH_MS = 50;

/**
 * The items of SEARCHED under `root`, by type, found from their keywords in the text: a walk of
 * every node of a large file costs several times more. A keyword counts when the smallest node
 * that holds it and the character after it is its item (a keyword in a comment, a string, a
 * macro's tokens, `const fn`, `-> impl Trait` or `&'static` gives another node). An item's
 * keyword comes before any item nested in it, so the text's order is the tree's. (`1const`, in
 * broken code, is two tokens.) Past `walkAfterMs`, the rest are found by a ForwardWalk.
 */
export function searchItems(root: Node, walkAfterMs = SLOW_SEARCH_MS): Map<string, Node[]> {
  const byType = new Map<string, Node[]>([...SEARCHED_TYPES].map((t) => [t, []]));
  // In broken code an item can run over the next ones' keywords.
  const seen = new Set<number>();
  // `descendantForIndex` asks from the root down: fastest at the depths of real code, quadratic
  // in deep nesting, where a ForwardWalk takes over (the nodes found are the same).
  const started = performance.now();
  let walk: ForwardWalk | undefined;
  let count = 0;
  try {
    for (const match of root.text.matchAll(KEYWORDS)) {
      const start = root.startIndex + match.index;
      const item = SEARCHED.get(match[0])!;
      const end = start + match[0].length + 1;
      const node = walk ? walk.moveTo(start, end) : root.descendantForIndex(start, end);
      if (!walk && ++count % 32 === 0 && performance.now() - started > walkAfterMs) walk = new ForwardWalk(root);
      if (node?.type !== item || seen.has(node.id)) continue;
      seen.add(node.id);
      byType.get(item)!.push(node);
    }
  } finally {
    walk?.delete();
  }
  return byType;
}
