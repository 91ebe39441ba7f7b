// Whether each future of a file is `Send`: every `async fn`, `async` block and async closure, with
// the values it holds across its `.await`s. The rules are rustc's (its generator analysis, checked
// by the fixtures under test/fixtures/futures/):
// - parameters and captured variables are in the future for its whole life;
// - a local is held across an `.await` when it is in scope there, was not moved away before it
//   (unconditionally, and without having been borrowed: rustc keeps a borrowed local to the end
//   of its scope even after `drop(x)`), and either is used after the `.await` (or later in a loop
//   around it), was borrowed before it, or runs code when dropped; shadowing drops nothing;
//   `let _ = expr` drops at once, `let _x = expr` holds;
// - temporaries live to the end of their statement; those of a `match`, `if let` or `while let`
//   scrutinee through the whole expression; those of an `if` condition do not reach the branches;
// - awaiting a future of the crate adds that future's own verdict.
// Types come from annotations, constructors, the crate's own signatures and the std methods of
// std-methods.ts; what cannot be typed is `unknown` with its reason, never a guess.
import { AtomSet, renderAtom, renderChain, type Atom } from '../model/conditions';
import { cfgPredicate, evaluateCfg, type CfgContext } from '../model/cfg';
import type { FileItems, FnDef, ImplDef, InherentImpl, Scope, TraitDef, TypeDef } from '../model/lower';
import { lowerFile, lowerGenerics, newScope, pathSegments, withAttributes } from '../model/lower';
import type { FutureKind, FutureReport, HeldValue, Range, Status } from '../model/report';
import { crateRoot, paramEnv, someTy, type Resolver, type Ty } from '../model/resolve';
import {
  memberOwner,
  namedChildren,
  nodesOfType,
  parseSpansLike,
  withAncestors,
  type SyntaxNode,
  type SyntaxTree,
} from '../syntax/parser';
import type { Solution, Value } from '../traits/infer';
import { lookupKnownType, PRIMITIVES } from '../model/known-types';
import {
  CLONE_PATHS,
  combinatorClosureParam,
  constructorKind,
  consumesReceiver,
  DEREF_PATHS,
  integerTryFrom,
  ioResultSpelledOut,
  knownTy,
  STD_READ_INTO,
  STD_SENDING,
  stdChannel,
  timeArithmetic,
  needsDrop,
  stdFnResult,
  stdAssociatedFn,
  stdMethod,
  type ReceiverMode,
} from './std-methods';
import type { FutureReuse, ReuseSession } from './fn-reuse';
import { knownFuture } from './known-futures';
import { capturesAny, mentions, nameHash, treeMentions } from './words';
import { hasWord } from '../syntax/words';
import {
  derefAll,
  fillHole,
  fitImpl,
  type Fit,
  filled,
  holesIn,
  mapTy,
  paramNames,
  readsInPlace,
  replaceParams,
  shaped,
  unify,
  withOutputs,
  type LocalTy,
} from './types';

/** A call whose argument must be `Send`: `tokio::spawn(fut)`, `thread::spawn(move || ...)`. */
interface SendRequirement {
  /** The whole call, where the diagnostic goes. */
  range: Range;
  callee: string;
  /** `future`: the argument is a future; `value`: a closure or another value. */
  kind: 'future' | 'value';
  argText: string;
  status: Status;
  reasons: string[];
  held: HeldValue[];
}

/** Each fn's results kept from one analysis of a file to the next (fn-reuse.ts). */
export type FnFuturesReuse = FutureReuse<SendRequirement, ArcNew>;

export interface FileFutures {
  futures: FutureReport[];
  requirements: SendRequirement[];
  /** Every `Arc::new(x)` whose `x` the analysis could type, with `x`'s own Send and Sync (arc-not-sync). */
  arcs: ArcNew[];
}

interface ArcNew {
  range: Range;
  /** The type of the value put in the `Arc`. */
  ty: string;
  send: Value;
  sync: Value;
}

/** The crates whose `poll_fn(f)` is a `PollFn<F>`, `Send` exactly when `F` is. */
const POLL_FN_CRATES = new Set(['std', 'core', 'futures', 'futures_util', 'futures_lite', 'futures_core']);

/** Paths of std and well-known runtime functions that require a `Send` argument (the first). */
const SPAWN_PATHS = new Set([
  'tokio::spawn',
  'tokio::task::spawn',
  'std::thread::spawn',
  'rayon::spawn',
  'async_std::task::spawn',
]);

/**
 * Text without these words has no future, spawns nothing and makes no `Arc`: a file without them
 * is not walked, nor is a plain fn's body without them that calls no fn of the project's own with
 * a `Send`-bounded parameter (see callsSendBound). A call of a dependency's such fn (`rayon::join`)
 * is checked where one of these words is written.
 */
const MAY_HAVE_FUTURES = /\basync\b|\bspawn\b|\bArc::new\b/;
const ASYNC_WORD = /\basync\b/;
const SEND_WORD = /\bSend\b/;
/** A name before a call's `(`, or before a turbofish and then one: what a body may call. */
const CALLED_NAME = /\b([A-Za-z_]\w*)\s*(?:::\s*<[^()]*>\s*)?\(/;

const MAX_REASONS = 6;

/**
 * How many levels of a body's expressions the walk follows (each level takes a few frames of
 * JS's stack, which a generated or broken file nested thousands deep would overflow).
 */
const MAX_NESTING = 200;

function rangeOf(from: SyntaxNode, to: SyntaxNode = from): Range {
  return {
    start: { line: from.startPosition.row, character: from.startPosition.column },
    end: { line: to.endPosition.row, character: to.endPosition.column },
  };
}

/**
 * Macros whose arguments are plain expressions, read as such when they hold an `.await` (the call
 * made a tuple of them, in place): whether each takes a local by reference (the assertions and
 * the format family) or by value.
 */
const EXPRESSION_MACROS = new Map<string, 'borrow' | 'move'>([
  ...['assert', 'assert_eq', 'assert_ne', 'debug_assert', 'debug_assert_eq', 'debug_assert_ne'].map(
    (name) => [name, 'borrow'] as const,
  ),
  ...['print', 'println', 'eprint', 'eprintln', 'format', 'write', 'writeln', 'panic'].map(
    (name) => [name, 'borrow'] as const,
  ),
  ...['todo', 'unimplemented', 'unreachable'].map((name) => [name, 'borrow'] as const),
  ...['vec', 'dbg', 'assert_ok', 'assert_err'].map((name) => [name, 'move'] as const),
  ...['join', 'try_join'].map((name) => [name, 'move'] as const),
]);

/** Whether an item is `#[repr(packed)]` (its attributes are the siblings right before it). */
function packed(item: SyntaxNode): boolean {
  for (let a = item.previousNamedSibling; a?.type === 'attribute_item'; a = a.previousNamedSibling)
    if (/\brepr\s*\([^)]*\bpacked\b/.test(a.text)) return true;
  return false;
}

/** How a message names an await point: `` `.await` ``, or the awaiting macro (`` `tokio::join!` ``). */
function awaitText(node: SyntaxNode): string {
  return node.type === 'macro_invocation' ? `\`${node.childForFieldName('macro')?.text ?? '?'}!\`` : '`.await`';
}

/** Macros that await what they are given (tokio's and futures' `join!`, `select!`): an await point. */
const AWAITING_MACROS = new Set(['join', 'try_join', 'select', 'select_biased']);
const AWAITING_CRATES = new Set(['tokio', 'futures', 'futures_util']);
/** tokio's `select!`, read branch by branch (futures' has other branches: `default`, `complete`). */
const SELECT = new Set(['select']);
const TOKIO = new Set(['tokio']);
/** Where a search for what binds a name stops: another body. */
const FN_LIKE = new Set(['function_item', 'closure_expression', 'async_block']);
/** `tokio::pin!(fut)`, `futures::pin_mut!(fut)`: statement macros that pin locals where they are. */
const PINNING_MACROS = new Set(['pin', 'pin_mut']);
const PINNING_CRATES = new Set(['tokio', 'futures', 'futures_util', 'futures_lite', 'pin_utils']);

/** Macros that only read their arguments (`write!` is not one: it takes its writer by `&mut`). */
const READING_MACROS = new Set([
  ...['assert', 'assert_eq', 'assert_ne', 'debug_assert', 'debug_assert_eq', 'debug_assert_ne'],
  ...['print', 'println', 'eprint', 'eprintln', 'format', 'panic', 'todo', 'unimplemented', 'unreachable'],
]);

/**
 * How std's methods borrow their receiver, by name, for std receivers only: `&self` (a lock, a
 * cell, a channel end, a read) or `&mut self` (a collection changed in place). Names whose mode
 * differs between std types (`take`, `replace`, `swap`, `write`) are in neither.
 */
const STD_SHARED_METHODS = new Set([
  ...['lock', 'try_lock', 'borrow', 'borrow_mut', 'try_borrow', 'try_borrow_mut', 'get', 'set', 'len', 'is_empty'],
  ...['iter', 'clone', 'contains', 'contains_key', 'load', 'store', 'fetch_add', 'fetch_sub', 'fetch_or'],
  ...['fetch_and', 'compare_exchange', 'as_str', 'as_ref', 'to_string', 'to_owned', 'first', 'last', 'keys'],
  ...['values', 'send', 'recv', 'try_recv', 'recv_timeout', 'notify_one', 'notify_all', 'as_slice', 'as_path'],
]);
const STD_UNIQUE_METHODS = new Set([
  ...['push', 'push_str', 'push_back', 'push_front', 'pop', 'pop_back', 'pop_front', 'insert', 'remove'],
  ...['clear', 'extend', 'truncate', 'retain', 'drain', 'sort', 'sort_by', 'sort_by_key', 'sort_unstable'],
  ...['dedup', 'append', 'iter_mut', 'get_mut', 'entry', 'values_mut', 'as_mut', 'reverse', 'resize'],
]);

/** How a body borrows a binding it captures by reference: `&` (shared) or `&mut` (unique). */
interface CaptureBorrow {
  /** Some use needs `&mut`. */
  unique: boolean;
  /** Some use's borrow could not be told. */
  untold: boolean;
}

/** What a macro call's arguments read as, in place: a tuple, one parenthesized value, an array. */
const ARGUMENT_LISTS = new Set(['tuple_expression', 'parenthesized_expression', 'array_expression']);

/** The trees of macro arguments read again (see FileAnalyzer.macroArguments), freed with their analyzer. */
const argumentTrees = new FinalizationRegistry<SyntaxTree[]>((trees) => {
  for (const tree of trees) tree.delete();
});

/** A branch of `tokio::select!`, its parts as nodes of the fn read again (see selectOf). */
interface SelectBranch {
  /** `Some(v)`; `_` for `else`. */
  pattern: SyntaxNode;
  /** Undefined for `else`. */
  future?: SyntaxNode;
  /** `, if cond`. */
  precondition?: SyntaxNode;
  handler: SyntaxNode;
}

/** Where a `tokio::select!` branch's parts are in the file: `[start, end)` of each. */
interface BranchSpans {
  /** The pattern, or `else`. */
  pattern: [number, number];
  isElse: boolean;
  future?: [number, number];
  precondition?: [number, number];
  handler: [number, number];
}

/**
 * The branches of a `tokio::select! { biased; pat = fut, if cond => handler, else => handler }`
 * call, from its tokens; undefined where it is written otherwise.
 */
function selectSpans(tokens: SyntaxNode): BranchSpans[] | undefined {
  if (!tokens.text.startsWith('{')) return undefined;
  const parts = tokens.children.filter((c): c is SyntaxNode => c !== null).slice(1, -1);
  let i = parts[0]?.text === 'biased' && parts[1]?.type === ';' ? 2 : 0;
  const upTo = (stop: (t: SyntaxNode, next: SyntaxNode | undefined) => boolean): [number, number] | undefined => {
    const from = i;
    while (i < parts.length && !stop(parts[i], parts[i + 1])) i++;
    return i > from ? [parts[from].startIndex, parts[i - 1].endIndex] : undefined;
  };
  const out: BranchSpans[] = [];
  while (i < parts.length) {
    const isElse = parts[i].text === 'else' && parts[i + 1]?.type === '=>';
    let pattern: [number, number] | undefined;
    let future: [number, number] | undefined;
    let precondition: [number, number] | undefined;
    if (isElse) {
      pattern = [parts[i].startIndex, parts[i].endIndex];
      i++;
    } else {
      pattern = upTo((t) => t.type === '=' || t.type === '=>');
      if (!pattern || parts[i]?.type !== '=') return undefined;
      i++;
      future = upTo((t, next) => t.type === '=>' || (t.type === ',' && next?.type === 'if'));
      if (!future) return undefined;
      if (parts[i]?.type === ',') {
        i += 2;
        precondition = upTo((t) => t.type === '=>');
        if (!precondition) return undefined;
      }
    }
    if (parts[i]?.type !== '=>') return undefined;
    i++;
    const block = parts[i]?.type === 'token_tree' && parts[i].text.startsWith('{');
    const handler = block
      ? ([parts[i].startIndex, parts[i++].endIndex] as [number, number])
      : upTo((t) => t.type === ',');
    if (!handler) return undefined;
    if (parts[i]?.type === ',') i++;
    out.push({ pattern, isElse, future, precondition, handler });
  }
  return out.length > 0 ? out : undefined;
}

/** `text` with `[start, end)` replaced by `by` (no longer than the span), padded with spaces. */
function overwrite(text: string[], start: number, end: number, by = ''): void {
  for (let k = start; k < end; k++) if (text[k] !== '\n') text[k] = by[k - start] ?? ' ';
}

/**
 * A `tokio::select!` call's branches as nodes of the fn's text read twice at the same offsets:
 * once with the call made a `match` of its patterns (`match() { Some(v)=>0,   ..`), once made a
 * tuple of its futures, preconditions and handlers (`(a.recv(),    open, v, ..)`). Undefined
 * where a part does not read as one node, or a closure or `async` block is among them (their
 * futures are keyed by the nodes of the file's own tree).
 */
function selectOf(
  fn: SyntaxNode,
  call: SyntaxNode,
  tokens: SyntaxNode,
): { trees: SyntaxTree[]; branches: SelectBranch[] } | undefined {
  const spans = selectSpans(tokens);
  const start = fn.startIndex;
  const macroEnd = tokens.startIndex;
  if (!spans || macroEnd - call.startIndex < 'match()'.length) return undefined;
  const file = fn.tree.rootNode.text;
  const parse = (edit: (text: string[]) => boolean): SyntaxTree | undefined => {
    const text = [...file.slice(start, fn.endIndex)];
    return edit(text) ? parseInPlace(fn, text.join('')) : undefined;
  };
  const local = (offset: number) => offset - start;
  const inner: [number, number] = [local(tokens.startIndex) + 1, local(tokens.endIndex) - 1];
  // The patterns: `match() { PAT=>0, .. }` (each branch's other parts blanked).
  const patterns = parse((text) => {
    overwrite(text, local(call.startIndex), local(macroEnd), 'match()');
    overwrite(text, inner[0], inner[1]);
    for (const b of spans) {
      const [ps, pe] = b.pattern;
      overwrite(text, local(ps), local(pe), b.isElse ? '_' : file.slice(ps, pe));
      overwrite(text, local(pe), local(pe) + 4, '=>0,');
    }
    return true;
  });
  // The expressions, in order: `(FUT, COND, HANDLER, ..)`.
  const expressions = parse((text) => {
    overwrite(text, local(call.startIndex), local(tokens.startIndex) + 1);
    text[local(tokens.startIndex)] = '(';
    text[local(tokens.endIndex) - 1] = ')';
    overwrite(text, inner[0], inner[1]);
    const parts = spans.flatMap((b) => [b.future, b.precondition, b.handler]).filter((x) => x !== undefined);
    for (const [k, [s, e]] of parts.entries()) {
      overwrite(text, local(s), local(e), file.slice(s, e));
      // A comma after each part, where the text after it has room for one.
      const after = parts[k + 1]?.[0] ?? tokens.endIndex - 1;
      let at = e;
      while (at < after && (file[at] === '\n' || file[at] === '\r')) at++;
      if (at < after) text[local(at)] = ',';
      else if (k < parts.length - 1) return false; // no room: not read
    }
    return true;
  });
  const trees = [patterns, expressions].filter((t): t is SyntaxTree => t !== undefined);
  const fail = () => {
    for (const t of trees) t.delete();
    return undefined;
  };
  if (!patterns || !expressions) return fail();
  const exact = (tree: SyntaxTree, [s, e]: [number, number]): SyntaxNode | undefined => {
    let n: SyntaxNode | null = tree.rootNode.descendantForIndex(s, e);
    for (let p = n?.parent; p?.startIndex === s && p.endIndex === e && p.type !== 'match_pattern'; p = p.parent) n = p;
    return n?.startIndex === s && n.endIndex === e && !n.hasError ? n : undefined;
  };
  const tuple = expressions.rootNode.descendantForIndex(tokens.startIndex, tokens.endIndex);
  if (tuple?.type !== 'tuple_expression' || tuple.hasError) return fail();
  if (tuple.descendantsOfType(['closure_expression', 'async_block']).length > 0) return fail();
  const branches: SelectBranch[] = [];
  for (const b of spans) {
    const pattern = exact(patterns, b.isElse ? [b.pattern[0], b.pattern[0] + 1] : b.pattern);
    const future = b.future && exact(expressions, b.future);
    const precondition = b.precondition && exact(expressions, b.precondition);
    const handler = exact(expressions, b.handler);
    if (!pattern || !handler || (b.future && !future) || (b.precondition && !precondition)) return fail();
    branches.push({ pattern, future, precondition, handler });
  }
  return { trees, branches };
}

/**
 * A fn's text with each call of `EXPRESSION_MACROS` made the tuple (or array) of its arguments
 * (`assert_eq!(a, b.await)` -> `         (a, b.await)`), parsed at the fn's own offsets and
 * positions: every node read from it is where it is in the file.
 */
function fnWithMacroArguments(fn: SyntaxNode): SyntaxTree | undefined {
  const start = fn.startIndex;
  const text = fn.text;
  let rewritten = '';
  let at = 0;
  for (const call of fn.descendantsOfType('macro_invocation')) {
    const name = call?.childForFieldName('macro');
    const tokens = call?.namedChildren.find((c) => c?.type === 'token_tree');
    if (!call || !name || !tokens || !EXPRESSION_MACROS.has(name.text.split('::').pop()!)) continue;
    if (!'(['.includes(tokens.text[0]) || call.startIndex - start < at) continue;
    rewritten += text.slice(at, call.startIndex - start);
    rewritten += text.slice(call.startIndex - start, tokens.startIndex - start).replace(/[^\n]/g, ' ');
    at = tokens.startIndex - start;
  }
  rewritten += text.slice(at);
  return parseInPlace(fn, rewritten);
}

/**
 * `text`, a fn's text rewritten to the same length, parsed at the fn's own offsets and positions:
 * every node read from it is where it is in the file. (The text before the fn is padded: as many
 * spaces and line breaks as put the fn where it is.)
 */
function parseInPlace(fn: SyntaxNode, text: string): SyntaxTree | undefined {
  const start = fn.startIndex;
  const { row, column } = fn.startPosition;
  const lead = start - row - column;
  if (lead < 0) return undefined;
  const padding = ' '.repeat(lead) + '\n'.repeat(row) + ' '.repeat(column);
  return parseSpansLike(fn.tree, padding + text, [{ start, end: start + text.length }]);
}

/** What awaiting a known API's future gives (see knownFuture), by the future's type. */
const knownOutputs = new WeakMap<Ty, Ty>();

/** A type written as text, parsed once (the trees are few and kept: one per known API's output). */
const typeTrees = new Map<string, SyntaxNode | undefined>();

function typeNode(like: SyntaxTree, text: string): SyntaxNode | undefined {
  if (!typeTrees.has(text)) {
    const source = `type Output = ${text};`;
    const tree = parseSpansLike(like, source, [{ start: 0, end: source.length }]);
    const item = tree?.rootNode.namedChildren[0];
    typeTrees.set(
      text,
      item?.type === 'type_item' && !item.hasError ? (item.childForFieldName('type') ?? undefined) : undefined,
    );
  }
  return typeTrees.get(text);
}

const line = (node: SyntaxNode) => node.startPosition.row + 1;
const unknownLocal = (reason: string): LocalTy => ({ k: 'unknown', reason });
const plain = (text: string): LocalTy => ({ k: 'ty', ty: { k: 'plain', text } });
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

/** `text` cut to `most` characters, `…` saying where. */
function clipped(text: string, most: number): string {
  return text.length <= most ? text : `${text.slice(0, most - 1)}…`;
}

/** The signature facts of one fn of the file. */
interface FnInfo {
  readonly node: SyntaxNode;
  readonly name: string;
  readonly isAsync: boolean;
  readonly scope: Scope;
  readonly env: Map<string, Ty>;
  readonly self?: Ty;
  /** Parameter indices (not counting `self`) whose type is bounded by `Send`. */
  readonly sendParams: number[];
  /** `self` (by value), `&self`, `&mut self`; absent for free fns. */
  readonly selfMode?: ReceiverMode;
}

interface Use {
  offset: number;
  /** `read`: a field copied out (`let n = x.len;`): neither the end of `x` nor a borrow of it. */
  kind: 'move' | 'borrow' | 'read';
  unconditional: boolean;
}

interface Binding {
  name: string;
  ty: LocalTy;
  decl: SyntaxNode;
  kind: 'local' | 'param';
  uses: Use[];
  /** The condition depth of the frame that declares it: moves deeper are conditional. */
  cond: number;
  /** The walk that declared it (a capture crosses walks). */
  walk: BodyWalk;
}

interface Temp {
  ty: LocalTy;
  node: SyntaxNode;
  /** Referenced (`&expr`, a method's `&self`): held to its end even without drop glue. */
  borrowed: boolean;
  until: 'statement' | 'match' | 'if let' | 'while let' | 'for';
}

interface AwaitSite {
  node: SyntaxNode;
  offset: number;
  live: Binding[];
  temps: Temp[];
  loops: SyntaxNode[];
  awaited: LocalTy;
  operand: SyntaxNode;
}

/** The verdict of one held thing, before it becomes a sentence. */
interface Part {
  value: Value;
  held?: HeldValue;
  reason: (leaf: string) => string;
}

/** `reuse`: the fns' results of earlier analyses, under `context` (what the solution depends on besides this file). */
export function analyzeFutures(
  root: SyntaxNode,
  items: FileItems,
  solution: Solution,
  crate?: CrateFutures,
  reuse?: { cache: FnFuturesReuse; context: string },
  /** The file's text, where `root`'s may show its item macros' bodies blanked (see blankItemMacroBodies). */
  text = root.text,
): FileFutures {
  return (
    crate?.analyzerFor(root, items, undefined, reuse) ??
    new FileAnalyzer(root, items, solution, undefined, undefined, reuse)
  ).run(text);
}

/** What the futures analysis reads beyond one file: the other files of the crates a project has read. */
export interface CrateSources {
  /** The file that holds `node` (in its own tree or in one of its item macros' expansions). */
  fileOf(node: SyntaxNode): { root: SyntaxNode; items: FileItems; label: string; dependency?: string } | undefined;
  /**
   * The items of every file of the crates read so far: a type's methods, and its `Drop` and
   * `Deref` impls, may be in any of them.
   */
  files(): Iterable<FileItems>;
  /** The items of the project's own crates' files (read whole when the project opens). */
  localFiles(): Iterable<FileItems>;
  /** How many crates are read so far: dependencies are read when first named. */
  crateCount(): number;
}

/**
 * The futures of a whole project at one version of its text. A call may name a fn of another
 * file or crate (`tokio::spawn`, `self.conn.send(x).await`): its signature says what it needs and
 * returns, and its future is analysed once, by the analyzer of its own file, when first awaited.
 * The project makes a new one whenever any text changes.
 */
export class CrateFutures {
  private readonly analyzers = new Map<SyntaxNode['tree'], FileAnalyzer>();
  private methods?: Map<TypeDef, Map<string, (FnDef | null)[]>>;

  constructor(
    readonly solution: Solution,
    private readonly sources: CrateSources,
  ) {}

  /**
   * `reuse` (earlier analyses' fn results) applies only to an analyzer made now: one that served
   * other files already has walks of its own that no reuse session recorded.
   */
  analyzerFor(
    root: SyntaxNode,
    items: FileItems,
    label?: string,
    reuse?: { cache: FnFuturesReuse; context: string },
  ): FileAnalyzer {
    let analyzer = this.analyzers.get(root.tree);
    if (!analyzer) {
      analyzer = new FileAnalyzer(root, items, this.solution, this, label, reuse);
      this.analyzers.set(root.tree, analyzer);
    }
    return analyzer;
  }

  /** The analyzer of the file that holds `node`. */
  /** The name of the dependency crate that holds `node` (undefined: a local crate's, or unknown). */
  dependencyOf(node: SyntaxNode): string | undefined {
    return this.sources.fileOf(node)?.dependency;
  }

  ownerOf(node: SyntaxNode): FileAnalyzer | undefined {
    const file = this.sources.fileOf(node);
    return file ? this.analyzerFor(file.root, file.items, file.label) : undefined;
  }

  /** The signature facts of a fn declared anywhere the project has read. */
  infoOf(def: FnDef): FnInfo | undefined {
    if (def.alternatives) return undefined;
    return this.ownerOf(def.node)?.info(def.node, def.scope, def.impl);
  }

  /**
   * An inherent method of a type declared anywhere the project has read; with several impls
   * naming it, the one `owner`'s arguments pick (`Async::<TcpListener>::bind`, see pickByImpl).
   */
  method(def: TypeDef, name: string, owner?: Ty): FnInfo | undefined {
    let fns = this.methods?.get(def)?.get(name);
    if (fns === undefined && this.indexedMethods < this.files().length) {
      // Dependencies are read when first named: a type met now may have brought its impls.
      this.indexMethods();
      fns = this.methods?.get(def)?.get(name);
    }
    // An impl under a `#[cfg]` this analysis cannot decide: which one is compiled is not known.
    if (!fns || fns.some((fn) => fn === null)) return undefined;
    const fn = pickByImpl(fns as FnDef[], (f) => implOf(f.node, f.impl), owner);
    return fn ? this.infoOf(fn) : undefined;
  }

  private readonly traitImplFns = new Map<TypeDef, Map<string, TraitImplFn[]>>();

  /**
   * A fn of a type's trait impls (see addTraitImplFns), where one impl alone writes one of that
   * name: `Counter::next` of its `impl Iterator`. Several (`impl From<u8>`, `impl From<u16>`):
   * which one a call takes is not decided here.
   */
  traitImplMethod(def: TypeDef, name: string): FnInfo | undefined {
    this.indexTraits();
    const fns = this.traitImplFns.get(def)?.get(name);
    if (fns?.length !== 1) return undefined;
    return this.ownerOf(fns[0].node)?.info(fns[0].node, fns[0].scope, fns[0].impl);
  }

  private readonly conversions = new Map<TypeDef, Map<string, ImplDef[] | null>>();

  /**
   * The impls of `From` or `TryFrom` for a type, of every file read so far (see
   * addConversionImpls); null also where an inherent fn of the name the call takes (`from`,
   * `try_from`) is written, which `Type::from` would name first, under a `#[cfg]` or not.
   */
  conversionImpls(def: TypeDef, trait: ConversionTrait): ImplDef[] | null {
    this.indexTraits();
    if (this.indexedMethods < this.files().length) this.indexMethods();
    if (this.methods?.get(def)?.has(trait === 'From' ? 'from' : 'try_from')) return null;
    return this.conversions.get(def)?.get(trait) ?? [];
  }

  /** Per type: whether it has a `Drop` impl, and its `Deref` impl with the `Target` node. */
  private readonly drops = new Set<TypeDef>();
  private readonly derefs = new Map<TypeDef, { impl: ImplDef; target: SyntaxNode } | null>();

  /** Whether a type declared anywhere the project has read has its own `Drop` impl. */
  hasDropImpl(def: TypeDef): boolean {
    this.indexTraits();
    return this.drops.has(def);
  }

  /**
   * What `*x` is for a type of the project with a `Deref` impl (`slab::Ref<ScheduledIo>` ->
   * `ScheduledIo`): its `Target`, with the impl's parameters read off the type's arguments.
   */
  derefTarget(ty: Ty & { k: 'adt' }): Ty | undefined {
    this.indexTraits();
    const found = this.derefs.get(ty.def);
    return found ? lowerDerefTarget(this.solution.resolver, found.impl, found.target, ty) : undefined;
  }

  /** The items of every file read so far, in the order first seen (see files). */
  private readonly filesRead: FileItems[] = [];
  private readonly filesSeen = new Set<FileItems>();
  private filesOfCrates = -1;

  /**
   * The items of every file read so far. Each index below reads the files it has not read yet
   * (its count of them), once however many crates are read after.
   */
  private files(): FileItems[] {
    if (this.sources.crateCount() !== this.filesOfCrates) {
      this.filesOfCrates = this.sources.crateCount();
      for (const items of this.sources.files())
        if (!this.filesSeen.has(items)) {
          this.filesSeen.add(items);
          this.filesRead.push(items);
        }
    }
    return this.filesRead;
  }

  private readonly sendBound = new SendBoundNames();
  private sendBoundCrates = -1;

  /**
   * The names (hashed) a call may give a fn of the project's own crates with a `Send`-bounded
   * parameter. Not a dependency's: dependencies are read as they are named, and which ones are
   * read by the time a fn is asked about must not decide whether it is walked.
   */
  sendBoundNames(): Set<number> {
    if (this.sources.crateCount() !== this.sendBoundCrates) {
      this.sendBoundCrates = this.sources.crateCount();
      for (const items of this.sources.localFiles()) this.sendBound.add(items);
    }
    return this.sendBound.hashes;
  }

  private indexedTraits = 0;
  private indexedMethods = 0;
  /** The impls indexed so far (the same one may be in the items of two files). */
  private readonly traitImplsSeen = new Set<ImplDef>();
  private readonly inherentImplsSeen = new Set<InherentImpl>();

  /** The impls of the files from `from` on, each once. */
  private *newImpls<T>(from: number, seen: Set<T>, of: (items: FileItems) => T[]): Generator<T> {
    const files = this.files();
    for (let i = from; i < files.length; i++)
      for (const impl of of(files[i])) {
        if (seen.has(impl)) continue;
        seen.add(impl);
        yield impl;
      }
  }

  private indexTraits(): void {
    const from = this.indexedTraits;
    this.indexedTraits = this.files().length;
    const resolver = this.solution.resolver;
    const impls = [...this.newImpls(from, this.traitImplsSeen, (items) => items.impls)];
    addTraitImplFns(impls, resolver, this.traitImplFns);
    addConversionImpls(impls, resolver, this.conversions);
    for (const impl of impls) {
      const trait = pathSegments(typePath(impl.traitNode)).pop();
      if (trait !== 'Drop' && trait !== 'Deref') continue;
      const item = resolver.resolvePath(impl.scope, pathSegments(typePath(impl.typeNode)));
      if (item.kind !== 'type') continue;
      if (trait === 'Drop') {
        this.drops.add(item.def);
        continue;
      }
      const targetType = derefTargetNode(impl);
      // Two `Deref` impls (one per instantiation): which one applies is not decided here.
      this.derefs.set(item.def, targetType && !this.derefs.has(item.def) ? { impl, target: targetType } : null);
    }
  }

  private indexMethods(): void {
    this.methods ??= new Map();
    const from = this.indexedMethods;
    this.indexedMethods = this.files().length;
    for (const impl of this.newImpls(from, this.inherentImplsSeen, (items) => items.inherentImpls)) {
      const item = this.solution.resolver.resolvePath(impl.scope, pathSegments(typePath(impl.typeNode)));
      if (item.kind !== 'type') continue;
      const table = this.methods.get(item.def) ?? new Map<string, (FnDef | null)[]>();
      this.methods.set(item.def, table);
      // Impls with a method of the same name: for different instantiations (`impl
      // Async<TcpListener>`, `impl Async<UnixListener>`), which one a call takes is picked then.
      for (const [m, fn] of impl.methods) table.set(m, [...(table.get(m) ?? []), fn.alternatives ? null : fn]);
    }
  }
}

/** A fn written in a trait impl, as the index of them keeps it (see traitImplFns). */
interface TraitImplFn {
  node: SyntaxNode;
  scope: Scope;
  impl: SyntaxNode;
}

/**
 * The fns written in impls of std's traits (other than `Send`, `Sync`), by the type the impl is
 * for and the fn's name: `next` of `impl Iterator for Counter`, `from` of `impl From<u8> for
 * Level`. An impl under a `#[cfg]` this analysis cannot decide, or written by a macro, is left out.
 */
function addTraitImplFns(
  impls: Iterable<ImplDef>,
  resolver: Resolver,
  into: Map<TypeDef, Map<string, TraitImplFn[]>>,
): void {
  for (const impl of impls) {
    if (impl.negative || impl.cfgUndecided || impl.expanded) continue;
    const traitPath = pathSegments(typePath(impl.traitNode));
    const trait = traitPath[traitPath.length - 1];
    if (trait === undefined || trait === 'Send' || trait === 'Sync') continue;
    // A trait of the project is read through its declaration where a call can name it (see
    // traitMethod); its impls are not taken here, where whether it is in scope is not known.
    if (resolver.resolvePath(impl.scope, traitPath).kind === 'trait') continue;
    const item = resolver.resolvePath(impl.scope, pathSegments(typePath(impl.typeNode)));
    if (item.kind !== 'type') continue;
    const table = into.get(item.def) ?? new Map<string, TraitImplFn[]>();
    into.set(item.def, table);
    for (const fn of impl.node.childForFieldName('body')?.namedChildren ?? []) {
      const name = fn?.type === 'function_item' ? fn.childForFieldName('name')?.text : undefined;
      if (fn && name) table.set(name, [...(table.get(name) ?? []), { node: fn, scope: impl.scope, impl: impl.node }]);
    }
  }
}

type ConversionTrait = 'From' | 'TryFrom';

/**
 * The impls of std's `From` and `TryFrom`, by the type they are for: what `Type::from(x)` picks
 * among. null for a type with one this analysis does not read (written by a macro, under a
 * `#[cfg]` it cannot decide) or derived (`#[derive(From)]`): which impls there are is not known.
 */
function addConversionImpls(
  impls: Iterable<ImplDef>,
  resolver: Resolver,
  into: Map<TypeDef, Map<string, ImplDef[] | null>>,
): void {
  for (const impl of impls) {
    const traitPath = pathSegments(typePath(impl.traitNode));
    const trait = traitPath[traitPath.length - 1];
    if (impl.negative || (trait !== 'From' && trait !== 'TryFrom')) continue;
    if (resolver.resolvePath(impl.scope, traitPath).kind === 'trait') continue;
    const item = resolver.resolvePath(impl.scope, pathSegments(typePath(impl.typeNode)));
    if (item.kind !== 'type') continue;
    const table = into.get(item.def) ?? new Map<string, ImplDef[] | null>();
    into.set(item.def, table);
    const known = table.get(trait);
    const unread = impl.cfgUndecided !== undefined || impl.expanded === true || derivesConversion(item.def);
    table.set(trait, known === null || unread ? null : [...(known ?? []), impl]);
  }
}

/** Whether a type's own attributes derive a conversion (`#[derive(From)]` of derive_more). */
function derivesConversion(def: TypeDef): boolean {
  for (let a = def.node.previousNamedSibling; a?.type === 'attribute_item'; a = a.previousNamedSibling)
    if (/\bderive\b[^]*\b(Try)?From\b/.test(a.text)) return true;
  return false;
}

/**
 * The fns that join two futures into one (see joinedFutures), the crates that write them, and what
 * awaiting their future gives from what the two give: futures-lite's `zip` both outputs, `try_zip`
 * both `Ok` values or the error (`Result<(T1, T2), E>` of `Result<T1, E>` and `Result<T2, E>`),
 * `or` and `race` the first to finish (both give the same type); futures' `join` and `try_join`
 * the same as `zip` and `try_zip`. futures' `select` gives an `Either` of an output and the other
 * future, which is not typed.
 */
const JOINED_OUTPUTS: Record<string, { crates: string[]; output: (a: Ty, b: Ty) => Ty | undefined } | undefined> = {
  zip: { crates: ['futures_lite'], output: (a, b) => tupleOf([a, b]) },
  try_zip: { crates: ['futures_lite'], output: (a, b) => bothOk(a, b) },
  or: { crates: ['futures_lite'], output: (a, b) => (a.text === b.text ? a : undefined) },
  race: { crates: ['futures_lite'], output: (a, b) => (a.text === b.text ? a : undefined) },
  join: { crates: ['futures_util'], output: (a, b) => tupleOf([a, b]) },
  try_join: { crates: ['futures_util'], output: (a, b) => bothOk(a, b) },
  select: { crates: ['futures_util'], output: () => undefined },
};

function tupleOf(elems: Ty[]): Ty {
  return { k: 'tuple', elems, text: `(${elems.map((e) => e.text).join(', ')})` };
}

/** The `Ok` and `Err` types of a `Result` (an `io::Result` spelled out). */
function resultParts(t: Ty): [Ty, Ty] | undefined {
  const r = ioResultSpelledOut(t);
  return r.k === 'known' && r.known.path === 'std::result::Result' && r.args.length === 2
    ? [r.args[0], r.args[1]]
    : undefined;
}

/** `Result<(T1, T2), E>` of a `Result<T1, E>` and a `Result<T2, E>`. */
function bothOk(a: Ty, b: Ty): Ty | undefined {
  const [ra, rb] = [resultParts(a), resultParts(b)];
  if (!ra || !rb) return undefined;
  if (ra[1].text !== rb[1].text) return undefined;
  return knownTy('std::result::Result', [tupleOf([ra[0], rb[0]]), ra[1]]);
}

/** The type an impl of `Deref` names as its `Target`. */
function derefTargetNode(impl: ImplDef): SyntaxNode | undefined {
  const target = impl.node
    .childForFieldName('body')
    ?.namedChildren.find((c) => c?.type === 'type_item' && c.childForFieldName('name')?.text === 'Target');
  return target?.childForFieldName('type') ?? undefined;
}

/** `Target` of `impl Deref for X<..>` for the instantiation `ty` of `X` (parameters it leaves unknown). */
function lowerDerefTarget(resolver: Resolver, impl: ImplDef, target: SyntaxNode, ty: Ty & { k: 'adt' }): Ty {
  const own = paramEnv(impl.generics, impl.scope);
  const written = resolver.lowerType(impl.typeNode, impl.scope, own);
  const env = new Map<string, Ty>();
  if (written.k === 'adt')
    for (const [name, arg] of written.args) {
      const given = ty.args.get(name);
      if (arg.k === 'param' && given) env.set(arg.name, given);
    }
  for (const name of own.keys())
    if (!env.has(name)) env.set(name, { k: 'unknown', text: name, reason: `\`${name}\` is not inferred` });
  return resolver.lowerType(target, impl.scope, env, ty);
}

/** Per file: the names of its fns with a parameter bounded by `Send`, and its imports' renames. */
const sendBoundOf = new WeakMap<FileItems, { names: string[]; renames: [alias: string, name: string][] }>();

function sendBoundIn(items: FileItems): { names: string[]; renames: [string, string][] } {
  let found = sendBoundOf.get(items);
  if (found) return found;
  const names: string[] = [];
  const renames: [string, string][] = [];
  // Most files name no `Send` at all: their fns are not asked one by one.
  const add = (def: FnDef) => {
    for (const d of [def, ...(def.alternatives ?? [])])
      if (treeMentions(d.node.tree, SEND_WORD) && mentions(d.node, SEND_WORD) && sendParams(d.node).length > 0)
        names.push(d.name);
  };
  const seen = new Set<Scope>();
  const visit = (scope: Scope) => {
    if (seen.has(scope)) return;
    seen.add(scope);
    for (const def of scope.fns.values()) add(def);
    for (const [alias, path] of scope.imports) {
      const name = path[path.length - 1];
      if (name !== undefined && name !== alias) renames.push([alias, name]);
    }
    // A module in a file of its own is that file's.
    for (const [name, child] of scope.mods) if (!scope.outOfFileMods.has(name)) visit(child);
  };
  visit(items.root);
  for (const scope of items.bodyScopes?.values() ?? []) visit(scope);
  for (const impl of items.inherentImpls) for (const def of impl.methods.values()) add(def);
  found = { names, renames };
  sendBoundOf.set(items, found);
  return found;
}

/**
 * The names a call may give a fn with a `Send`-bounded parameter, hashed as called names are
 * (see capturesAny): the fns' own, and the names imports give them (`use a::f as g`), as
 * files are added in any order.
 */
class SendBoundNames {
  readonly hashes = new Set<number>();
  private readonly names = new Set<string>();
  /** Renames whose name is not (yet) one of them, by that name. */
  private readonly waiting = new Map<string, string[]>();
  private readonly files = new Set<FileItems>();

  add(items: FileItems): void {
    if (this.files.has(items)) return;
    this.files.add(items);
    const found = sendBoundIn(items);
    for (const [alias, name] of found.renames) {
      if (this.names.has(name)) this.addName(alias);
      else {
        const list = this.waiting.get(name);
        if (list) list.push(alias);
        else this.waiting.set(name, [alias]);
      }
    }
    for (const name of found.names) this.addName(name);
  }

  private addName(name: string): void {
    // Renames of renames too.
    const work = [name];
    for (let next = work.pop(); next !== undefined; next = work.pop()) {
      if (this.names.has(next)) continue;
      this.names.add(next);
      this.hashes.add(nameHash(next));
      for (const alias of this.waiting.get(next) ?? []) work.push(alias);
      this.waiting.delete(next);
    }
  }
}

/** FnInfo read as it is asked (one object per fn, no closures: a file holds hundreds). */
class LazyFnInfo implements FnInfo {
  private scopeRead?: Scope;
  private signatureRead?: { env: Map<string, Ty>; self?: Ty };
  private sendRead?: number[];
  private receiverRead?: { mode?: ReceiverMode };
  private asyncRead?: boolean;

  constructor(
    readonly node: SyntaxNode,
    readonly name: string,
    private readonly file: FileAnalyzer,
    declaredIn: Scope | undefined,
    /** The fn's impl when the caller knows it (null: none), as for a method in an item macro's body (see FnDef.impl). */
    private readonly impl?: SyntaxNode | null,
  ) {
    this.scopeRead = declaredIn;
  }

  get isAsync(): boolean {
    // Every fn is asked on every analysis: most have no `async` anywhere in their text, which
    // tells without reading their nodes.
    this.asyncRead ??=
      mentions(this.node, ASYNC_WORD) &&
      (this.node.namedChildren
        .find((c) => c?.type === 'function_modifiers')
        ?.children.some((c) => c?.type === 'async') ??
        false);
    return this.asyncRead;
  }

  get scope(): Scope {
    return (this.scopeRead ??= this.file.declaringScope(this.node));
  }

  get env(): Map<string, Ty> {
    return (this.signatureRead ??= this.file.signature(this.node, this.scope, this.impl)).env;
  }

  get self(): Ty | undefined {
    return (this.signatureRead ??= this.file.signature(this.node, this.scope, this.impl)).self;
  }

  get sendParams(): number[] {
    return (this.sendRead ??= sendParams(this.node));
  }

  get selfMode(): ReceiverMode | undefined {
    return (this.receiverRead ??= { mode: receiverMode(this.node) }).mode;
  }
}

class FileAnalyzer {
  readonly fns = new Map<string, FnInfo[]>();
  private readonly methods = new Map<string, Map<string, FnInfo[]>>();
  readonly infoByNode = new Map<number, FnInfo>();
  readonly reports = new Map<number, FutureReport>();
  readonly inProgress = new Set<number>();
  readonly requirements: SendRequirement[] = [];
  readonly arcs: ArcNew[] = [];
  private readonly fnNodes: SyntaxNode[] = [];
  private session?: ReuseSession<SendRequirement, ArcNew>;

  constructor(
    readonly root: SyntaxNode,
    readonly items: FileItems,
    readonly solution: Solution,
    readonly crate?: CrateFutures,
    /** How messages of other files name this one (`src/store.rs`). */
    readonly label?: string,
    private readonly reuse?: { cache: FnFuturesReuse; context: string },
  ) {}

  private indexed = false;

  /** Each fn's text read again with its expression macros' arguments (see macroArguments). */
  private readonly argumentTrees = new Map<number, SyntaxTree | undefined>();

  /**
   * The arguments of `call` (`assert_eq!(a, b.await)`) as the expressions they are, read from the
   * fn's text again with the call made their tuple; with whether the macro borrows or moves them.
   * Undefined for other macros, or arguments that do not read as expressions, or hold a closure or
   * an `async` block (whose futures are keyed by the nodes of the file's own tree).
   */
  macroArguments(call: SyntaxNode, tokens: SyntaxNode): { list: SyntaxNode; mode: 'borrow' | 'move' } | undefined {
    const mode = EXPRESSION_MACROS.get(call.childForFieldName('macro')?.text.split('::').pop() ?? '');
    if (!mode || !'(['.includes(tokens.text[0])) return undefined;
    let fn = call.parent;
    while (fn && fn.type !== 'function_item') fn = fn.parent;
    if (!fn) return undefined;
    if (!this.argumentTrees.has(fn.id)) {
      const tree = fnWithMacroArguments(fn);
      this.argumentTrees.set(fn.id, tree);
      if (tree) {
        this.treesToFree ??= [];
        if (this.treesToFree.length === 0) argumentTrees.register(this, this.treesToFree);
        this.treesToFree.push(tree);
      }
    }
    const list = this.argumentTrees.get(fn.id)?.rootNode.descendantForIndex(tokens.startIndex, tokens.endIndex);
    if (list?.startIndex !== tokens.startIndex || list.endIndex !== tokens.endIndex) return undefined;
    if (!ARGUMENT_LISTS.has(list.type) || list.hasError) return undefined;
    if (list.descendantsOfType(['closure_expression', 'async_block']).length > 0) return undefined;
    return { list, mode };
  }

  private treesToFree?: SyntaxTree[];

  /** `tokio::select!` calls read again (see selectOf), by call. */
  private readonly selects = new Map<number, SelectBranch[] | undefined>();

  /** The branches of a `tokio::select!` call, read from the fn's text again (see selectOf). */
  selectBranches(call: SyntaxNode, tokens: SyntaxNode): SelectBranch[] | undefined {
    if (this.selects.has(call.id)) return this.selects.get(call.id);
    let fn = call.parent;
    while (fn && fn.type !== 'function_item') fn = fn.parent;
    const read = fn ? selectOf(fn, call, tokens) : undefined;
    if (read) {
      this.treesToFree ??= [];
      if (this.treesToFree.length === 0) argumentTrees.register(this, this.treesToFree);
      this.treesToFree.push(...read.trees);
    }
    this.selects.set(call.id, read?.branches);
    return read?.branches;
  }

  /** `text`: the file's (see analyzeFutures). */
  run(text: string): FileFutures {
    // Most files have no future and spawn nothing: a text search skips them.
    if (!MAY_HAVE_FUTURES.test(text)) return { futures: [], requirements: [], arcs: [] };
    if (!this.indexed) {
      const cfg = { ...(crateRoot(this.items.root).buildCfg ?? {}), testUndecided: true };
      // What the ancestors say of a fn (NESTED, COMPILED_OUT), kept by node for the fns below it: each
      // ancestor is read once, so deep nesting costs its nodes, not its nodes times its fns.
      const chains = new Map<number, number>();
      const chainOf = (ancestors: readonly SyntaxNode[]): number => {
        let i = ancestors.length - 1;
        let facts = 0;
        for (; i >= 0; i--) {
          const known = chains.get(ancestors[i].id);
          if (known !== undefined) {
            facts = known;
            break;
          }
        }
        for (i++; i < ancestors.length; i++) {
          const a = ancestors[i];
          const type = a.type;
          if (type === 'trait_item' || type === 'block') facts |= NESTED;
          if (type.endsWith('_item') && cfgLeavesOut(a, cfg, text)) facts |= COMPILED_OUT;
          chains.set(a.id, facts);
        }
        return facts;
      };
      withAncestors(this.root, nodesOfType(this.root, 'function_item'), (node, ancestors) => {
        // A fn this build leaves out (`#[cfg(windows)]` on it, its impl or its module) is not
        // compiled: no future of it exists, and the names its body uses are not declared.
        const facts = chainOf(ancestors);
        if (facts & COMPILED_OUT || cfgLeavesOut(node, cfg, text)) return;
        const list = ancestors[ancestors.length - 1];
        const owner = list?.type === 'declaration_list' ? ancestors[ancestors.length - 2] : undefined;
        const nested = (facts & NESTED) !== 0;
        this.index(node, undefined, owner?.type === 'impl_item' ? owner : null, nested);
      });
      // Fns and methods written in item macros' bodies (`cfg_rt! { pub async fn yield_now() }`),
      // parsed in trees of their own: methods of an impl around the call (`def.impl`), and of an
      // impl inside it (`cfg_x! { impl T { async fn f() } }`, around the method in its tree).
      for (const impl of this.items.inherentImpls)
        for (const def of impl.methods.values())
          if (def.node.tree !== this.root.tree) this.index(def.node, def.scope, def.impl);
      for (const def of this.macroFns(this.items.root)) this.index(def.node, def.scope);
      this.fnNodes.sort((a, b) => a.startIndex - b.startIndex);
    }
    this.indexed = true;
    this.session = this.reuse?.cache.begin(this.reuse.context, text, this.fnNodes);
    for (const node of this.fnNodes) {
      const info = this.infoByNode.get(node.id)!;
      if (info.isAsync) this.futureOfFn(info);
      else this.walkPlain(info);
    }
    const futures = [...this.reports.values()].sort(
      (a, b) =>
        a.nameRange.start.line - b.nameRange.start.line || a.nameRange.start.character - b.nameRange.start.character,
    );
    // In source order whichever fns were reused (the rules sort their findings the same way).
    const bySource = (a: { range: Range }, b: { range: Range }) =>
      a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
    const seen = new Set<string>();
    const requirements = [...this.requirements].sort(bySource).filter((r) => {
      const key = `${r.range.start.line}:${r.range.start.character}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const arcs = [...this.arcs].sort(bySource);
    this.session?.end(futures, requirements, arcs);
    return { futures, requirements, arcs };
  }

  /** Whether the fn's results of the last analysis were put back (nothing they depend on changed). */
  private reused(node: SyntaxNode): boolean {
    return (
      this.session?.reuse(node, {
        report: (n, report) => this.reports.set(n.id, report),
        requirement: (r) => this.requirements.push(r),
        arc: (a) => this.arcs.push(a),
      }) ?? false
    );
  }

  /** `nested`: whether the fn is in a block or a trait (found by walking up when not given). */
  private index(node: SyntaxNode, declaredIn?: Scope, ownImpl?: SyntaxNode | null, nested?: boolean): void {
    const info = this.info(node, declaredIn, ownImpl);
    if (!info) return;
    const { name } = info;
    this.fnNodes.push(node);
    const impl = implOf(node, ownImpl);
    const implType = impl?.childForFieldName('type');
    if (impl && implType && !impl.childForFieldName('trait')) {
      const typeName = pathSegments(typePath(implType)).pop() ?? implType.text;
      const table = this.methods.get(typeName) ?? new Map<string, FnInfo[]>();
      table.set(name, [...(table.get(name) ?? []), info]);
      this.methods.set(typeName, table);
    } else if (!impl && !(nested ?? hasAncestor(node, ['trait_item', 'block']))) {
      this.fns.set(name, [...(this.fns.get(name) ?? []), info]);
    }
  }

  /**
   * A fn's signature facts, read once (`scope`: where it is declared, when the model knows). All
   * but the name are read when first asked: an edit's analysis indexes every fn of the file but
   * walks only the few the edit touched, which alone read their types.
   */
  info(node: SyntaxNode, declaredIn?: Scope, impl?: SyntaxNode | null): FnInfo | undefined {
    const known = this.infoByNode.get(node.id);
    if (known) return known;
    const name = node.childForFieldName('name')?.text;
    if (!name) return undefined;
    const info = new LazyFnInfo(node, name, this, declaredIn, impl);
    this.infoByNode.set(node.id, info);
    return info;
  }

  /** The generic parameters a fn's signature may name (its impl's and its own), and `Self`. */
  signature(node: SyntaxNode, scope: Scope, ownImpl?: SyntaxNode | null): { env: Map<string, Ty>; self?: Ty } {
    const env = new Map<string, Ty>();
    const impl = implOf(node, ownImpl);
    let self: Ty | undefined;
    const addGenerics = (owner: SyntaxNode) => {
      const params = owner.childForFieldName('type_parameters');
      for (const p of params?.namedChildren ?? []) {
        const id =
          p?.type === 'type_parameter' ? p.childForFieldName('name') : p?.type === 'type_identifier' ? p : null;
        if (id) env.set(id.text, { k: 'param', name: id.text, text: id.text });
      }
    };
    if (impl) {
      addGenerics(impl);
      const typeNode = impl.childForFieldName('type');
      if (typeNode) self = this.solution.resolver.lowerType(typeNode, scope, env);
    }
    // A generic trait's method (`SinkExt<Item>::send(&mut self, item: Item) -> Send<'_, Self,
    // Item>`): the trait's parameters too, which a call's arguments bind.
    const trait = node.parent?.type === 'declaration_list' ? node.parent.parent : null;
    if (trait?.type === 'trait_item') addGenerics(trait);
    addGenerics(node);
    return { env, self };
  }

  /** The analyzer of the file that holds `node`: this one, or another file's in the project. */
  private ownerOf(node: SyntaxNode): FileAnalyzer {
    if (node.tree === this.root.tree || !this.crate) return this;
    return this.crate.ownerOf(node) ?? this;
  }

  /** The file that holds `node`, named for messages, when it is not this one. */
  elsewhere(node: SyntaxNode): string | undefined {
    const owner = this.ownerOf(node);
    return owner === this ? undefined : (owner.label ?? 'another file');
  }

  /** The signature facts of a fn node met as a future's origin, wherever its file is. */
  infoOfNode(node: SyntaxNode): FnInfo | undefined {
    const owner = this.ownerOf(node);
    const trait = this.macroMethodTraits.get(node);
    return owner.infoByNode.get(node.id) ?? (trait ? owner.info(node, trait.scope, trait.node) : owner.info(node));
  }

  /** The traits in scope in each block or module scope asked about: declared there or imported by name. */
  private readonly traitsInScope = new Map<Scope, TraitDef[]>();

  private traitsIn(scope: Scope): TraitDef[] {
    let found = this.traitsInScope.get(scope);
    if (!found) {
      const out: TraitDef[] = [];
      const add = (def: TraitDef) => {
        if (!out.includes(def)) out.push(def);
      };
      const named = (s: Scope) => {
        for (const def of s.traits.values()) add(def);
        for (const name of s.imports.keys()) {
          const item = this.solution.resolver.lookup(s, name);
          if (item.kind === 'trait') add(item.def);
        }
        // `use futures_lite::AsyncReadExt as _;`: in scope for its methods, under no name.
        for (const path of s.unnamed ?? []) {
          const item = this.solution.resolver.resolvePath(s, path);
          if (item.kind === 'trait') add(item.def);
        }
      };
      named(scope);
      // `use futures_lite::prelude::*;`: the traits the module declares or imports (a prelude's
      // `pub use io::AsyncReadExt as _`), one glob deep.
      for (const glob of scope.globs) {
        const item = this.solution.resolver.resolvePath(scope, glob);
        if (item.kind === 'mod') named(item.scope);
      }
      this.traitsInScope.set(scope, (found = out));
    }
    return found;
  }

  /** What each fn's declared result says of its projections (see impliedProjectionsOf). */
  private readonly impliedByFn = new Map<FnInfo, ImpliedProjections>();

  /**
   * The projections of `info`'s result (`ret`, its return type) that their trait declares `Send`,
   * read from the result as declared, its parameters known by their bounds (what a projection's
   * trait says). Read once for each fn however often it is called: it depends on the signature
   * alone, and the scopes it is resolved in do not change while the analysis lives.
   */
  impliedProjectionsOf(info: FnInfo, ret: SyntaxNode): ImpliedProjections {
    let implied = this.impliedByFn.get(info);
    if (!implied) {
      implied = impliedProjections(
        this.solution.resolver.lowerType(ret, info.scope, boundedSignature(info), info.self),
      );
      this.impliedByFn.set(info, implied);
    }
    return implied;
  }

  /** Each trait's methods with a `self` receiver, by name, in the order declared (see selfMethodsOf). */
  private readonly selfMethods = new Map<TraitDef, Map<string, SyntaxNode[]>>();
  /** The trait of each method a macro call in its body declares (no trait is around it in its tree). */
  private readonly macroMethodTraits = new Map<SyntaxNode, TraitDef>();

  /**
   * A trait's methods (with a body or without) that take `self`, by name, in the order its body
   * declares them: read from the trait's syntax once, for every call that looks a method up
   * through it (traitMethod, boundMethod); the syntax does not change while the analysis lives.
   */
  private selfMethodsOf(def: TraitDef): Map<string, SyntaxNode[]> {
    let byName = this.selfMethods.get(def);
    if (!byName) {
      byName = new Map();
      for (const node of def.macroMethods ?? []) this.macroMethodTraits.set(node, def);
      for (const item of [...(def.node.childForFieldName('body')?.namedChildren ?? []), ...(def.macroMethods ?? [])]) {
        if (item?.type !== 'function_item' && item?.type !== 'function_signature_item') continue;
        const name = item.childForFieldName('name')?.text;
        if (name === undefined) continue;
        const params = item.childForFieldName('parameters')?.namedChildren ?? [];
        if (!params.some((p) => p?.type === 'self_parameter')) continue;
        const list = byName.get(name) ?? [];
        list.push(item);
        byName.set(name, list);
      }
      this.selfMethods.set(def, byName);
    }
    return byName;
  }

  /**
   * The method a call `x.name(..)` reaches through a trait in scope at `scope` (its blocks, then
   * its module), when `x`'s type has no inherent one: `file.read(&mut buf)` under `use
   * tokio::io::AsyncReadExt`, whose `fn read<'a>(&'a mut self, ..) -> Read<'a, Self>` says what the
   * call gives. None when no trait in scope, or more than one, declares a method of that name
   * with a `self` receiver (traits of std and its prelude are not read; a glob import's module
   * gives the traits it declares or imports).
   */
  traitMethod(scope: Scope, name: string): FnInfo | undefined {
    const found: SyntaxNode[] = [];
    const seen = new Set<TraitDef>();
    for (let s: Scope | undefined = scope; s; s = s.kind === 'block' ? s.parent : undefined) {
      for (const def of this.traitsIn(s)) {
        if (seen.has(def)) continue;
        seen.add(def);
        found.push(...(this.selfMethodsOf(def).get(name) ?? []));
      }
    }
    return found.length === 1 ? this.infoOfNode(found[0]) : undefined;
  }

  /**
   * The method a call by the trait's path names (`Extend::extend(collection, stream)`, `io::Read::read(r, buf)`):
   * the one method of that name with a `self` receiver the trait declares. rustc takes exactly it
   * there, whatever inherent methods the receiver has.
   */
  traitPathMethod(scope: Scope, segments: string[]): FnInfo | undefined {
    if (segments.length < 2) return undefined;
    const item = this.solution.resolver.resolvePath(scope, segments.slice(0, -1));
    if (item.kind !== 'trait') return undefined;
    const found = this.selfMethodsOf(item.def).get(segments[segments.length - 1]) ?? [];
    return found.length === 1 ? this.infoOfNode(found[0]) : undefined;
  }

  /**
   * A method of a type parameter's declared bounds or their supertraits (`addr.to_socket_addrs()`
   * of an `A: AsyncToSocketAddrs`, declared by its supertrait `Sealed`): in scope through the
   * bound, imported or not. Undefined unless exactly one of those traits declares it.
   */
  boundMethod(t: Ty, name: string): FnInfo | undefined {
    if (t.k !== 'param' || !t.bounds) return undefined;
    const found: SyntaxNode[] = [];
    const seen = new Set<TraitDef>();
    const visit = (bound: SyntaxNode, scope: Scope, depth: number) => {
      const n = bound.type === 'generic_type' ? (bound.childForFieldName('type') ?? bound) : bound;
      if (depth > 8 || (n.type !== 'type_identifier' && n.type !== 'scoped_type_identifier')) return;
      const item = this.solution.resolver.resolvePath(scope, pathSegments(n));
      if (item.kind !== 'trait' || seen.has(item.def)) return;
      seen.add(item.def);
      found.push(...(this.selfMethodsOf(item.def).get(name) ?? []));
      for (const sup of item.def.supertraits) visit(sup, item.def.scope, depth + 1);
    };
    for (const bound of t.bounds.nodes) visit(bound, t.bounds.scope, 0);
    return found.length === 1 ? this.infoOfNode(found[0]) : undefined;
  }

  private readonly walked = new Set<number>();
  private statics?: Map<string, SyntaxNode>;

  /** The written type of a `static` or `const` of the file's modules, by name. */
  staticType(name: string): SyntaxNode | undefined {
    if (!this.statics) {
      const statics = new Map<string, SyntaxNode>();
      const both = [...nodesOfType(this.root, 'static_item'), ...nodesOfType(this.root, 'const_item')];
      withAncestors(
        this.root,
        both.sort((a, b) => a.startIndex - b.startIndex),
        (n, ancestors) => {
          if (ancestors.some((a) => a.type === 'block')) return;
          const id = n.childForFieldName('name')?.text;
          const t = n.childForFieldName('type');
          if (id && t) statics.set(id, t);
        },
      );
      this.statics = statics;
    }
    return this.statics.get(name);
  }

  /** Whether dropping a value of `ty` runs code: a `Drop` impl of the file, or a field that does. */
  dropGlue(ty: Ty, depth = 0): boolean | undefined {
    return needsDrop(ty, 0, (adt) => {
      if (depth > 6 || adt.k !== 'adt') return undefined;
      // In a project every `Drop` impl is known; alone, only this file's (and only for structs).
      if (this.crate) {
        if (adt.def.kind === 'union') return false;
        if (this.crate.hasDropImpl(adt.def)) return true;
        if (adt.def.fields.some((f) => f.cfgUndecided)) return undefined;
      } else if (adt.def.kind !== 'struct') return undefined;
      else if (this.hasDropImpl(adt.def.name)) return true;
      const parts = adt.def.fields.map((f) =>
        this.dropGlue(this.solution.resolver.lowerType(f.typeNode, adt.def.scope, adt.args), depth + 1),
      );
      return parts.includes(true) ? true : parts.includes(undefined) ? undefined : false;
    });
  }

  /** For a file outside any crate: `Target` of the file's one `impl Deref` for `ty`'s type, if it has one. */
  ownDerefTarget(ty: Ty & { k: 'adt' }): Ty | undefined {
    const resolver = this.solution.resolver;
    const impls = this.items.impls.filter(
      (i) =>
        pathSegments(typePath(i.traitNode)).pop() === 'Deref' &&
        pathSegments(typePath(i.typeNode)).pop() === ty.def.name,
    );
    const target = impls.length === 1 ? derefTargetNode(impls[0]) : undefined;
    return target ? lowerDerefTarget(resolver, impls[0], target, ty) : undefined;
  }

  private hasDropImpl(name: string): boolean {
    return this.items.impls.some(
      (i) => /\bDrop$/.test(i.traitNode.text) && pathSegments(typePath(i.typeNode)).pop() === name,
    );
  }

  /** Whether a struct of the file has no `Drop` impl and no field that could be interior-mutable. */
  plainData(name: string): boolean {
    const def = this.items.types.find((t) => t.name === name);
    if (def?.kind !== 'struct' || def.generics.params.length) return false;
    if (this.hasDropImpl(name)) return false;
    return def.fields.every((f) =>
      /^(\*(const|mut) |&(?!mut)|u\d|i\d|usize|isize|bool|char|f32|f64)/.test(f.typeNode?.text ?? ''),
    );
  }

  /** A fn that is not async: walked once for the async blocks and closures inside. */
  walkPlain(info: FnInfo): void {
    if (this.walked.has(info.node.id)) return;
    this.walked.add(info.node.id);
    const body = info.node.childForFieldName('body');
    if (!body || this.reused(info.node)) return;
    // Nor is one the walk would find nothing in (see MAY_HAVE_FUTURES).
    if (!mentions(body, MAY_HAVE_FUTURES) && !this.callsSendBound(body)) return this.session?.nothingIn(info.node);
    this.session?.enter(info.node);
    try {
      // Parameters typed as written: what the blocks and closures inside capture, and receivers.
      const walk = new BodyWalk(this, info, undefined);
      walk.declareParams(info.node.childForFieldName('parameters'));
      walk.walkBody(body);
    } finally {
      this.session?.leave();
    }
  }

  private ownSendBound?: Set<number>;

  /**
   * Whether `body` may call, by its name or a rename, a fn of the project's own crates (of this
   * file, when alone) that has a parameter bounded by `Send`: `require_send(fut)` asks the future
   * to be.
   * (Names are compared by hash: rarely, a call of another name says yes.)
   */
  private callsSendBound(body: SyntaxNode): boolean {
    const names = this.crate?.sendBoundNames() ?? (this.ownSendBound ??= this.ownSendBoundNames());
    return capturesAny(body, CALLED_NAME, names);
  }

  private ownSendBoundNames(): Set<number> {
    const names = new SendBoundNames();
    names.add(this.items);
    return names.hashes;
  }

  /** The free fns of this file's modules that item macros' bodies declare. */
  private macroFns(scope: Scope, seen = new Set<Scope>()): FnDef[] {
    if (seen.has(scope)) return [];
    seen.add(scope);
    const ofThisFile = (node: SyntaxNode) => !this.crate || this.crate.ownerOf(node) === this;
    const own = [...scope.fns.values()].filter((def) => def.node.tree !== this.root.tree && ofThisFile(def.node));
    const nested = [...scope.mods.values()].flatMap((child) => this.macroFns(child, seen));
    return [...own, ...nested];
  }

  /** The scope of the items a fn's body declares, if it declares any. */
  bodyScope(fn: SyntaxNode): Scope | undefined {
    const body = fn.childForFieldName('body');
    return body ? this.items.bodyScopes?.get(body.startIndex) : undefined;
  }

  /**
   * The scope a fn is declared in: the body of the fn around it, where that body declares items or
   * `use`s (an example's `fn main() { use std::time::Duration; async fn sleep(dur: Duration) .. }`),
   * else its module's.
   */
  declaringScope(fn: SyntaxNode): Scope {
    for (let p = fn.parent; p; p = p.parent) {
      if (p.type !== 'function_item') continue;
      const scope = this.bodyScope(p);
      if (scope) return scope;
    }
    return this.moduleScope(fn);
  }

  /** The module scope a node is written in (function-body items are not looked at). */
  moduleScope(node: SyntaxNode): Scope {
    const mods: { node: SyntaxNode; name: string }[] = [];
    for (let p = node.parent; p; p = p.parent) {
      const name = p.type === 'mod_item' ? p.childForFieldName('name')?.text : undefined;
      if (name) mods.unshift({ node: p, name });
    }
    let scope = this.items.root;
    for (const m of mods) scope = scope.mods.get(m.name) ?? this.leftOutModule(m.node, m.name, scope) ?? scope;
    return scope;
  }

  /** The modules the build leaves out that the walks reach (see leftOutModule), by node. */
  private readonly leftOut = new Map<number, Scope>();

  /**
   * An inline module the build leaves out (`#[cfg(test)] mod tests { .. }`), whose fns the walks
   * still read (`#[cfg(test)]` code is analysed): its items and `use`s lowered on their own, once,
   * for the names its fns use (`use futures_lite::future::zip;` there). Nothing else sees them:
   * its types are no types of the crate.
   */
  private leftOutModule(mod: SyntaxNode, name: string, parent: Scope): Scope | undefined {
    const body = mod.childForFieldName('body');
    if (!body) return undefined;
    let scope = this.leftOut.get(mod.id);
    if (!scope) {
      scope = newScope('module', [...parent.module.path, name], parent);
      lowerFile(mod.tree.rootNode, {
        scope,
        only: withAttributes(body),
        cfg: { ...(crateRoot(this.items.root).buildCfg ?? {}), testUndecided: true },
      });
      this.leftOut.set(mod.id, scope);
    }
    return scope;
  }

  /** The future of an `async fn`, analysed once (a recursion is assumed `Send`, as a coinductive cycle). */
  futureOfFn(info: FnInfo): FutureReport | undefined {
    const done = this.reports.get(info.node.id);
    if (done) return done;
    if (this.inProgress.has(info.node.id)) {
      this.session?.recursion();
      return undefined;
    }
    const body = info.node.childForFieldName('body');
    if (!body) return undefined;
    if (this.reused(info.node)) return this.reports.get(info.node.id);
    this.inProgress.add(info.node.id);
    this.session?.enter(info.node);
    try {
      const walk = new BodyWalk(this, info, undefined);
      walk.declareParams(info.node.childForFieldName('parameters'));
      walk.walkBody(body);
      const report = walk.finish(info.name, 'async-fn', info.node.childForFieldName('name') ?? info.node, info.node);
      this.reports.set(info.node.id, report);
      return report;
    } finally {
      this.inProgress.delete(info.node.id);
      this.session?.leave();
    }
  }

  /**
   * The fn a call's path names: `f`, `Self::f`, `Type::f` of this file; else, in a project, any
   * fn or inherent method the path resolves to in the crate or a dependency it reads.
   */
  fnForPath(segments: string[], self: Ty | undefined, scope: Scope, owner?: Ty): FnInfo | undefined {
    const clean = segments.filter((s) => s !== 'crate' && s !== 'self' && s !== 'super');
    if (clean.length === 1) {
      // One fn of that name in the file; several, and the scope's imports decide (below).
      const list = this.fns.get(clean[0]);
      if (list?.length === 1) return list[0];
    }
    const ownerTy = owner ?? (clean[0] === 'Self' ? self : undefined);
    if (clean.length === 2) {
      const typeName = clean[0] === 'Self' ? selfName(self) : clean[0];
      const own = typeName ? this.ownMethod(typeName, clean[1], ownerTy) : undefined;
      if (own) return own;
    }
    if (!this.crate) {
      // A file alone: a fn it imports under another name, or one of several of that name (a
      // `use` in the fn's body counts: `scope` is the body's then).
      const def = this.solution.resolver.resolveFn(scope, segments);
      return def?.node.tree === this.root.tree ? this.info(def.node) : undefined;
    }
    const name = segments[segments.length - 1];
    if (segments.length === 2 && segments[0] === 'Self')
      return self?.k === 'adt' ? this.crate.method(self.def, name, self) : undefined;
    if (segments.length >= 2) {
      const item = this.solution.resolver.resolvePath(scope, segments.slice(0, -1));
      if (item.kind === 'type') return this.crate.method(item.def, name, ownerTy);
      if (item.kind !== 'mod') return undefined;
    }
    const def = this.solution.resolver.resolveFn(scope, segments);
    return def ? this.crate.infoOf(def) : undefined;
  }

  /** A method of the receiver's type: of this file by the type's name, else found crate-wide. */
  methodOf(recv: Ty, method: string): FnInfo | undefined {
    if (recv.k !== 'adt') return undefined;
    const listed = this.methods.get(recv.def.name)?.get(method);
    if (listed) return pickByImpl(listed, (info) => implOf(info.node, undefined), recv);
    return (
      this.crate?.method(recv.def, method, recv) ??
      (this.crate ? undefined : this.implMethod(recv.def.name, method, recv))
    );
  }

  /** A method of this file's impls of a type named `typeName`, picked by `owner` among several. */
  private ownMethod(typeName: string, method: string, owner: Ty | undefined): FnInfo | undefined {
    const listed = this.methods.get(typeName)?.get(method);
    return listed
      ? pickByImpl(listed, (info) => implOf(info.node, undefined), owner)
      : this.implMethod(typeName, method, owner);
  }

  /** Methods of this file's impls by type name, from the model: item macros' bodies included. */
  private implMethods?: Map<string, Map<string, FnDef[]>>;

  private ownTraitImplFns?: Map<TypeDef, Map<string, TraitImplFn[]>>;

  /** A fn of a type's trait impls (see CrateFutures.traitImplMethod): crate-wide, or of this file alone. */
  traitImplMethod(def: TypeDef, name: string): FnInfo | undefined {
    if (this.crate) return this.crate.traitImplMethod(def, name);
    if (!this.ownTraitImplFns) {
      this.ownTraitImplFns = new Map();
      addTraitImplFns(this.items.impls, this.solution.resolver, this.ownTraitImplFns);
    }
    const fns = this.ownTraitImplFns.get(def)?.get(name);
    return fns?.length === 1 ? this.info(fns[0].node, fns[0].scope, fns[0].impl) : undefined;
  }

  private ownConversions?: Map<TypeDef, Map<string, ImplDef[] | null>>;

  /** The impls of `From` or `TryFrom` for a type: crate-wide, or of this file alone. */
  conversionImpls(def: TypeDef, trait: ConversionTrait): ImplDef[] | null {
    if (this.crate) return this.crate.conversionImpls(def, trait);
    if (!this.ownConversions) {
      this.ownConversions = new Map();
      addConversionImpls(this.items.impls, this.solution.resolver, this.ownConversions);
    }
    return this.ownConversions.get(def)?.get(trait) ?? [];
  }

  /** A method of this file's inherent impls that the index of its own tree has not (one in an item macro's body). */
  private implMethod(typeName: string, method: string, owner?: Ty): FnInfo | undefined {
    if (!this.implMethods) {
      this.implMethods = new Map();
      for (const impl of this.items.inherentImpls) {
        const name = pathSegments(typePath(impl.typeNode)).pop() ?? impl.typeNode.text;
        const table = this.implMethods.get(name) ?? new Map<string, FnDef[]>();
        for (const [fn, def] of impl.methods) table.set(fn, [...(table.get(fn) ?? []), def]);
        this.implMethods.set(name, table);
      }
    }
    const listed = this.implMethods.get(typeName)?.get(method);
    const def = listed && pickByImpl(listed, (d) => implOf(d.node, d.impl), owner);
    return def ? this.info(def.node, def.scope, def.impl) : undefined;
  }

  private readonly hiddenTypes = new Map<number, LocalTy | undefined>();

  /**
   * The hidden type of a fn's `-> impl Trait` result: its body's value, typed with the parameters
   * as written (reqwest's `send() -> impl Future` is a `match` whose arms give a `Pending`). Read
   * once; undefined where the body's value is not typed, or the fn is met again while being read.
   */
  hiddenType(info: FnInfo): LocalTy | undefined {
    const owner = this.ownerOf(info.node);
    if (owner !== this) return owner.hiddenType(info);
    this.session?.read(info.node);
    const id = info.node.id;
    if (this.hiddenTypes.has(id)) return this.hiddenTypes.get(id);
    this.hiddenTypes.set(id, undefined);
    const body = info.node.childForFieldName('body');
    if (!body) return undefined;
    const walk = new BodyWalk(this, info, undefined);
    walk.declareParams(info.node.childForFieldName('parameters'));
    const t = walk.typeOf(body);
    const found = t.k === 'ty' || t.k === 'future' ? t : undefined;
    this.hiddenTypes.set(id, found);
    return found;
  }

  /** A future's verdict as a Value (for the futures that await or spawn it). */
  futureValue(node: SyntaxNode): { value: Value; report?: FutureReport } {
    const owner = this.ownerOf(node);
    if (owner !== this) return owner.futureValue(node);
    const found = this.futureValueOf(node);
    // The future is another fn's (or in one): what it says is an input of the walk reading it.
    let fn: SyntaxNode | null = node;
    while (fn && fn.type !== 'function_item') fn = fn.parent;
    if (fn) this.session?.read(fn);
    return found;
  }

  private futureValueOf(node: SyntaxNode): { value: Value; report?: FutureReport } {
    let report = this.reports.get(node.id);
    if (!report && node.type !== 'function_item') {
      // A block or closure of a fn not walked yet: walk that fn now.
      let fn = node.parent;
      while (fn && fn.type !== 'function_item') fn = fn.parent;
      const info = fn ? this.info(fn) : undefined;
      if (info && !info.isAsync) this.walkPlain(info);
      else if (info) this.futureOfFn(info);
      report = this.reports.get(node.id);
      if (!report) this.session?.recursion();
      if (!report)
        return {
          value: {
            status: 'unknown',
            atoms: new AtomSet(),
            reasons: [{ steps: [], leaf: 'the future is not analysed' }],
          },
        };
    }
    if (!report && node.type === 'function_item') {
      const info = this.info(node);
      if (info) report = this.futureOfFn(info);
    }
    if (!report) return { value: { status: 'yes', atoms: new AtomSet(), reasons: [] } };
    const s = report.send;
    return {
      report,
      value: {
        status: s.status,
        atoms: new AtomSet(s.requires),
        reasons: s.reasons.map((leaf) => ({ steps: [], leaf })),
      },
    };
  }

  /** The `use` path a call's first segment stands for (`thread::spawn` -> `std::thread::spawn`). */
  expandPath(scope: Scope, segments: string[]): string[] {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (s.cfgTwins?.has(segments[0])) return segments;
      const imported = s.imports.get(segments[0]);
      if (imported) return [...imported, ...segments.slice(1)];
    }
    return segments;
  }
}

/** `self` (by value) or a reference to it, from the fn's parameters; absent without `self`. */
function receiverMode(fn: SyntaxNode): ReceiverMode | undefined {
  const selfParam = fn.childForFieldName('parameters')?.namedChildren.find((c) => c?.type === 'self_parameter');
  return selfParam ? (selfParam.text.includes('&') ? 'ref' : 'value') : undefined;
}

function sendParams(fn: SyntaxNode): number[] {
  const bounded = new Set<string>();
  const hasSend = (bounds: SyntaxNode | null | undefined) =>
    bounds !== null && bounds !== undefined && /(^|[^\w])Send\b/.test(bounds.text);
  for (const p of fn.childForFieldName('type_parameters')?.namedChildren ?? []) {
    if (p?.type !== 'type_parameter') continue;
    const name = p.childForFieldName('name')?.text;
    if (name && hasSend(p.childForFieldName('bounds'))) bounded.add(name);
  }
  const where = fn.namedChildren.find((c) => c?.type === 'where_clause');
  for (const pred of where?.namedChildren ?? []) {
    const left = pred?.childForFieldName('left')?.text;
    if (left && hasSend(pred?.childForFieldName('bounds'))) bounded.add(left);
  }
  const out: number[] = [];
  const params = (fn.childForFieldName('parameters')?.namedChildren ?? []).filter((c) => c?.type === 'parameter');
  params.forEach((p, i) => {
    const t = p?.childForFieldName('type');
    if (!t) return;
    if (bounded.has(t.text) || (t.type === 'abstract_type' && hasSend(t))) out.push(i);
  });
  return out;
}

/**
 * Whether `x.a.b` is read as a value where it stands (copied or moved out: an operand, a `let`'s
 * value, an argument), not borrowed (`&x.a`, a method's `&self`, an index, a compound assignment).
 * A borrow of a field is a borrow of the local; a read is not.
 */
function fieldRead(field: SyntaxNode): { outer: SyntaxNode; compared?: boolean } | undefined {
  let outer = field;
  while (outer.parent?.type === 'field_expression' && outer.parent.childForFieldName('value')?.id === outer.id)
    outer = outer.parent;
  const p = outer.parent;
  if (!p) return undefined;
  switch (p.type) {
    case 'let_declaration':
      return p.childForFieldName('value')?.id === outer.id ? { outer } : undefined;
    case 'assignment_expression':
      return p.childForFieldName('right')?.id === outer.id ? { outer } : undefined;
    case 'binary_expression':
      // Comparisons take their operands by reference (`PartialEq::eq(&a, &b)`) unless primitive.
      return {
        outer,
        compared: ['==', '!=', '<', '>', '<=', '>='].includes(p.childForFieldName('operator')?.text ?? ''),
      };
    case 'arguments':
    case 'return_expression':
    case 'field_initializer':
    case 'tuple_expression':
    case 'array_expression':
    case 'type_cast_expression':
      return { outer };
    case 'unary_expression':
      return p.text.startsWith('*') ? undefined : { outer };
    default:
      return undefined;
  }
}

/** The bounds written for the type parameter `name` of a fn or of its impl: inline and in `where`. */
function boundsOf(fnNode: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const impl = enclosingImpl(fnNode);
  for (const owner of impl ? [fnNode, impl] : [fnNode]) {
    for (const p of owner.childForFieldName('type_parameters')?.namedChildren ?? [])
      if (p?.type === 'type_parameter' && p.childForFieldName('name')?.text === name) {
        const b = p.childForFieldName('bounds');
        if (b) out.push(b);
      }
    const where = owner.namedChildren.find((c) => c?.type === 'where_clause');
    for (const w of where?.namedChildren ?? [])
      if (w?.type === 'where_predicate' && w.childForFieldName('left')?.text === name) {
        const b = w.childForFieldName('bounds');
        if (b) out.push(b);
      }
  }
  return out;
}

/**
 * `ty` with each projection of a parameter of `info` left unknown (`T::Output` of `spawn<T>(future:
 * T) -> JoinHandle<T::Output>`, the future's output not read) that `info` bounds by `Send` itself
 * (`where T::Output: Send + 'static`) as a type known only by those bounds (see knownByBounds), or
 * only by its trait's, as `implied` (impliedProjections) says.
 */
function boundedProjections(info: FnInfo, ty: Ty, implied: ImpliedProjections): Ty {
  return mapTy(ty, (t) => {
    const text = t.k === 'unknown' ? t.text : t.k === 'proj' && !t.via ? `${t.param}::${t.assoc}` : undefined;
    const name = text?.replace(/\s+/g, '');
    if (!name || !/^\w+::\w+$/.test(name) || !info.env.has(name.split('::')[0])) return undefined;
    const auto = implied.get(name);
    if (auto)
      return sendByBounds(
        name,
        auto.includes('Sync'),
        `\`${name}\` of \`${info.name}(..)\` is not read; only its trait's bounds are known`,
      );
    return knownByBounds(info, name, name, 'is not read');
  });
}

/** Projections of a fn's parameters (`T::Future`) whose trait declares them `Send`, by `T::Future`: the auto traits declared. */
type ImpliedProjections = Map<string, ('Send' | 'Sync')[]>;

/**
 * The projections a fn's declared result names whose trait (or a supertrait) declares them `Send`
 * (`to_socket_addrs<T: ToSocketAddrs>(arg: T) -> T::Future`, whose trait declares `type Future:
 * Future<..> + Send`): `Send` whatever `T` is. `declared`: the result as declared, its parameters
 * known by their bounds.
 */
function impliedProjections(declared: Ty): ImpliedProjections {
  const implied: ImpliedProjections = new Map();
  someTy(declared, (t) => {
    if (t.k === 'proj' && !t.via && t.implied.includes('Send')) implied.set(`${t.param}::${t.assoc}`, t.implied);
    return false;
  });
  return implied;
}

/**
 * `Self` in a trait's default `async fn` under `#[async_trait]` (not `?Send`): the macro boxes the
 * future as `dyn Future + Send` and bounds `Self` so that what it holds of `self` is `Send`
 * (`Self: Sync` for `&self`, `Self: Send` for `&mut self` and `self`).
 */
const ASYNC_TRAIT_SELF: Ty = {
  k: 'dyn',
  text: 'Self',
  send: { holds: true },
  sync: { holds: true },
};

/**
 * Whether `fn` is in the body of a trait marked `#[async_trait]` (Send futures, the default), or
 * with `impls`, of an impl so marked.
 */
function inAsyncTrait(fn: SyntaxNode, impls = false): boolean {
  const trait = fn.parent?.type === 'declaration_list' ? fn.parent.parent : null;
  if (trait?.type !== 'trait_item' && !(impls && trait?.type === 'impl_item')) return false;
  for (let s = trait.previousNamedSibling; s; s = s.previousNamedSibling) {
    if (s.type.endsWith('comment')) continue;
    if (s.type !== 'attribute_item') return false;
    if (/^#\s*\[\s*(?:::\s*)?(?:async_trait\s*::\s*)?async_trait\s*\]$/.test(s.text)) return true;
  }
  return false;
}

/** The generic parameters of `info` (its impl's and its own) with their bounds (FnInfo.env has none). */
function boundedSignature(info: FnInfo): Map<string, Ty> {
  const impl = enclosingImpl(info.node);
  return new Map([
    ...(impl ? paramEnv(lowerGenerics(impl), info.scope) : []),
    ...paramEnv(lowerGenerics(info.node), info.scope),
  ]);
}

/** Those of the parameters `names` of `info` bounded by `Send`, as types known only by those bounds. */
function autoBounded(info: FnInfo, names: string[]): Map<string, Ty> {
  const out = new Map<string, Ty>();
  for (const name of names) {
    const t = knownByBounds(info, name, '_', 'is not inferred');
    if (t) out.set(name, t);
  }
  return out;
}

/**
 * A parameter (or projection) `name` of `info` that `info` bounds by `Send`, as a type known only
 * by its written auto-trait bounds (`T: Send + 'static`: `Send`, its `Sync` not known; `Sync` too
 * when bounded so); undefined without a `Send` bound. `text` is how it shows (`_`, `T::Output`).
 */
function knownByBounds(info: FnInfo, name: string, text: string, missing: string): Ty | undefined {
  if (!declaresBound(info.node, name, 'Send')) return undefined;
  const why = `\`${name}\` of \`${info.name}(..)\` ${missing}; only its bounds are known`;
  return sendByBounds(text, declaresBound(info.node, name, 'Sync'), why);
}

/** A type known only to be `Send` (and `Sync` when `sync`; else not known, for `why`). */
function sendByBounds(text: string, sync: boolean, why: string): Ty {
  return { k: 'dyn', text, send: { holds: true }, sync: sync ? { holds: true } : { holds: 'unknown', why } };
}

/** Whether the fn (or its impl) bounds its parameter `name` by the auto trait `trait` where it declares it. */
function declaresBound(fnNode: SyntaxNode, name: string, trait: 'Send' | 'Sync'): boolean {
  return boundsOf(fnNode, name).some((b) => namesAutoTrait(b, trait));
}

/** Whether bounds (`FnOnce() -> T + Send + 'static`) list the auto trait itself (not inside another bound). */
function namesAutoTrait(bounds: SyntaxNode, trait: 'Send' | 'Sync'): boolean {
  return bounds.namedChildren.some(
    (c) => c !== null && c.text.replace(/\s+/g, '').replace(/^(?:::)?(?:std|core)::marker::/, '') === trait,
  );
}

/** Which of `Fn`, `FnMut`, `FnOnce` the first such bound among `bounds` names. */
function fnBoundTrait(bounds: readonly SyntaxNode[]): 'Fn' | 'FnMut' | 'FnOnce' | undefined {
  for (const b of bounds) {
    const fns = b.type === 'function_type' ? [b] : b.descendantsOfType('function_type');
    for (const f of fns) {
      const trait = f?.childForFieldName('trait')?.text;
      if (trait === 'Fn' || trait === 'FnMut' || trait === 'FnOnce') return trait;
    }
  }
  return undefined;
}

/** The output type written in the first `Fn`, `FnMut` or `FnOnce` bound among `bounds` (`-> R`). */
function fnBoundOutput(bounds: readonly SyntaxNode[]): SyntaxNode | undefined {
  return fnBound(bounds)?.childForFieldName('return_type') ?? undefined;
}

/** The first `Fn`, `FnMut` or `FnOnce` bound among `bounds` (`Fn(u8) -> R`), as written. */
function fnBound(bounds: readonly SyntaxNode[]): SyntaxNode | undefined {
  for (const b of bounds) {
    const fns = b.type === 'function_type' ? [b] : b.descendantsOfType('function_type');
    for (const f of fns) {
      const trait = f?.childForFieldName('trait')?.text;
      if (f && (trait === 'Fn' || trait === 'FnMut' || trait === 'FnOnce')) return f;
    }
  }
  return undefined;
}

/** The `Output` a `Future<Output = X>` bound among `bounds` names: `X`. */
function futureBoundOutput(bounds: readonly SyntaxNode[]): SyntaxNode | undefined {
  for (const bound of bounds)
    for (const g of bound.type === 'generic_type' ? [bound] : bound.descendantsOfType('generic_type')) {
      const output = g ? futureOutputOf(g) : undefined;
      if (output) return output;
    }
  return undefined;
}

/** `X` of `Future<Output = X>` (or `std::future::Future<Output = X>`): undefined for any other trait. */
function futureOutputOf(trait: SyntaxNode): SyntaxNode | undefined {
  const name = trait.childForFieldName('type');
  if (trait.type !== 'generic_type' || !name || pathSegments(name).pop() !== 'Future') return undefined;
  return (
    trait
      .childForFieldName('type_arguments')
      ?.namedChildren.find((c) => c?.type === 'type_binding' && c.childForFieldName('name')?.text === 'Output')
      ?.childForFieldName('type') ?? undefined
  );
}

/** The parameter types an `Fn`, `FnMut` or `FnOnce` bound among `bounds` names (`Fn(u8, &str)`: `u8`, `&str`). */
function fnBoundParams(bounds: readonly SyntaxNode[]): SyntaxNode[] | undefined {
  return fnBound(bounds)
    ?.childForFieldName('parameters')
    ?.namedChildren.filter(
      (c): c is SyntaxNode => c !== null && !c.type.endsWith('comment') && c.type !== 'attribute_item',
    );
}

/**
 * The std methods that tell the element types of a collection made empty: `arity` arguments, of
 * which `from` give the element types in order (`HashMap::insert(k, v)`: the key's and the value's).
 */
const FILLING_METHODS = new Map<string, { arity: number; from: number[] }>([
  ['std::vec::Vec::push', { arity: 1, from: [0] }],
  ['std::vec::Vec::insert', { arity: 2, from: [1] }],
  ['std::collections::VecDeque::push_back', { arity: 1, from: [0] }],
  ['std::collections::VecDeque::push_front', { arity: 1, from: [0] }],
  ['std::collections::HashMap::insert', { arity: 2, from: [0, 1] }],
  ['std::collections::BTreeMap::insert', { arity: 2, from: [0, 1] }],
  ['std::collections::HashSet::insert', { arity: 1, from: [0] }],
  ['std::collections::BTreeSet::insert', { arity: 1, from: [0] }],
]);

/** std's borrowed path and string types, to the owned type `to_owned()` gives. */
const OWNED_FORMS = new Map([
  ['std::path::Path', 'std::path::PathBuf'],
  ['std::ffi::OsStr', 'std::ffi::OsString'],
  ['std::ffi::CStr', 'std::ffi::CString'],
]);

/** `Foo<T>` -> `Foo`, `a::Foo<T>` -> `a::Foo`: the path of an impl's self type. */
function typePath(node: SyntaxNode): SyntaxNode {
  return node.type === 'generic_type' ? (node.childForFieldName('type') ?? node) : node;
}

/**
 * Among fns of one name in several inherent impls of a type, the one a call takes: `Async::<
 * TcpListener>::bind` takes `impl Async<TcpListener>`'s, not `impl Async<UnixListener>`'s. The
 * impls' written arguments are matched with `owner`'s (the receiver's type, or the path's
 * turbofish): one left is taken. Several left that are written alike are the same impl under
 * different `#[cfg]`s, taken first as before; written differently, the call is not decided.
 */
function pickByImpl<T>(fns: T[], implOfFn: (fn: T) => SyntaxNode | undefined, owner: Ty | undefined): T | undefined {
  if (fns.length <= 1) return fns[0];
  const impls = fns.map(implOfFn);
  const left = fns.filter((_, i) => implFits(impls[i], owner) !== 'no');
  const written = new Set(
    impls.filter((_, i) => left.includes(fns[i])).map((impl) => impl?.childForFieldName('type')?.text),
  );
  return written.size === 1 ? left[0] : undefined;
}

/**
 * Whether an impl's written type (`Async<TcpListener>`) fits `owner`'s arguments, position by
 * position by their last names: the impl's own parameters fit anything, and an argument not
 * known (of `owner`, or `owner` itself) may fit.
 */
function implFits(impl: SyntaxNode | undefined, owner: Ty | undefined): 'yes' | 'no' | 'maybe' {
  const typeNode = impl?.childForFieldName('type');
  if (!impl || typeNode?.type !== 'generic_type' || owner?.k !== 'adt') return 'maybe';
  const declared = impl.childForFieldName('type_parameters');
  const params = new Set(
    (declared ? namedChildren(declared) : []).map(
      (p) => (p.type === 'type_identifier' ? p : (p.childForFieldName('left') ?? p.childForFieldName('name')))?.text,
    ),
  );
  const written = namedChildren(typeNode.childForFieldName('type_arguments') ?? typeNode).filter(
    (a) => a.type !== 'lifetime' && a.type !== 'type_binding',
  );
  const given = [...owner.args.values()];
  let fits: 'yes' | 'maybe' = 'yes';
  for (const [i, arg] of written.entries()) {
    if (params.has(arg.text)) continue;
    const name = givenName(given[i]);
    if (name === undefined) fits = 'maybe';
    else if (name !== pathSegments(typePath(arg)).pop()) return 'no';
  }
  return fits;
}

/** The last name of a known type (`TcpListener` of `std::net::TcpListener`), or undefined. */
function givenName(ty: Ty | undefined): string | undefined {
  switch (ty?.k) {
    case 'adt':
      return ty.def.name;
    case 'known':
      return ty.known.path.split('::').pop();
    case 'plain':
      return ty.text.replace(/\s+/g, '');
    default:
      return undefined;
  }
}

/** The fn's impl: `known` when the caller found it (null: it has none), else read from the tree. */
function implOf(node: SyntaxNode, known: SyntaxNode | null | undefined): SyntaxNode | undefined {
  return known === undefined ? enclosingImpl(node) : (known ?? undefined);
}

/**
 * `env` with the type parameters it leaves unbound that the call's arguments bind (`subst`, see
 * substOf), where their types are known: `Mutex::new(0i32)` of `impl<T> Mutex<T> { fn new(data:
 * T) -> Mutex<T> }` is a `Mutex<i32>` (what rustc infers from the argument, before any later use
 * could: for `Send` and `Sync`, integers of every width are alike).
 */
function boundByArguments(env: Map<string, Ty>, subst: Map<string, LocalTy> | undefined): Map<string, Ty> {
  if (!subst) return env;
  let bound: Map<string, Ty> | undefined;
  for (const [name, t] of env) {
    const arg = t.k === 'param' ? subst.get(name) : undefined;
    if (arg?.k !== 'ty') continue;
    bound ??= new Map(env);
    bound.set(name, arg.ty);
  }
  return bound ?? env;
}

function enclosingImpl(node: SyntaxNode): SyntaxNode | undefined {
  const owner = memberOwner(node);
  return owner?.type === 'impl_item' ? owner : undefined;
}

/** Whether an ancestor of `node` is of one of `types` (one walk up: each step asks from the root down). */
function hasAncestor(node: SyntaxNode, types: readonly string[]): boolean {
  for (let p = node.parent; p; p = p.parent) if (types.includes(p.type)) return true;
  return false;
}

function selfName(self: Ty | undefined): string | undefined {
  return self?.k === 'adt' ? self.def.name : undefined;
}

function tyText(t: LocalTy, fallback: string): string {
  return t.k === 'ty' || t.k === 'closure' ? (t.k === 'ty' ? filled(t.ty).text : t.text) : fallback;
}

/**
 * Whether `id` is read through a field (`id.f`, `id.0`), not whole nor as a method's receiver;
 * in a macro's tokens too (`ready!(self.lock.poll_lock(cx))`).
 */
function projectsField(id: SyntaxNode): boolean {
  const p = id.parent;
  if (p?.type === 'field_expression') {
    if (p.childForFieldName('value')?.id !== id.id) return false;
    const call = p.parent;
    return !(call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id);
  }
  if (p?.type !== 'token_tree' || id.nextSibling?.text !== '.') return false;
  const after = id.nextSibling.nextSibling?.nextSibling;
  return !(after?.type === 'token_tree' && after.text.startsWith('('));
}

/** One body walked in evaluation order: an async fn's, a closure's or an async block's. */
class BodyWalk {
  private frames: { bindings: Binding[]; cond: number }[] = [];
  private tempStack: Temp[][] = [];
  private cond = 0;
  private loops: SyntaxNode[] = [];
  private readonly awaits: AwaitSite[] = [];
  private readonly bindings: Binding[] = [];
  private readonly macroAwaits: SyntaxNode[] = [];
  /** Bindings of the enclosing walk used here, and whether by value. */
  readonly captures = new Map<Binding, boolean>();
  /** The body walked, for a closure or block (what its captures are read from). */
  body?: SyntaxNode;
  /** How the captures used by reference are borrowed (`&` or `&mut`), from their uses here. */
  readonly captureBorrows = new Map<Binding, CaptureBorrow>();

  constructor(
    private readonly file: FileAnalyzer,
    private readonly fn: FnInfo,
    /** The enclosing walk's bindings visible here, by name (a closure or block captures from them). */
    private readonly outer: Map<string, Binding> | undefined,
    private readonly moveCaptures = false,
  ) {}

  private get resolver() {
    return this.file.solution.resolver;
  }

  /** Where names in the body resolve: the items the body declares, then the fn's module. */
  private get scope(): Scope {
    return (this.bodyScope ??= this.file.bodyScope(this.fn.node) ?? this.fn.scope);
  }

  private bodyScope?: Scope;

  /**
   * Whether closures and blocks here capture whole variables, never fields alone: in a crate of
   * edition 2018 or before. Not for a file outside any crate, whose edition is not known.
   */
  /**
   * A statement under a `#[cfg]` this build leaves out (tokio's `#[cfg(all(tokio_unstable, feature
   * = "tracing"))] let inner = trace::async_op(..);` beside the `let inner` of other builds): not
   * there. Undecided `#[cfg]`s keep it.
   */
  private compiledOut(statement: SyntaxNode): boolean {
    return statement.type === 'attribute_item' || cfgLeavesOut(statement, crateRoot(this.fn.scope).buildCfg ?? {});
  }

  /** A parameter of this fn's signature with its declared bounds (the signature's types carry none). */
  private withBounds(t: Ty): Ty {
    if (t.k !== 'param' || t.bounds) return t;
    this.bounded ??= boundedSignature(this.fn);
    const own = this.bounded.get(t.name);
    return own?.k === 'param' && own.bounds ? own : t;
  }

  private bounded?: Map<string, Ty>;

  private capturesWhole(): boolean {
    return this.file.crate !== undefined && crateRoot(this.fn.scope).beforeEdition2021 === true;
  }

  walkBody(body: SyntaxNode): void {
    if (body.type === 'block') this.walk(body);
    else {
      this.frames.push({ bindings: [], cond: this.cond });
      this.tempStack.push([]);
      this.walk(body);
      this.tempStack.pop();
      this.frames.pop();
    }
  }

  /** `given`: a closure's parameter types where its callee's `Fn` bound says them (see closureParamTypes). */
  declareParams(params: SyntaxNode | null, given?: (Ty | undefined)[]): void {
    this.frames.push({ bindings: [], cond: this.cond });
    let index = -1;
    for (const p of params?.namedChildren ?? []) {
      if (!p || p.type.endsWith('comment') || p.type === 'attribute_item') continue;
      index++;
      if (p.type === 'self_parameter') {
        const self = this.fn.self ?? (inAsyncTrait(this.fn.node) ? ASYNC_TRAIT_SELF : undefined);
        const mut = /&\s*('\w+\s+)?mut\b/.test(p.text);
        const ty: LocalTy = !self
          ? unknownLocal('`Self` is not known here')
          : p.text.includes('&')
            ? { k: 'ty', ty: { k: 'ref', mut, inner: self, text: `&${mut ? 'mut ' : ''}${self.text}` } }
            : { k: 'ty', ty: self };
        this.bind('self', ty, p, 'param');
        continue;
      }
      const pattern = p.type === 'parameter' ? p.childForFieldName('pattern') : p;
      const typeNode = p.type === 'parameter' ? p.childForFieldName('type') : null;
      // `x: impl AsRef<Path>` is an anonymous type parameter: the future is `Send` if it is.
      const fromBound = given?.[index];
      const ty: LocalTy = typeNode
        ? { k: 'ty', ty: this.resolver.lowerParameterType(typeNode, this.fn.scope, this.fn.env, this.fn.self) }
        : fromBound
          ? { k: 'ty', ty: fromBound }
          : unknownLocal(`the type of closure parameter \`${pattern?.text ?? p.text}\` is not written`);
      if (pattern) this.declarePattern(pattern, ty, 'param');
    }
  }

  private bind(name: string, ty: LocalTy, decl: SyntaxNode, kind: Binding['kind']): void {
    const frame = this.frames[this.frames.length - 1];
    const b: Binding = { name, ty, decl, kind, uses: [], cond: frame?.cond ?? 0, walk: this };
    frame?.bindings.push(b);
    this.bindings.push(b);
  }

  private declarePattern(pattern: SyntaxNode, ty: LocalTy, kind: Binding['kind']): void {
    // `self: Arc<Self>`: a receiver written with its type, a parameter like any other.
    if (pattern.type === 'identifier' || pattern.type === 'self') return this.bind(pattern.text, ty, pattern, kind);
    if (pattern.type === 'mut_pattern' || pattern.type === 'ref_pattern') {
      const inner = pattern.namedChildren.find((c) => c?.type === 'identifier');
      if (inner && pattern.namedChildren.filter((c) => c?.type !== 'mutable_specifier').length === 1) {
        const t: LocalTy =
          pattern.type === 'ref_pattern' && ty.k === 'ty'
            ? { k: 'ty', ty: { k: 'ref', mut: false, inner: ty.ty, text: `&${ty.ty.text}` } }
            : ty;
        return this.bind(inner.text, t, inner, kind);
      }
    }
    this.bindPattern(pattern, ty, kind);
  }

  /**
   * Each name `pattern` binds, typed by matching it against `ty` where the pattern is one this
   * follows (tuples, `Ok`/`Err`/`Some`/`Ready`, references, `ref`); else each name is unknown.
   */
  private bindPattern(pattern: SyntaxNode, ty: LocalTy, kind: Binding['kind']): void {
    const typed = new Map<SyntaxNode, LocalTy>();
    if (matchPattern(pattern, ty, 'move', typed, this.fieldOf)) {
      for (const [id, t] of typed) this.bind(id.text, t, id, kind);
      return;
    }
    // The pattern's text once, and short: broken text made a 200 KB pattern of 57,000 names,
    // whose reasons each held a copy of it (out of memory).
    const shown = clipped(oneLine(pattern.text), 100);
    // Of a value not typed, its reason is the one to read.
    const why = ty.k === 'unknown' ? `: ${ty.reason}` : '';
    for (const id of patternNames(pattern))
      this.bind(id.text, unknownLocal(`\`${id.text}\` is bound by the pattern \`${shown}\`${why}`), id, kind);
  }

  lookup(name: string): Binding | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const bs = this.frames[i].bindings;
      for (let j = bs.length - 1; j >= 0; j--) if (bs[j].name === name) return bs[j];
    }
    const outer = this.outer?.get(name);
    if (outer) {
      if (!this.captures.has(outer)) this.captures.set(outer, this.moveCaptures);
      return outer;
    }
    return undefined;
  }

  /** Every binding visible now, by name (the innermost of each name): what a nested body captures from. */
  private visible(): Map<string, Binding> {
    const out = new Map<string, Binding>(this.outer ?? []);
    for (const f of this.frames) for (const b of f.bindings) out.set(b.name, b);
    return out;
  }

  private pushTemp(ty: LocalTy, node: SyntaxNode, borrowed = false): void {
    const top = this.tempStack[this.tempStack.length - 1];
    if (top) top.push({ ty, node, until: 'statement', borrowed });
  }

  private withTemps(until: Temp['until'], f: () => void): void {
    const temps: Temp[] = [];
    this.tempStack.push(temps);
    try {
      f();
    } finally {
      this.tempStack.pop();
    }
    for (const t of temps) t.until = until === 'statement' ? t.until : until;
  }

  private conditional(f: () => void): void {
    this.cond++;
    try {
      f();
    } finally {
      this.cond--;
    }
  }

  private walkChildren(node: SyntaxNode): void {
    for (const c of node.namedChildren) if (c) this.walk(c);
  }

  /** How deep the walk (and typeOf) are inside the body's nesting; see MAX_NESTING. */
  private depth = 0;
  /** The first node left unwalked for nesting deeper than MAX_NESTING: the future is then unknown. */
  private tooDeep?: SyntaxNode;

  walk(node: SyntaxNode): void {
    if (this.depth >= MAX_NESTING) {
      this.tooDeep ??= node;
      return;
    }
    this.depth++;
    try {
      this.walkNode(node);
    } finally {
      this.depth--;
    }
  }

  private walkNode(node: SyntaxNode): void {
    switch (node.type) {
      case 'block': {
        this.frames.push({ bindings: [], cond: this.cond });
        for (const c of node.namedChildren) {
          if (!c || this.compiledOut(c)) continue;
          // The tail expression's temporaries live to the end of the block.
          if (c.type.endsWith('_expression') || c.type === 'identifier')
            this.withTemps('statement', () => this.walk(c));
          else this.walk(c);
        }
        this.frames.pop();
        return;
      }
      case 'let_declaration': {
        const value = node.childForFieldName('value');
        const typeNode = node.childForFieldName('type');
        const pattern = node.childForFieldName('pattern');
        let ty: LocalTy = unknownLocal('no value');
        this.withTemps('statement', () => {
          if (value) this.walk(value);
          if (typeNode) ty = { k: 'ty', ty: this.resolver.lowerType(typeNode, this.scope, this.fn.env, this.fn.self) };
          else if (!value) ty = unknownLocal(`\`${pattern?.text ?? '_'}\` has no type written and no value`);
          else {
            this.holesWanted = true;
            try {
              ty = this.typeOf(value);
            } finally {
              this.holesWanted = false;
            }
          }
        });
        if (ty.k === 'ty' && pattern && holesIn(ty.ty).length > 0) this.inferHoles(node, pattern, ty);
        if (ty.k === 'unknown' && value?.text === 'None' && pattern?.type === 'identifier')
          ty = this.laterSome(node, pattern.text) ?? ty;
        const alternative = node.childForFieldName('alternative');
        if (alternative) this.conditional(() => this.walk(alternative));
        if (pattern) this.declarePattern(pattern, ty, 'local');
        return;
      }
      case 'expression_statement':
        this.withTemps('statement', () => this.walkChildren(node));
        return;
      case 'await_expression': {
        const operand = node.namedChildren[0];
        if (operand) this.walk(operand);
        this.awaitPoint(node, operand ? this.typeOf(operand) : unknownLocal('nothing awaited'), operand ?? node);
        return;
      }
      case 'match_expression': {
        const value = node.childForFieldName('value');
        this.withTemps('match', () => {
          if (value) this.scrutinee(value);
          const matched = value ? this.typeOf(value) : unknownLocal('nothing matched');
          this.conditional(() => {
            for (const arm of node.childForFieldName('body')?.namedChildren ?? []) {
              if (arm?.type !== 'match_arm') continue;
              this.frames.push({ bindings: [], cond: this.cond });
              const pat = arm.childForFieldName('pattern');
              if (pat) {
                for (const c of pat.namedChildren) if (c && c.type !== 'identifier') this.walkGuard(c);
                const typed = new Map<SyntaxNode, LocalTy>();
                const inner = pat.namedChildren.find(
                  (c) => c !== null && c.id !== pat.childForFieldName('condition')?.id,
                );
                if (inner && matchPattern(inner, matched, 'move', typed, this.fieldOf))
                  for (const [id, t] of typed) this.bind(id.text, t, id, 'local');
                else
                  for (const id of patternNames(pat))
                    this.bind(id.text, unknownLocal(`\`${id.text}\` is bound by a \`match\` pattern`), id, 'local');
              }
              const armValue = arm.childForFieldName('value');
              if (armValue) this.withTemps('statement', () => this.walk(armValue));
              this.frames.pop();
            }
          });
        });
        return;
      }
      case 'if_expression':
      case 'while_expression': {
        const condition = node.childForFieldName('condition');
        const body = node.childForFieldName('consequence') ?? node.childForFieldName('body');
        const alternative = node.childForFieldName('alternative');
        const isLet = condition?.type === 'let_condition' || condition?.type === 'let_chain';
        if (node.type === 'while_expression') this.loops.push(node);
        this.frames.push({ bindings: [], cond: this.cond });
        const rest = () =>
          this.conditional(() => {
            if (body) this.walk(body);
            if (alternative) this.walk(alternative);
          });
        if (isLet && condition) {
          this.withTemps(node.type === 'if_expression' ? 'if let' : 'while let', () => {
            this.letCondition(condition);
            rest();
          });
        } else {
          if (condition) this.withTemps('statement', () => this.walk(condition));
          rest();
        }
        this.frames.pop();
        if (node.type === 'while_expression') this.loops.pop();
        return;
      }
      case 'loop_expression': {
        this.loops.push(node);
        this.conditional(() => this.walkChildren(node));
        this.loops.pop();
        return;
      }
      case 'for_expression': {
        const value = node.childForFieldName('value');
        const pattern = node.childForFieldName('pattern');
        const body = node.childForFieldName('body');
        this.withTemps('for', () => {
          if (value) {
            this.walk(value);
            const isRange = value.type === 'range_expression';
            this.pushTemp(isRange ? plain('Range') : this.iteratorOf(value), value);
          }
          this.loops.push(node);
          this.frames.push({ bindings: [], cond: this.cond + 1 });
          if (pattern) {
            const ty =
              value?.type === 'range_expression'
                ? plain('integer')
                : value
                  ? this.itemOf(value)
                  : unknownLocal('the item type of a `for` loop');
            this.declarePattern(pattern, ty, 'local');
          }
          this.conditional(() => {
            if (body) this.walk(body);
          });
          this.frames.pop();
          this.loops.pop();
        });
        return;
      }
      case 'closure_expression':
      case 'async_block':
        this.nested(node);
        return;
      case 'macro_invocation':
        this.macro(node);
        return;
      case 'identifier':
      case 'self':
        this.use(node);
        return;
      case 'call_expression': {
        const fn = node.childForFieldName('function');
        if (fn?.type === 'field_expression') {
          const recv = fn.childForFieldName('value');
          if (recv) this.walk(recv);
        } else if (fn?.type === 'identifier') this.use(fn);
        const args = node.childForFieldName('arguments');
        if (args) this.walkChildren(args);
        if (fn?.type === 'field_expression') {
          this.elementFromPush(fn, args);
          this.elementFromArgument(fn, args);
          this.holesFromCall(fn, args);
        } else if (fn?.type === 'identifier' || fn?.type === 'scoped_identifier') this.elementFromArgument(fn, args);
        this.requirement(node);
        this.arcNew(node);
        this.maybeTemp(node);
        return;
      }
      case 'function_item':
      case 'struct_item':
      case 'enum_item':
      case 'impl_item':
      case 'trait_item':
      case 'mod_item':
      case 'const_item':
      case 'static_item':
      case 'use_declaration':
      case 'macro_definition':
      case 'type_item':
      case 'line_comment':
      case 'block_comment':
        return;
      case 'field_expression': {
        const value = node.childForFieldName('value');
        if (value) this.walk(value);
        return;
      }
      case 'reference_expression': {
        const value = node.childForFieldName('value');
        if (!value) return;
        this.walk(value);
        // `&Struct { .. }`, `&{ .. }`, `&&x`: a value, not a place, so a temporary (calls are
        // counted where they are walked).
        const place = ['identifier', 'self', 'field_expression', 'index_expression', 'scoped_identifier'];
        const deref = value.type === 'unary_expression' && value.text.startsWith('*');
        if (!place.includes(value.type) && !deref && value.type !== 'call_expression' && !this.promotable(value))
          this.pushTemp(this.typeOf(value), value, true);
        return;
      }
      case 'scoped_identifier':
      case 'type_identifier':
      case 'generic_function':
      case 'field_identifier':
        return;
      default:
        this.walkChildren(node);
    }
  }

  /**
   * `v.push(x)` on a local made `Vec::new()`, `m.insert(k, v)` on one made `HashMap::new()`: the
   * element types, not written there, are the arguments' (one type for the local's whole life, as
   * rustc infers it). See FILLING_METHODS.
   */
  private elementFromPush(callee: SyntaxNode, args: SyntaxNode | null): void {
    const recv = callee.childForFieldName('value');
    const method = callee.childForFieldName('field')?.text ?? '';
    const b = recv?.type === 'identifier' ? this.lookupQuiet(recv.text) : undefined;
    const collection = b?.ty.k === 'ty' ? b.ty.ty : undefined;
    if (!b || collection?.k !== 'known' || !collection.args.some((a) => a.k === 'unknown')) return;
    const sources = FILLING_METHODS.get(`${collection.known.path}::${method}`);
    const given = (args?.namedChildren ?? []).filter((c): c is SyntaxNode => c !== null && !c.type.endsWith('comment'));
    if (given.length !== sources?.arity) return;
    const elems: Ty[] = [];
    for (const i of sources.from) {
      const t = this.typeOf(given[i]);
      if (t.k !== 'ty') return;
      elems.push(t.ty);
    }
    const typed = knownTy(collection.known.path, elems);
    if (typed) b.ty = { k: 'ty', ty: typed };
  }

  /**
   * `stream.read_to_end(&mut buf)` with `buf` made `Vec::new()`: the element type is the one the
   * method's parameter names (`buf: &mut Vec<u8>`), found as the call's method is (its receiver's
   * own, else a trait's in scope), or a fn's (`read_to_end(io, &mut vec)`); std's
   * `Read::read_to_end` as std declares it.
   */
  private elementFromArgument(callee: SyntaxNode, args: SyntaxNode | null): void {
    const given = (args?.namedChildren ?? []).filter((c): c is SyntaxNode => c !== null && !c.type.endsWith('comment'));
    const index = given.findIndex(
      (a) => a.type === 'reference_expression' && a.text.replace(/\s+/g, ' ').startsWith('&mut '),
    );
    const target = index >= 0 ? given[index].namedChildren.find((c) => c?.type === 'identifier') : undefined;
    const b = target ? this.lookupQuiet(target.text) : undefined;
    const collection = b?.ty.k === 'ty' ? b.ty.ty : undefined;
    if (!b || collection?.k !== 'known' || !collection.args.some((a) => a.k === 'unknown')) return;
    let declared: Ty | undefined;
    let info: FnInfo | undefined;
    if (callee.type === 'field_expression') {
      const method = callee.childForFieldName('field')?.text ?? '';
      if (STD_READ_INTO.has(method) && given.length === 1)
        declared = knownTy('std::vec::Vec', [{ k: 'plain', text: 'u8' }]);
      const recv = callee.childForFieldName('value');
      const recvTy = recv ? this.typeOf(recv) : undefined;
      info =
        recvTy?.k === 'ty'
          ? (this.file.methodOf(derefAll(recvTy.ty), method) ?? this.file.traitMethod(this.scope, method))
          : undefined;
    } else info = this.file.fnForPath(pathSegments(callee), this.fn.self, this.scope); // `read_to_end(io, &mut vec)`
    const params = info?.node.childForFieldName('parameters')?.namedChildren ?? [];
    const param = params.filter((c) => c?.type === 'parameter')[index];
    const typeNode = param?.childForFieldName('type');
    if (info && typeNode) {
      const t = this.resolver.lowerType(typeNode, info.scope, info.env, info.self);
      declared = t.k === 'ref' && t.mut ? t.inner : undefined;
    }
    // Only a type written in full: no parameter of the callee, nothing left unknown.
    if (
      declared?.k === 'known' &&
      declared.known.path === collection.known.path &&
      !someTy(declared, (t) => t.k === 'param' || t.k === 'proj' || t.k === 'unknown')
    )
      b.ty = { k: 'ty', ty: declared };
  }

  private walkGuard(node: SyntaxNode): void {
    // A match guard (`x if cond`) sits inside the pattern node in some grammar versions.
    if (node.type.endsWith('_expression')) this.walk(node);
  }

  private scrutinee(value: SyntaxNode): void {
    this.walk(value);
    // The scrutinee is a place: a value expression there is a temporary that lives through the arms.
    if (value.type === 'call_expression' && !this.isTemp(value)) this.pushTemp(this.typeOf(value), value);
  }

  private letCondition(condition: SyntaxNode): void {
    if (condition.type === 'let_chain') {
      for (const c of condition.namedChildren) if (c) this.letCondition(c);
      return;
    }
    if (condition.type !== 'let_condition') {
      this.walk(condition);
      return;
    }
    const value = condition.childForFieldName('value');
    if (value) this.scrutinee(value);
    const pattern = condition.childForFieldName('pattern');
    if (pattern) this.bindPattern(pattern, value ? this.typeOf(value) : unknownLocal('nothing matched'), 'local');
  }

  /**
   * What `for .. in value` holds while it runs: for a std collection (or a reference to one), an
   * iterator whose auto traits are the collection's (or the reference's): `vec::IntoIter<T>` as
   * `Vec<T>`, `slice::Iter<'_, T>` as `&[T]`.
   */
  private iteratorOf(value: SyntaxNode): LocalTy {
    const t = this.typeOf(value);
    if (t.k === 'ty' && forItem(t.ty)) return t;
    return unknownLocal(`the iterator of \`for ... in ${oneLine(value.text)}\` is not typed`);
  }

  /** The type of each item `for .. in value` gives. */
  private itemOf(value: SyntaxNode): LocalTy {
    const t = this.typeOf(value);
    const item = t.k === 'ty' ? forItem(t.ty) : undefined;
    return item ? { k: 'ty', ty: item } : unknownLocal('the item type of a `for` loop');
  }

  /** Whether a `let`'s value is being typed, where a generic call may leave holes (see fnResult). */
  private holesWanted = false;

  /**
   * A `let` whose value leaves type parameters to inference (`let (tx, rx) = oneshot::channel();`):
   * its holes are filled (see fillHoles) from the later method calls in the block on a name the
   * pattern binds, read here, before the walk reaches them: a block or closure in between that
   * captures those names is judged when it is walked. Names bound again later are not read here
   * (the walk still fills from their calls, where it knows which binding a name is).
   */
  private inferHoles(decl: SyntaxNode, pattern: SyntaxNode, ty: LocalTy & { k: 'ty' }): void {
    const typed = new Map<SyntaxNode, LocalTy>();
    if (!matchPattern(pattern, ty, 'move', typed, this.fieldOf)) return;
    const names = new Map<string, Ty>();
    for (const [id, t] of typed) if (t.k === 'ty' && !boundAgainLater(decl, id.text)) names.set(id.text, t.ty);
    // A literal storing a name reads this binding up to where a `let` binds the name again
    // (`let Listener { tx, .. } = server;` after `Listener { tx, .. }`), and not where a pattern
    // around it does.
    const block = decl.parent;
    const stored = new Map<string, Ty>();
    for (const [id, t] of typed) if (t.k === 'ty') stored.set(id.text, t.ty);
    for (const literal of block?.descendantsOfType('struct_expression') ?? []) {
      if (!literal || literal.startIndex < decl.endIndex || !block) continue;
      const visible = new Map(
        [...stored].filter(([name]) => literal.startIndex < nextLet(decl, name) && !rebound(literal, block, name)),
      );
      if (visible.size > 0) this.holesFromLiteral(literal, visible);
    }
    for (const call of decl.parent?.descendantsOfType('call_expression') ?? []) {
      if (!call || call.startIndex < decl.endIndex) continue;
      const fn = call.childForFieldName('function');
      const recv = fn?.type === 'field_expression' ? names.get(fn.childForFieldName('value')?.text ?? '') : undefined;
      if (recv && fn) this.fillHoles(recv, fn, call.childForFieldName('arguments'));
    }
  }

  /**
   * `Listener { notify_shutdown, .. }` after `let (notify_shutdown, _) = broadcast::channel(1);`:
   * a local with holes stored whole in a field of a struct (or of an enum's variant) without type
   * parameters takes the field's declared type (`broadcast::Sender<()>`) where it has holes.
   */
  /**
   * Whether an `if` condition's `let` patterns bind only names no local in scope here has (see the
   * `if_expression` case of typeOfNode); a condition without `let` binds none.
   */
  private letNamesUnshadowed(condition: SyntaxNode | null): boolean {
    if (!condition || (condition.type !== 'let_condition' && condition.type !== 'let_chain')) return true;
    const patterns =
      condition.type === 'let_condition'
        ? [condition.childForFieldName('pattern')]
        : condition.namedChildren.map((c) => (c?.type === 'let_condition' ? c.childForFieldName('pattern') : null));
    return patterns.every(
      (pattern) =>
        pattern !== null &&
        (pattern.type === 'identifier' ? [pattern] : pattern.descendantsOfType('identifier')).every(
          (id) => id === null || this.lookupQuiet(id.text) === undefined,
        ),
    );
  }

  private holesFromLiteral(literal: SyntaxNode, names: Map<string, Ty>): void {
    const name = literal.childForFieldName('name');
    if (!name || name.type === 'generic_type') return;
    // A struct, or an enum's variant with fields (`ActorMessage::GetUniqueId { respond_to: send }`).
    const segments = pathSegments(name);
    const item = this.resolver.resolvePath(this.scope, segments);
    const owner =
      item.kind === 'type' || segments.length < 2
        ? undefined
        : this.resolver.resolvePath(this.scope, segments.slice(0, -1));
    const def =
      item.kind === 'type' && item.def.kind === 'struct'
        ? item.def
        : owner?.kind === 'type' && owner.def.kind === 'enum'
          ? owner.def
          : undefined;
    if (!def || def.generics.params.some((p) => p.kind === 'type')) return;
    const variant = def.kind === 'enum' ? `${segments[segments.length - 1]}.` : '';
    for (const { value, fieldName } of literalFields(literal)) {
      // Stored whole, or as the `Some` of an `Option` field (`MyFuture { tx: Some(tx) }`).
      const some = value.type === 'call_expression' && value.childForFieldName('function')?.text === 'Some';
      const inner = some ? value.childForFieldName('arguments')?.namedChildren : undefined;
      const stored = some ? (inner?.length === 1 ? inner[0] : null) : value;
      const named = stored?.type === 'identifier' ? names.get(stored.text) : undefined;
      const holed = named && some ? knownTy('std::option::Option', [named]) : named;
      const field = holed && def.fields.find((f) => f.name === `${variant}${fieldName}`);
      if (holed && field) fillFromDeclared(holed, this.resolver.lowerType(field.typeNode, def.scope, new Map()));
    }
  }

  /** At a method call on a local whose type has holes: what its arguments fill (see fillHoles). */
  private holesFromCall(callee: SyntaxNode, args: SyntaxNode | null): void {
    const recv = callee.childForFieldName('value');
    const b = recv?.type === 'identifier' ? this.lookupQuiet(recv.text) : undefined;
    if (b?.ty.k === 'ty' && holesIn(b.ty.ty).length > 0) this.fillHoles(b.ty.ty, callee, args);
  }

  /**
   * Fills the holes of a receiver's type (see fnResult) that `recv.method(args)` decides: each
   * argument typed here fills the parameters of the method's impl in its declared type
   * (`tx.send(1)` of `impl<T> Sender<T> { fn send(self, t: T) }`: `T`, the hole, is `i32`). A hole
   * filled two ways stays unknown.
   */
  private fillHoles(recvTy: Ty, callee: SyntaxNode, argList: SyntaxNode | null): void {
    const method = callee.childForFieldName('field')?.text;
    if (!method) return;
    // std's senders: what is sent is the channel's `T`.
    const sender = derefAll(recvTy);
    if (sender.k === 'known' && STD_SENDING.has(`${sender.known.path}::${method}`)) {
      const slot = sender.args[0];
      const arg = argList?.namedChildren.find((c) => c !== null && !c.type.endsWith('comment'));
      const t = arg ? this.typeOf(arg) : undefined;
      if (slot?.k === 'unknown' && slot.hole && t?.k === 'ty' && holesIn(t.ty).length === 0) fillHole(slot.hole, t.ty);
      return;
    }
    // The method's own receiver type: through references and std's smart pointers (`Arc<Sender<T>>`).
    let recv = derefAll(recvTy);
    let info = this.file.methodOf(recv, method);
    for (let i = 0; i < 5 && !info; i++) {
      const next = this.derefStep(recv);
      if (!next) return;
      recv = derefAll(next);
      info = this.file.methodOf(recv, method);
    }
    if (!info) return;
    const env = this.boundEnv(info, recv, undefined);
    const params = (info.node.childForFieldName('parameters')?.namedChildren ?? []).filter(
      (c): c is SyntaxNode => c?.type === 'parameter',
    );
    const args = (argList?.namedChildren ?? []).filter(
      (c): c is SyntaxNode => c !== null && !c.type.endsWith('comment'),
    );
    params.forEach((p, i) => {
      const typeNode = p.childForFieldName('type');
      const arg = args[i] ? this.typeOf(args[i]) : undefined;
      // An `async` block handed to a parameter bounded by `Future<Output = T>` (`JoinSet::spawn(fut)`
      // of a `JoinSet<T>`): what the block gives fills `T`.
      const written =
        arg?.k === 'future' && typeNode?.type === 'type_identifier' && info.env.has(typeNode.text)
          ? futureBoundOutput(boundsOf(info.node, typeNode.text))
          : undefined;
      const given = written && arg?.k === 'future' ? this.closureValues.get(arg.node.id)?.blockOutput() : undefined;
      const [declared, value] =
        written && given
          ? [written, given]
          : typeNode && arg?.k === 'ty' && holesIn(arg.ty).length === 0
            ? [typeNode, arg.ty]
            : [];
      if (!declared || !value) return;
      const bound = new Map<string, LocalTy>();
      unify(this.resolver.lowerType(declared, info.scope, info.env, info.self), value, bound);
      for (const [name, t] of bound) {
        const slot = env.get(name);
        if (slot?.k !== 'unknown' || !slot.hole || t.k !== 'ty') continue;
        fillHole(slot.hole, t.ty);
      }
    });
  }

  /**
   * `let mut x = None;` with `x = Some(e)` later in the block: an `Option` of `e`'s type, when every
   * such `e` that can be typed here is of one type, and no pattern later in the block binds `x`
   * again (which would make a later `x` another variable).
   */
  private laterSome(decl: SyntaxNode, name: string): LocalTy | undefined {
    const block = decl.parent;
    if (!block || !decl.children.some((c) => c?.type === 'mutable_specifier')) return undefined;
    // A later `let` of the name makes the rest of the block another variable's; a pattern that
    // binds it in an arm, a closure or a loop only there (`Some(listener) => listener.await`).
    if (boundAgainLater(decl, name, ['let_declaration'])) return undefined;
    const after = (n: SyntaxNode | null): n is SyntaxNode => n !== null && n.startIndex >= decl.endIndex;
    let found: Ty | undefined;
    for (const a of block.descendantsOfType('assignment_expression').filter(after)) {
      if (a.childForFieldName('left')?.text !== name || rebound(a, block, name)) continue;
      const right = a.childForFieldName('right');
      const args = right?.type === 'call_expression' ? right.childForFieldName('arguments')?.namedChildren : undefined;
      if (right?.childForFieldName('function')?.text !== 'Some' || args?.length !== 1 || !args[0]) continue;
      let t = this.typeOf(args[0]);
      // `Err(e) => last_err = Some(e)`: a name the walk binds only later, typed by its arm here.
      if (t.k !== 'ty' && args[0].type === 'identifier') t = this.armBinding(args[0]) ?? t;
      if (t.k !== 'ty') continue;
      if (found && found.text !== t.ty.text) return undefined;
      found = t.ty;
    }
    const option = found && knownTy('std::option::Option', [found]);
    return option ? { k: 'ty', ty: option } : undefined;
  }

  /**
   * The type of a name bound by the pattern of the `match` arm around `use` (`Err(e) => .. e`),
   * matched against the scrutinee's type as the walk will when it gets there; undefined when the
   * name is not the arm's, or cannot be typed so.
   */
  private armBinding(use: SyntaxNode): LocalTy | undefined {
    for (let p = use.parent; p && !FN_LIKE.has(p.type); p = p.parent) {
      if (p.type !== 'match_arm') continue;
      const pat = p.childForFieldName('pattern');
      const inner = pat?.namedChildren.find((c) => c !== null && c.id !== pat.childForFieldName('condition')?.id);
      if (!inner || !patternNames(pat!).some((id) => id.text === use.text)) continue;
      const value = p.parent?.parent?.type === 'match_expression' ? p.parent.parent.childForFieldName('value') : null;
      const typed = new Map<SyntaxNode, LocalTy>();
      if (!value || !matchPattern(inner, this.typeOf(value), 'move', typed, this.fieldOf)) return undefined;
      for (const [id, t] of typed) if (id.text === use.text) return t;
      return undefined;
    }
    return undefined;
  }

  /** A closure or async block: its own walk, capturing from this one's bindings. */
  private nested(node: SyntaxNode): void {
    const isMove = node.children.some((c) => c?.type === 'move');
    const isAsync = node.type === 'async_block' || node.children.some((c) => c?.type === 'async');
    const kind: FutureKind | undefined =
      node.type === 'async_block' ? 'async-block' : isAsync ? 'async-closure' : undefined;
    const walk = new BodyWalk(this.file, this.fn, this.visible(), isMove);
    // Its nesting continues this walk's (a closure's stack frames add to the enclosing body's).
    walk.depth = this.depth;
    const body =
      node.type === 'async_block'
        ? node.namedChildren.find((c) => c?.type === 'block')
        : node.childForFieldName('body');
    if (node.type === 'closure_expression')
      walk.declareParams(node.childForFieldName('parameters'), this.closureParamTypes(node));
    walk.body = body ?? undefined;
    if (body) walk.walkBody(body);
    // What it left unread may capture from here too.
    this.tooDeep ??= walk.tooDeep;
    // What the nested body captures is a use here: a move for `move` bodies, else a borrow.
    for (const [b, byValue] of walk.captures) {
      b.uses.push({
        offset: node.startIndex,
        kind: byValue ? 'move' : 'borrow',
        unconditional: b.walk === this && this.cond === b.cond,
      });
      if (b.walk !== this && this.outer?.get(b.name) === b && !this.captures.has(b))
        this.captures.set(b, this.moveCaptures);
    }
    for (const [b, borrow] of walk.captureBorrows) {
      if (b.walk === this) continue;
      this.noteBorrow(b, borrow.unique ? 'unique' : 'shared');
      if (borrow.untold) this.noteBorrow(b, undefined);
    }
    if (kind) {
      const asyncKw = node.children.find((c) => c?.type === 'async') ?? node;
      const report = walk.finish(this.fn.name, kind, asyncKw, node);
      this.file.reports.set(node.id, report);
    } else if (node.type === 'closure_expression')
      this.closures.set(node.id, {
        k: 'closure',
        node,
        send: walk.closureSend(node),
        text: '{closure}',
        drops: walk.closureDrops(),
        output: walk.closureOutput(node),
      });
    this.closureValues.set(node.id, walk);
    // Here the body's uses of what it captures are the one use above, where it is created: a
    // value moved into a closure is gone from this body even though the closure's body names it
    // again (`let f = move || peek(&r); drop(f);` holds no `r` after).
    for (const b of walk.captures.keys()) {
      const kept = b.uses.filter((u) => u.offset <= node.startIndex || u.offset >= node.endIndex);
      b.uses.splice(0, b.uses.length, ...kept);
    }
  }

  private readonly closureValues = new Map<number, BodyWalk>();

  /**
   * The types of a closure's parameters, where it is an argument of a crate fn or method whose
   * parameter there is bounded by `Fn`, `FnMut` or `FnOnce` (`func: F` with `F: Fn(Request<Body>)
   * -> Fut`, or `impl FnOnce(&mut Conn)`): what the bound says each is. A type naming the callee's
   * own type parameters is left to inference (undefined), as is every parameter of a closure
   * whose callee is not found.
   */
  private closureParamTypes(closure: SyntaxNode): (Ty | undefined)[] | undefined {
    const args = closure.parent;
    const call = args?.type === 'arguments' ? args.parent : undefined;
    if (!args || call?.type !== 'call_expression') return undefined;
    const index = args.namedChildren
      .filter((c): c is SyntaxNode => c !== null && !c.type.endsWith('comment'))
      .findIndex((c) => c.id === closure.id);
    const callee = call.childForFieldName('function');
    let info: FnInfo | undefined;
    if (callee?.type === 'field_expression') {
      const recv = callee.childForFieldName('value');
      const method = callee.childForFieldName('field')?.text;
      const t = recv ? this.typeOf(recv) : undefined;
      // `opt.map(|v| ..)`, `res.map_err(|e| ..)`: std's combinators, by their one closure.
      const handed =
        t?.k === 'ty' && method && index === 0 ? combinatorClosureParam(derefAll(t.ty), method) : undefined;
      if (handed) return someTy(handed, (x) => x.k === 'unknown' || x.k === 'proj') ? undefined : [handed];
      if (t?.k === 'ty' && method) info = this.file.methodOf(derefAll(t.ty), method);
    } else if (
      callee?.type === 'scoped_identifier' ||
      (callee?.type === 'identifier' && !this.lookupQuiet(callee.text))
    )
      info = this.file.fnForPath(pathSegments(callee), this.fn.self, this.scope);
    const params = (info?.node.childForFieldName('parameters')?.namedChildren ?? []).filter(
      (c): c is SyntaxNode => c?.type === 'parameter',
    );
    const typeNode = params[index]?.childForFieldName('type');
    if (!info || !typeNode) return undefined;
    const bounds =
      typeNode.type === 'abstract_type' || typeNode.type === 'dynamic_type'
        ? [typeNode]
        : typeNode.type === 'type_identifier' && info.env.has(typeNode.text)
          ? boundsOf(info.node, typeNode.text)
          : [];
    const owner = info;
    return fnBoundParams(bounds)?.map((node) => {
      const t = this.resolver.lowerType(node, owner.scope, owner.env, owner.self);
      return someTy(t, (x) => x.k === 'param' || x.k === 'unknown' || x.k === 'proj') ? undefined : t;
    });
  }
  /** The plain closures walked here, as values (see `closureSend`). */
  private readonly closures = new Map<number, LocalTy & { k: 'closure' }>();

  /**
   * Whether this walk's closure is `Send`: each capture by value (`T: Send`), by `&mut` (`T: Send`)
   * or by `&` (`T: Sync`). Since edition 2021 a closure that names a field of a variable
   * (`self.lock.poll(cx)`) captures that field alone, whose type is not the variable's: then the
   * verdict is not told.
   */
  closureSend(node: SyntaxNode): Value {
    const body = node.childForFieldName('body');
    for (const b of this.capturesWhole() ? [] : this.captures.keys()) {
      if (this.capturedAsWhole(b) || this.capturesFieldsExactly(b)) continue;
      const projected = body
        ?.descendantsOfType(['identifier', 'self'])
        .find((id) => id !== null && id.text === b.name && projectsField(id));
      if (projected)
        return {
          status: 'unknown',
          atoms: new AtomSet(),
          reasons: [
            {
              steps: [],
              leaf: `the closure names \`${oneLine(projected.parent?.type === 'field_expression' ? projected.parent.text : b.name)}\`, a field it may capture alone, whose type is not read`,
            },
          ],
        };
    }
    const v = combine(this.captureParts('the closure'));
    return {
      status: v.status,
      atoms: new AtomSet(v.requires),
      reasons: v.reasons.map((leaf) => ({ steps: [], leaf })),
    };
  }

  /**
   * Whether dropping this walk's closure runs code: when a value it captures by value does (a
   * borrow drops nothing). Read with the captures as `closureSend` reads them.
   */
  closureDrops(): boolean | undefined {
    let drops: boolean | undefined = false;
    for (const [b, byValue] of this.captures) {
      if (!byValue && !b.uses.some((u) => u.kind === 'move')) continue;
      const glue = b.ty.k === 'ty' ? this.file.dropGlue(b.ty.ty) : b.ty.k === 'closure' ? b.ty.drops : undefined;
      if (glue === true) return true;
      if (glue === undefined) drops = undefined;
    }
    return drops;
  }

  /**
   * Whether the fields the body names of `b` are what it captures, and their types are known: in a
   * crate of edition 2021 or later, `b` a struct or tuple held by value, and every field on the
   * way to a named one a struct or tuple too (no reference, pointer, `Box` or `Deref` to stop at,
   * where rustc cuts the path).
   */
  private capturesFieldsExactly(b: Binding): boolean {
    if (!this.file.crate || this.capturesWhole() || b.ty.k !== 'ty') return false;
    // A `#[repr(packed)]` struct's fields are captured with the struct (no reference into it).
    const plain = (t: Ty) => (t.k === 'adt' && t.def.kind === 'struct' && !packed(t.def.node)) || t.k === 'tuple';
    if (!plain(b.ty.ty)) return false;
    return (
      this.placesPast(b)?.every((place) => {
        const t = this.typeOf(place);
        return t.k === 'ty' && plain(t.ty);
      }) === true
    );
  }

  /**
   * The body's paths of fields of `b` (`b.x.y`, up to a method call's receiver): each from `b.x`
   * to the place captured. Undefined when one is in a macro's tokens, read as no path.
   */
  private fieldPaths(b: Binding): SyntaxNode[][] | undefined {
    const paths: SyntaxNode[][] = [];
    for (const id of this.body?.descendantsOfType(['identifier', 'self']) ?? []) {
      if (id?.text !== b.name || !projectsField(id)) continue;
      if (id.parent?.type !== 'field_expression') return undefined;
      const path = [id.parent];
      for (let next = id.parent.parent; ; next = next.parent) {
        const last = path[path.length - 1];
        const further =
          next?.type === 'field_expression' &&
          next.childForFieldName('value')?.id === last.id &&
          !(next.parent?.type === 'call_expression' && next.parent.childForFieldName('function')?.id === next.id);
        if (!further || !next) break;
        path.push(next);
      }
      paths.push(path);
    }
    return paths;
  }

  /** The fields each path of `b` reads past, to a further field (see fieldPaths). */
  private placesPast(b: Binding): SyntaxNode[] | undefined {
    return this.fieldPaths(b)?.flatMap((path) => path.slice(0, -1));
  }

  /**
   * Whether naming fields of `b` captures what capturing all of `b` would, for `Send`: `b` is a
   * shared reference `&S`, and no field on the way is one too. A place read through `&S` is
   * captured from the last shared reference it goes through (rustc truncates the path there), so
   * `c.n.fetch_add(..)` captures `*c`: a `&S` whatever the edition, `Send` exactly when `S` is
   * `Sync`, as all of `c` by reference (`&&S`) or by value would be.
   */
  private capturedAsWhole(b: Binding): boolean {
    if (b.ty.k !== 'ty' || b.ty.ty.k !== 'ref' || b.ty.ty.mut) return false;
    // Each field read past: its type must be known, and not a shared reference.
    return (
      this.placesPast(b)?.every((place) => {
        const t = this.typeOf(place);
        return t.k === 'ty' && t.ty.k !== 'unknown' && !(t.ty.k === 'ref' && !t.ty.mut);
      }) === true
    );
  }

  /** What this walk's `async` block gives when awaited: its block's type, when that is read (no holes). */
  blockOutput(): Ty | undefined {
    const t = this.body?.type === 'block' ? this.typeOf(this.body) : undefined;
    return t?.k === 'ty' && holesIn(t.ty).length === 0 ? t.ty : undefined;
  }

  /** What this walk's closure gives when called: its body's type, when that is read. */
  closureOutput(node: SyntaxNode): Ty | undefined {
    const body = node.childForFieldName('body');
    if (!body || node.childForFieldName('return_type')) return undefined;
    const t = this.typeOf(body);
    return t.k === 'ty' ? t.ty : undefined;
  }

  /** Macros' argument lists read as expressions (see macro), and how the macro takes them. */
  private readonly argumentModes = new Map<number, 'borrow' | 'move'>();

  private macro(node: SyntaxNode): void {
    const tokens = node.namedChildren.find((c) => c?.type === 'token_tree');
    if (!tokens) return;
    const text = tokens.text;
    const name = node.childForFieldName('macro')?.text ?? '';
    // tokio's and futures' `join!`, `try_join!`, `select!`, `select_biased!`.
    if (this.isCrateMacro(name, AWAITING_MACROS, AWAITING_CRATES)) {
      this.awaitingMacro(node, tokens, name);
      return;
    }
    if (
      node.parent?.type === 'expression_statement' &&
      this.isCrateMacro(name, PINNING_MACROS, PINNING_CRATES) &&
      this.pinningMacro(tokens)
    )
      return;
    if (/\.\s*await\b/.test(text) || this.fillsHoles(tokens)) {
      // An `.await` among the arguments, or a call that may fill a hole (`assert_ok!(tx.send(1))`
      // after `let (tx, rx) = channel();`): they are walked as the expressions they are.
      const args = this.file.macroArguments(node, tokens);
      if (args) {
        this.argumentModes.set(args.list.id, args.mode);
        this.walk(args.list);
        return;
      }
      if (/\.\s*await\b/.test(text)) this.macroAwaits.push(node);
    }
    // Format macros and most others take their arguments by reference.
    const reads = READING_MACROS.has(node.childForFieldName('macro')?.text ?? '');
    for (const id of tokens.descendantsOfType('identifier')) {
      if (!id) continue;
      const b = this.lookup(id.text);
      if (!b) continue;
      b.uses.push({ offset: id.startIndex, kind: 'borrow', unconditional: this.cond === b.cond });
      this.noteBorrow(b, reads ? 'shared' : undefined);
    }
  }

  /** Whether a macro's tokens call a method (`x.send(..)`) on a local whose type has holes (see fillHoles). */
  private fillsHoles(tokens: SyntaxNode): boolean {
    if (!/\.\s*\w+\s*\(/.test(tokens.text)) return false;
    return tokens.descendantsOfType('identifier').some((id) => {
      const b = id && id.nextSibling?.text === '.' ? this.lookupQuiet(id.text) : undefined;
      return b?.ty.k === 'ty' && holesIn(b.ty.ty).length > 0;
    });
  }

  /**
   * Whether a macro is one of `names` of one of `crates` (`tokio::join!`, `futures::pin_mut!`):
   * written with the crate's path, or imported from it (a crate's own `join!` is not one).
   */
  private isCrateMacro(name: string, names: ReadonlySet<string>, crates: ReadonlySet<string>): boolean {
    const segments = name.split('::').filter((x) => x !== '');
    if (!names.has(segments[segments.length - 1] ?? '')) return false;
    const full = segments.length > 1 ? segments : this.file.expandPath(this.scope, segments).filter((x) => x !== '::');
    return full.length > 1 && crates.has(full[0]);
  }

  /**
   * `pin!(a, b)` as a statement: each local is moved into a hidden slot of the same scope and its
   * name rebound to a `Pin<&mut T>` of it, so the future holds `T` to the end of the scope and the
   * name is a `Pin<&mut T>` from here. False (nothing done) unless every argument is a local's name.
   */
  private pinningMacro(tokens: SyntaxNode): boolean {
    const args = tokens.namedChildren.filter((c): c is SyntaxNode => c !== null && !c.type.endsWith('comment'));
    const pinned = args.map((id) => (id.type === 'identifier' ? this.lookup(id.text) : undefined));
    if (args.length === 0 || pinned.some((b) => !b) || tokens.text.replace(/[\s(),\w]/g, '') !== '') return false;
    for (const [i, id] of args.entries()) {
      const b = pinned[i]!;
      b.uses.push({ offset: id.startIndex, kind: 'borrow', unconditional: this.cond === b.cond });
      this.noteBorrow(b, 'unique');
      const pin =
        b.ty.k === 'ty'
          ? knownTy('std::pin::Pin', [{ k: 'ref', mut: true, inner: b.ty.ty, text: `&mut ${b.ty.ty.text}` }])
          : undefined;
      this.bind(b.name, pin ? { k: 'ty', ty: pin } : b.ty, id, 'local');
    }
    return true;
  }

  /**
   * `join!(a, b)`, `try_join!`, `select! { .. }`: the macro awaits, so everything live here is held
   * across it. `join!`'s arguments, read as expressions, are each awaited there (all at once: what
   * each holds is held together, as when they are awaited one after the other); tokio's `select!`
   * is read branch by branch (see selectMacro); what futures' `select!` awaits is not read.
   */
  private awaitingMacro(node: SyntaxNode, tokens: SyntaxNode, name: string): void {
    const select = this.isCrateMacro(name, SELECT, TOKIO) ? this.file.selectBranches(node, tokens) : undefined;
    if (select) return this.selectMacro(node, select);
    const args = /(^|::)(try_)?join$/.test(name) ? this.file.macroArguments(node, tokens) : undefined;
    const awaited: { ty: LocalTy; operand: SyntaxNode }[] = [];
    if (args) {
      this.argumentModes.set(args.list.id, args.mode);
      this.walk(args.list);
      for (const arg of args.list.namedChildren)
        if (arg && !arg.type.endsWith('comment')) awaited.push({ ty: this.typeOf(arg), operand: arg });
    } else {
      for (const id of tokens.descendantsOfType('identifier')) {
        const b = id ? this.lookup(id.text) : undefined;
        if (!id || !b) continue;
        b.uses.push({ offset: id.startIndex, kind: 'borrow', unconditional: this.cond === b.cond });
        this.noteBorrow(b, undefined);
      }
      awaited.push({ ty: unknownLocal(`what \`${name}!\` awaits is not analysed`), operand: node });
    }
    for (const { ty, operand } of awaited) this.awaitPoint(node, ty, operand);
  }

  /**
   * `tokio::select!`: the preconditions are read, then every branch's future is made, and all of
   * them are held across the one await point the macro has (as `join!`'s are); then one handler
   * runs, its pattern bound to what its future gives (the futures are dropped by then).
   */
  private selectMacro(node: SyntaxNode, branches: SelectBranch[]): void {
    for (const b of branches) if (b.precondition) this.walk(b.precondition);
    const awaited = new Map<SelectBranch, LocalTy>();
    this.withTemps('statement', () => {
      for (const b of branches)
        if (b.future) {
          this.walk(b.future);
          awaited.set(b, this.typeOf(b.future));
        }
      for (const [b, ty] of awaited) this.awaitPoint(node, ty, b.future!);
    });
    this.conditional(() => {
      for (const b of branches) {
        this.frames.push({ bindings: [], cond: this.cond });
        const ty = awaited.get(b);
        const output = ty && this.awaitedOutput(ty, () => unknownLocal('not typed'));
        const typed = new Map<SyntaxNode, LocalTy>();
        const pattern = b.pattern.type === 'match_pattern' ? b.pattern.namedChildren[0] : b.pattern;
        if (output?.k === 'ty' && pattern && matchPattern(pattern, output, 'move', typed, this.fieldOf))
          for (const [id, t] of typed) this.bind(id.text, t, id, 'local');
        else
          for (const id of patternNames(b.pattern))
            this.bind(id.text, unknownLocal(`\`${id.text}\` is bound by a \`select!\` pattern`), id, 'local');
        this.withTemps('statement', () => this.walk(b.handler));
        this.frames.pop();
      }
    });
  }

  /** Records an await point at `node` (an `.await`, or an awaiting macro) of `awaited`: what is live there is held across it. */
  private awaitPoint(node: SyntaxNode, awaited: LocalTy, operand: SyntaxNode): void {
    this.awaits.push({
      node,
      offset: node.endIndex,
      live: this.frames.flatMap((f) => f.bindings),
      temps: this.tempStack.flat(),
      loops: [...this.loops],
      awaited,
      operand,
    });
  }

  /** A use of a local: a move where the value is taken (argument, `let`, return), else a borrow. */
  private use(node: SyntaxNode): void {
    const p = node.parent;
    // `let _ = x;` reads nothing: no move, no borrow (and a closure does not capture `x` for it).
    if (
      p?.type === 'let_declaration' &&
      p.childForFieldName('value')?.id === node.id &&
      p.childForFieldName('pattern')?.text === '_'
    )
      return;
    const b = this.lookup(node.text);
    if (!b) return;
    let kind: Use['kind'] = 'borrow';
    const taken = p ? this.argumentModes.get(p.id) : undefined;
    if (taken) kind = taken;
    else if (p) {
      switch (p.type) {
        case 'arguments':
        case 'return_expression':
        case 'await_expression':
        case 'array_expression':
        case 'tuple_expression':
        case 'field_initializer':
        case 'shorthand_field_initializer':
          kind = 'move';
          break;
        case 'let_declaration':
          if (p.childForFieldName('value')?.id === node.id) kind = 'move';
          break;
        case 'assignment_expression':
          if (p.childForFieldName('right')?.id === node.id) kind = 'move';
          break;
        case 'field_expression': {
          const call = p.parent;
          if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id) {
            const method = p.childForFieldName('field')?.text ?? '';
            if (this.receiverMode(b.ty, method) === 'value') kind = 'move';
          } else if (p.childForFieldName('value')?.id === node.id) {
            const read = fieldRead(p);
            // A comparison borrows its operands, unless they are primitives compared in place.
            const field = p.childForFieldName('field')?.text ?? '';
            if (!readsInPlace(b.ty, field)) break; // `deref(&x)` borrows `x`
            if (read?.compared) {
              const t = this.typeOf(read.outer);
              if (t.k === 'ty' && t.ty.k === 'plain' && PRIMITIVES.has(t.ty.text)) kind = 'read';
            } else if (read) kind = 'read';
          }
          break;
        }
      }
    }
    // Calling a parameter bounded by `FnOnce` moves it; by `FnMut`, `Fn` borrows it `&mut`, `&`.
    const called = p?.type === 'call_expression' && p.childForFieldName('function')?.id === node.id;
    const calledAs = called ? fnBoundTrait(this.paramBounds(b) ?? []) : undefined;
    if (calledAs === 'FnOnce') kind = 'move';
    b.uses.push({ offset: node.startIndex, kind, unconditional: b.walk === this && this.cond === b.cond });
    if (kind !== 'move')
      this.noteBorrow(
        b,
        kind === 'read' ? 'shared' : calledAs ? (calledAs === 'Fn' ? 'shared' : 'unique') : this.borrowOf(node),
      );
  }

  /** Records how a use borrows a captured binding (`undefined`: not told). */
  private noteBorrow(b: Binding, borrow: 'shared' | 'unique' | undefined): void {
    if (b.walk === this) return;
    let entry = this.captureBorrows.get(b);
    if (!entry) this.captureBorrows.set(b, (entry = { unique: false, untold: false }));
    if (borrow === 'unique') entry.unique = true;
    else if (borrow === undefined) entry.untold = true;
  }

  /**
   * Whether a local used in place is borrowed `&` or `&mut`: through its fields and indexes to
   * what is done with the place (assigned, `&mut`-referenced, a method's receiver); `undefined`
   * where that is not told without a type checker.
   */
  private borrowOf(node: SyntaxNode): 'shared' | 'unique' | undefined {
    let place = node;
    for (;;) {
      const p = place.parent;
      if (p?.type === 'field_expression' && p.childForFieldName('value')?.id === place.id) {
        const call = p.parent;
        if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id)
          return this.receiverBorrow(place, p.childForFieldName('field')?.text ?? '');
        place = p;
      } else if (p?.type === 'index_expression' && p.namedChildren[0]?.id === place.id) place = p;
      // `*x = ..` goes through `DerefMut`, `*x + 1` through `Deref`: the borrow of `x` is the place's.
      else if (p?.type === 'unary_expression' && p.text.startsWith('*')) place = p;
      else break;
    }
    const p = place.parent;
    switch (p?.type) {
      case 'assignment_expression':
      case 'compound_assignment_expr':
        return p.childForFieldName('left')?.id === place.id ? 'unique' : 'shared';
      case 'reference_expression':
        return p.children.some((c) => c?.type === 'mutable_specifier') ? 'unique' : 'shared';
      case 'binary_expression':
        return 'shared';
      case 'index_expression':
        return 'shared'; // the index, not the indexed
      default:
        return undefined;
    }
  }

  /** How a method call borrows its receiver: the project's method's `self`, or std's by name. */
  private receiverBorrow(recv: SyntaxNode, method: string): 'shared' | 'unique' | undefined {
    const t = this.typeOf(recv);
    if (t.k !== 'ty') return undefined;
    let ty = t.ty;
    for (let i = 0; i < 4; i++) {
      // No method reaches `&mut` through a shared reference or a shared pointer.
      if (ty.k === 'ref' && !ty.mut) return 'shared';
      ty = derefAll(ty);
      if (ty.k === 'known' && /^std::(sync::Arc|rc::Rc)$/.test(ty.known.path)) return 'shared';
      const own = this.file.methodOf(ty, method);
      if (own) {
        const selfParam = own.node
          .childForFieldName('parameters')
          ?.namedChildren.find((c) => c?.type === 'self_parameter');
        if (!selfParam?.text.includes('&')) return undefined;
        return /&\s*('\w+\s+)?mut\b/.test(selfParam.text) ? 'unique' : 'shared';
      }
      if (ty.k === 'known' && STD_SHARED_METHODS.has(method)) return 'shared';
      if (ty.k === 'known' && STD_UNIQUE_METHODS.has(method)) return 'unique';
      const next = this.derefStep(ty);
      if (!next) break;
      ty = next;
    }
    return undefined;
  }

  private receiverMode(recv: LocalTy, method: string): ReceiverMode {
    if (consumesReceiver(method)) return 'value';
    if (recv.k === 'ty') {
      let t = derefAll(recv.ty);
      for (let i = 0; i < 4; i++) {
        const std = stdMethod(t, method);
        if (std) return std.receiver;
        const own = this.file.methodOf(t, method);
        if (own) return own.selfMode ?? 'ref';
        const next = this.derefStep(t);
        if (next) t = next;
        else break;
      }
    }
    return 'ref';
  }

  /** What method lookup auto-derefs `t` to: a std smart pointer's or guard's target, or a `Deref` impl's of the project. */
  /** Whether a type `t` derefs to (through up to four steps) has an inherent method `method`. */
  private inherentBeyond(t: Ty, method: string): boolean {
    let next = this.derefStep(t);
    for (let i = 0; i < 4 && next; i++, next = this.derefStep(next))
      if (stdMethod(next, method) || this.file.methodOf(next, method)) return true;
    return false;
  }

  private derefStep(t: Ty): Ty | undefined {
    if (t.k === 'known') return DEREF_PATHS.has(t.known.path) && t.args[0] ? derefAll(t.args[0]) : undefined;
    if (t.k === 'adt') {
      const target = this.file.crate ? this.file.crate.derefTarget(t) : this.file.ownDerefTarget(t);
      return target ? derefAll(target) : undefined;
    }
    return undefined;
  }

  /** Whether a call's value is kept as a temporary to the end of its statement (borrowed, not moved). */
  private isTemp(node: SyntaxNode): boolean {
    const p = node.parent;
    if (!p) return false;
    switch (p.type) {
      case 'field_expression': {
        if (p.childForFieldName('value')?.id !== node.id) return false;
        const call = p.parent;
        if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id)
          return this.receiverMode(this.typeOf(node), p.childForFieldName('field')?.text ?? '') === 'ref';
        return true;
      }
      case 'reference_expression':
      case 'index_expression':
        return true;
      case 'unary_expression':
        return p.text.startsWith('*');
      default:
        return false;
    }
  }

  private maybeTemp(node: SyntaxNode): void {
    if (this.isTemp(node) && !this.promoted(node)) this.pushTemp(this.typeOf(node), node, true);
  }

  /**
   * Whether `&expr` is promoted to a constant (no temporary at all): literals, `ptr::null()`,
   * `ptr::null_mut()` (`#[rustc_promotable]`), and struct or tuple expressions of those whose type
   * has no `Drop` impl and no interior mutability.
   */
  private promoted(node: SyntaxNode): boolean {
    if (node.parent?.type !== 'reference_expression') return false;
    return this.promotable(node);
  }

  private promotable(node: SyntaxNode): boolean {
    switch (node.type) {
      case 'integer_literal':
      case 'float_literal':
      case 'boolean_literal':
      case 'char_literal':
      case 'string_literal':
      case 'unit_expression':
        return true;
      case 'parenthesized_expression':
      case 'tuple_expression':
      case 'array_expression':
        return node.namedChildren.every((c) => !c || c.type.endsWith('comment') || this.promotable(c));
      case 'call_expression':
        return nullPointer(this.file, this.scope, node) !== undefined;
      case 'struct_expression': {
        const t = this.typeOf(node);
        if (t.k !== 'ty' || t.ty.k !== 'adt' || !this.file.plainData(t.ty.def.name)) return false;
        const body = node.childForFieldName('body');
        return (body?.namedChildren ?? []).every((f) => {
          if (!f || f.type.endsWith('comment')) return true;
          const v = f.type === 'field_initializer' ? f.childForFieldName('value') : null;
          return v !== null && this.promotable(v);
        });
      }
      default:
        return false;
    }
  }

  /**
   * `TcpStream::from(socket)`, `Config::default()`: `From::from` and `Default::default` give the
   * type they are called on (its own inherent fn of the name, looked up before, aside). Only for a
   * type whose parameters are all told, by a turbofish or by having none: `Vec::default()` alone
   * leaves the element to inference.
   */
  private madeBySelf(segments: string[], ownerType: Ty | undefined): Ty | undefined {
    const name = segments[segments.length - 1];
    if (segments.length < 2 || (name !== 'from' && name !== 'default')) return undefined;
    const ty = ownerType ?? this.resolver.lowerTypePath(this.scope, segments.slice(0, -1));
    if (ty.k === 'known') return ty.args.length === ty.known.params.length ? ty : undefined;
    if (ty.k === 'adt') return [...ty.args.values()].some((a) => a.k === 'unknown') ? undefined : ty;
    return undefined;
  }

  /**
   * `Type::from(x)` / `Type::try_from(x)` of a type of the project (`NetlinkMessage::from(msg)`):
   * `Self` of the one impl whose argument `x`'s type fits, with the impl's parameters that binds
   * (`impl<T> From<T> for NetlinkMessage<T>`: `NetlinkMessage<RtnlMessage>`); `try_from` gives a
   * `Result` of it and the impl's `Error`. Besides the impls written, std's own: `From<T> for T`,
   * and `TryFrom` wherever `From` is, with the error `Infallible`. Undefined unless exactly one
   * fits and none may (one written by a macro, an argument not known, an unsuffixed number).
   */
  private conversion(segments: string[], args: SyntaxNode[]): Ty | undefined {
    const method = segments[segments.length - 1];
    if ((method !== 'from' && method !== 'try_from') || segments.length < 2 || args.length !== 1) return undefined;
    if (/^(integer|float)_literal$/.test(args[0].type) && !/[iuf](8|16|32|64|128|size)$/.test(args[0].text))
      return undefined;
    const given = this.typeOf(args[0]);
    if (given.k !== 'ty' || given.ty.k === 'unknown') return undefined;
    if (segments.length === 2 && method === 'try_from' && PRIMITIVES.has(segments[0]))
      return integerTryFrom(segments[0], given.ty);
    const item = this.resolver.resolvePath(this.scope, segments.slice(0, -1));
    if (item.kind !== 'type') return undefined;
    const fallible = method === 'try_from';
    const from = this.file.conversionImpls(item.def, 'From');
    const tryFrom = fallible ? this.file.conversionImpls(item.def, 'TryFrom') : [];
    if (!from || !tryFrom) return undefined;
    const infallible = fallible ? knownTy('std::convert::Infallible', []) : undefined;
    const found: { self: Ty; error?: Ty }[] = [];
    // `From<T> for T`: only a value of the type itself fits (a caller's parameter is not known to be it).
    if (given.ty.k === 'adt' && given.ty.def === item.def) found.push({ self: given.ty, error: infallible });
    else if (!shaped(given.ty) && given.ty.k !== 'param') return undefined;
    for (const impl of [...from, ...tryFrom]) {
      const fit = this.conversionImpl(impl, given.ty, fallible && tryFrom.includes(impl));
      if (fit === 'maybe') return undefined;
      if (fit !== 'no') found.push(fit.error || !fallible ? fit : { self: fit.self, error: infallible });
    }
    if (found.length !== 1) return undefined;
    const [{ self, error }] = found;
    if (!fallible) return self;
    return error && knownTy('std::result::Result', [self, error]);
  }

  /**
   * How one `From` or `TryFrom` impl fits an argument of type `given` (see fitImpl): its `Self`
   * (and `Error`, for `TryFrom`) with the parameters bound, 'maybe' where one is left unbound.
   */
  private conversionImpl(impl: ImplDef, given: Ty, tryFrom: boolean): { self: Ty; error?: Ty } | Exclude<Fit, 'yes'> {
    const written = impl.traitNode
      .childForFieldName('type_arguments')
      ?.namedChildren.find((c) => c !== null && c.type !== 'lifetime');
    if (!written) return 'maybe';
    const env = paramEnv(impl.generics, impl.scope);
    const params = new Set(env.keys());
    const self = this.resolver.lowerType(impl.typeNode, impl.scope, env);
    const bound = new Map<string, Ty>();
    const fit = fitImpl(this.resolver.lowerType(written, impl.scope, env, self), given, params, bound);
    if (fit !== 'yes') return fit;
    const errorNode = tryFrom
      ? impl.node
          .childForFieldName('body')
          ?.namedChildren.find((c) => c?.type === 'type_item' && c.childForFieldName('name')?.text === 'Error')
          ?.childForFieldName('type')
      : undefined;
    if (tryFrom && !errorNode) return 'maybe';
    const error = errorNode ? this.resolver.lowerType(errorNode, impl.scope, env, self) : undefined;
    const unbound = (t: Ty) => paramNames(t).some((n) => params.has(n) && !bound.has(n));
    if (unbound(self) || (error && unbound(error))) return 'maybe';
    return { self: replaceParams(self, bound), error: error && replaceParams(error, bound) };
  }

  /** A call whose argument must be `Send`: records what is passed and whether it is. */
  private requirement(call: SyntaxNode): void {
    const fnNode = call.childForFieldName('function');
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (c): c is SyntaxNode => c !== null && !c.type.endsWith('comment'),
    );
    if (!fnNode || args.length === 0) return;
    const pathNode = fnNode.type === 'generic_function' ? fnNode.childForFieldName('function') : fnNode;
    if (pathNode?.type === 'field_expression') return this.methodRequirement(call, pathNode, args);
    if (!pathNode || (pathNode.type !== 'identifier' && pathNode.type !== 'scoped_identifier')) return;
    const segments = pathSegments(pathNode);
    let indices: number[] = [];
    const own = this.file.fnForPath(segments, this.fn.self, this.scope);
    if (own) indices = own.sendParams;
    else {
      const full = this.file.expandPath(this.scope, segments).join('::');
      if (SPAWN_PATHS.has(full) || SPAWN_PATHS.has(full.replace(/^::/, ''))) indices = [0];
    }
    for (const i of indices) {
      const arg = args[i];
      if (!arg) continue;
      const r = this.requirementOf(arg);
      if (!r) continue;
      this.file.requirements.push({
        range: rangeOf(call),
        callee: oneLine(pathNode.text),
        argText: oneLine(arg.text),
        ...r,
      });
    }
  }

  /** `handle.spawn(fut)`: a method of the crate's or a dependency's type with a parameter bounded by `Send`. */
  private methodRequirement(call: SyntaxNode, callee: SyntaxNode, args: SyntaxNode[]): void {
    const recvNode = callee.childForFieldName('value');
    const method = callee.childForFieldName('field')?.text;
    if (!recvNode || !method) return;
    const recv = this.typeOf(recvNode);
    if (recv.k !== 'ty') return;
    let t = derefAll(recv.ty);
    // Through `Arc<Handle>`, `Box<Runtime>` (or a `Deref` of the crate) to the type that has the method.
    let info = this.file.methodOf(t, method);
    for (let i = 0; i < 4 && !info; i++) {
      const next = this.derefStep(t);
      if (!next) break;
      t = next;
      info = this.file.methodOf(t, method);
    }
    for (const i of info?.sendParams ?? []) {
      const arg = args[i];
      const r = arg ? this.requirementOf(arg) : undefined;
      if (!arg || !r) continue;
      this.file.requirements.push({
        range: rangeOf(call),
        callee: `${oneLine(recvNode.text)}.${method}`,
        argText: oneLine(arg.text),
        ...r,
      });
    }
  }

  /** Whether `call` is a field's value in `Type { .. }` (or `Self { .. }`) of a type with a manual `unsafe impl Send` or `Sync`. */
  private storedInManualImpl(call: SyntaxNode): boolean {
    const field = call.parent;
    const literal = field?.type === 'field_initializer' ? field.parent?.parent : undefined;
    if (literal?.type === 'struct_expression') return this.manualImplLiteral(literal);
    // A tuple struct's constructor (async-std's `Lock(Arc::new(LockState { .. }))`).
    const constructor = field?.type === 'arguments' ? field.parent?.childForFieldName('function') : undefined;
    if (constructor && /^(?:identifier|scoped_identifier)$/.test(constructor.type))
      return this.manualImplNamed(constructor);
    // Or through a local first (crossbeam-deque's `let inner = Arc::new(..); Worker { inner, .. }`).
    const decl = field?.type === 'let_declaration' ? field : undefined;
    const local = decl?.childForFieldName('pattern');
    if (!decl || local?.type !== 'identifier') return false;
    const body = this.fn.node.childForFieldName('body');
    return (body?.descendantsOfType('struct_expression') ?? []).some(
      (l) =>
        l !== null &&
        l.startIndex > decl.endIndex &&
        hasWord(l.childForFieldName('body')?.text ?? '', local.text) &&
        this.manualImplLiteral(l),
    );
  }

  /** Whether a struct literal builds a type with a manual `Send` or `Sync` impl. */
  private manualImplLiteral(literal: SyntaxNode): boolean {
    const name = literal.childForFieldName('name');
    return name ? this.manualImplNamed(name) : false;
  }

  /** Whether a path (`Lock`, `Self`, `a::Lock`) names a type with a manual `Send` or `Sync` impl. */
  private manualImplNamed(name: SyntaxNode): boolean {
    let def: TypeDef | undefined;
    if (name.text === 'Self') def = this.fn.self?.k === 'adt' ? this.fn.self.def : undefined;
    else {
      const item = this.resolver.resolvePath(this.scope, pathSegments(name));
      def = item.kind === 'type' ? item.def : undefined;
    }
    return def !== undefined && this.file.solution.manualImpls.some((m) => m.def === def && !m.negative);
  }

  /** Records `Arc::new(x)` with the type of `x`, when known (for arc-not-sync). */
  private arcNew(call: SyntaxNode): void {
    const fnNode = call.childForFieldName('function');
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (c): c is SyntaxNode => c !== null && !c.type.endsWith('comment'),
    );
    if (fnNode?.type !== 'scoped_identifier' || args.length !== 1 || fnNode.childForFieldName('name')?.text !== 'new')
      return;
    const owner = this.resolver.resolvePath(this.scope, pathSegments(fnNode).slice(0, -1));
    if (owner.kind !== 'known' || owner.known.path !== 'std::sync::Arc') return;
    // An `Arc` turned into a raw pointer in the same function is an ownership device for unsafe
    // sharing (event-listener's `Arc::into_raw(Arc::new(Inner {..}))`), not a thread-safe handle.
    const body = this.fn.node.childForFieldName('body')?.text ?? '';
    if (/\bArc::(into_raw|as_ptr)\b/.test(body)) return;
    // Nor is one stored in a type made `Send` or `Sync` by hand (crossbeam-epoch's `Collector {
    // global: Arc::new(Global::new()) }` beside `unsafe impl Sync for Collector`): that impl does
    // send it to other threads, and an `Rc` there would be unsound.
    if (this.storedInManualImpl(call)) return;
    const t = this.typeOf(args[0]);
    if (t.k !== 'ty') return;
    this.file.arcs.push({
      range: rangeOf(call),
      ty: t.ty.text,
      send: this.valueOf(t, 'Send'),
      sync: this.valueOf(t, 'Sync'),
    });
  }

  private requirementOf(
    arg: SyntaxNode,
  ): { kind: 'future' | 'value'; status: Status; reasons: string[]; held: HeldValue[] } | undefined {
    if (arg.type === 'closure_expression' && !arg.children.some((c) => c?.type === 'async')) {
      const walk = this.closureValues.get(arg.id);
      if (!walk) return undefined;
      const parts = walk.captureParts('the closure');
      const v = combine(parts);
      return { kind: 'value', status: v.status, reasons: v.reasons, held: v.held };
    }
    const t = this.typeOf(arg);
    if (t.k === 'future') {
      const { value: generic, report } = this.file.futureValue(t.node);
      const value = this.instantiate(generic, t);
      // A future of another file: its reasons name that file; its held values are not linked here.
      const where = this.file.elsewhere(t.node);
      return {
        kind: 'future',
        status: value.status,
        reasons: (report?.send.reasons ?? []).map((r) => (where ? `in \`${where}\`, ${r}` : r)),
        held: where ? [] : (report?.held ?? []),
      };
    }
    if (t.k === 'ty') {
      const v = this.file.solution.holds(t.ty, 'Send');
      return {
        kind: 'value',
        status: v.status,
        reasons: v.reasons.map((c) => `\`${oneLine(arg.text)}: ${t.ty.text}\`: ${renderChain(c, true)}`),
        held: [],
      };
    }
    return undefined;
  }

  /** The type of an expression, as far as annotations, constructors and signatures tell. */
  typeOf(node: SyntaxNode): LocalTy {
    if (this.depth >= MAX_NESTING) {
      this.tooDeep ??= node;
      return unknownLocal(`\`${oneLine(node.text).slice(0, 40)}\` nests too deep to be read`);
    }
    this.depth++;
    try {
      return this.typeOfNode(node);
    } finally {
      this.depth--;
    }
  }

  private typeOfNode(node: SyntaxNode): LocalTy {
    const notTyped = () => unknownLocal(`the type of \`${oneLine(node.text)}\` is not known without a type checker`);
    switch (node.type) {
      case 'parenthesized_expression':
        return node.namedChildren[0] ? this.typeOf(node.namedChildren[0]) : notTyped();
      case 'identifier':
      case 'self': {
        const b = this.lookupQuiet(node.text);
        if (b) return b.ty;
        const st = node.type === 'identifier' ? this.file.staticType(node.text) : undefined;
        if (st) return { k: 'ty', ty: this.resolver.lowerType(st, this.fn.scope, new Map()) };
        // A unit struct of the crate by its name (`let mut b = Bytes;`).
        if (node.type === 'identifier' && /^[A-Z]/.test(node.text)) {
          const item = this.resolver.resolvePath(this.scope, [node.text]);
          const unit =
            item.kind === 'type' && item.def.node.type === 'struct_item' && !item.def.node.childForFieldName('body');
          if (unit && item.def.generics.params.length === 0)
            return { k: 'ty', ty: { k: 'adt', def: item.def, args: new Map(), text: item.def.name } };
        }
        return notTyped();
      }
      case 'integer_literal':
        return plain(/[iu](8|16|32|64|128|size)$/.exec(node.text)?.[0] ?? 'i32');
      case 'float_literal':
        return plain(/f(32|64)$/.exec(node.text)?.[0] ?? 'f64');
      case 'boolean_literal':
        return plain('bool');
      case 'char_literal':
        return plain('char');
      case 'string_literal':
      case 'raw_string_literal':
        return plain('&str');
      case 'unit_expression':
        return plain('()');
      case 'type_cast_expression': {
        // `x as usize`: the type written, unless it leaves a part to inference (`as *const _`).
        const type = node.childForFieldName('type');
        if (!type || /(^|[^\w])_([^\w]|$)/.test(type.text)) return notTyped();
        return { k: 'ty', ty: this.resolver.lowerType(type, this.scope, this.fn.env, this.fn.self) };
      }
      case 'range_expression': {
        // `0..10`, `1..=n`, `5..`: a std range of its start's number type (what `stream::iter(0..10)`
        // iterates); other ranges are taken as plain ones, of numbers.
        const op = node.children.find((c) => c?.type === '..' || c?.type === '..=');
        const start = node.namedChildren[0];
        const first = start && op && start.startIndex < op.startIndex ? this.typeOf(start) : undefined;
        const bounded =
          node.namedChildren.length === 2 ? (op?.type === '..=' ? 'RangeInclusive' : 'Range') : 'RangeFrom';
        const range =
          first?.k === 'ty' && first.ty.k === 'plain' && /^[iu](8|16|32|64|128|size)$/.test(first.ty.text)
            ? knownTy(`std::ops::${bounded}`, [first.ty])
            : undefined;
        return range ? { k: 'ty', ty: range } : plain('Range');
      }
      case 'scoped_identifier':
        // `ChunkedState::Size`: a unit variant of a non-generic enum is that enum.
        return this.enumOfVariant(pathSegments(node)) ?? notTyped();
      case 'index_expression': {
        // `buf[..n]`, `v[0]`, `b"abc"[..]`: a slice of a slice, an array or a `Vec`, or an element.
        const [object, index] = node.namedChildren.filter((c): c is SyntaxNode => c !== null);
        const t = object ? this.typeOf(object) : notTyped();
        if (t.k !== 'ty' || !index) return notTyped();
        const base = derefAll(t.ty);
        const ranged = index.type === 'range_expression';
        if (base.k === 'plain' && /^&?str$/.test(base.text.replace(/\s+/g, '')))
          return ranged ? plain('str') : notTyped();
        const elem =
          base.k === 'seq'
            ? base.inner
            : base.k === 'known' && base.known.path === 'std::vec::Vec'
              ? base.args[0]
              : undefined;
        if (!elem) return notTyped();
        return { k: 'ty', ty: ranged ? { k: 'seq', inner: elem, text: `[${elem.text}]` } : elem };
      }
      case 'array_expression': {
        // `[0u8; 4]`, `[a, b]`: every element has the first one's type.
        const first = node.namedChildren.find((c) => c !== null && !c.type.endsWith('comment'));
        const elem = first ? this.typeOf(first) : notTyped();
        if (elem.k !== 'ty') return elem.k === 'unknown' ? elem : notTyped();
        return { k: 'ty', ty: { k: 'seq', inner: elem.ty, text: `[${elem.ty.text}]` } };
      }
      case 'tuple_expression': {
        const elems: Ty[] = [];
        for (const c of node.namedChildren) {
          if (!c || c.type.endsWith('comment') || c.type === 'attribute_item') continue;
          const t = this.typeOf(c);
          if (t.k !== 'ty') return t.k === 'unknown' ? t : notTyped();
          elems.push(t.ty);
        }
        return { k: 'ty', ty: { k: 'tuple', elems, text: `(${elems.map((e) => e.text).join(', ')})` } };
      }
      case 'reference_expression': {
        const inner = node.childForFieldName('value');
        const t = inner ? this.typeOf(inner) : notTyped();
        const mut = node.children.some((c) => c?.type === 'mutable_specifier');
        // `&closure`, `&fut` are `Send` when the closure or future is `Sync`, which is not read
        // (`&mut fut` is `Send` when the future is).
        if (t.k === 'closure' || (t.k === 'future' && !mut))
          return unknownLocal(
            `\`${oneLine(node.text)}\` is \`Send\` only if what it borrows is \`Sync\`, which is not read`,
          );
        if (t.k !== 'ty') return t;
        return { k: 'ty', ty: { k: 'ref', mut, inner: t.ty, text: `&${mut ? 'mut ' : ''}${t.ty.text}` } };
      }
      case 'unary_expression': {
        const inner = node.namedChildren[0];
        const t = inner ? this.typeOf(inner) : notTyped();
        if (!node.text.startsWith('*')) return t;
        if (t.k !== 'ty') return t;
        if (t.ty.k === 'ref') return { k: 'ty', ty: t.ty.inner };
        if (t.ty.k === 'known' && DEREF_PATHS.has(t.ty.known.path) && t.ty.args[0])
          return { k: 'ty', ty: t.ty.args[0] };
        // `Vec<T>` derefs to `[T]` (`for entry in &**frames`), `String` to `str`; a type of the
        // project to its `Deref` impl's `Target`.
        const target = derefOwned(t.ty) ?? (t.ty.k === 'adt' ? this.derefStep(t.ty) : undefined);
        return target ? { k: 'ty', ty: target } : notTyped();
      }
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.text ?? '';
        if (['==', '!=', '<', '>', '<=', '>=', '&&', '||'].includes(op)) return plain('bool');
        // Arithmetic on a number is that number's type (`n + 1`, `len * 2`).
        const left = node.childForFieldName('left');
        const lt =
          left && ['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>'].includes(op) ? this.typeOf(left) : undefined;
        if (lt?.k === 'ty' && lt.ty.k === 'plain' && /^([iu](8|16|32|64|128|size)|f32|f64)$/.test(lt.ty.text))
          return lt;
        const right = node.childForFieldName('right');
        const rt = right ? this.typeOf(right) : undefined;
        const time = lt?.k === 'ty' ? timeArithmetic(lt.ty, op, rt?.k === 'ty' ? rt.ty : undefined) : undefined;
        return time ? { k: 'ty', ty: time } : notTyped();
      }
      case 'try_expression': {
        const inner = node.namedChildren[0];
        const t = inner ? this.typeOf(inner) : notTyped();
        if (t.k === 'ty' && t.ty.k === 'known' && /::(Result|Option)$/.test(t.ty.known.path) && t.ty.args[0])
          return { k: 'ty', ty: t.ty.args[0] };
        return t.k === 'unknown' ? t : notTyped();
      }
      case 'await_expression': {
        const inner = node.namedChildren[0];
        // A parameter known by its bound (`f: impl Future<Output = T>`, `F: Future<Output = u8>`).
        const bound = inner?.type === 'identifier' ? this.boundOutput(this.lookupQuiet(inner.text)) : undefined;
        if (bound) return { k: 'ty', ty: bound };
        return this.awaitedOutput(inner ? this.typeOf(inner) : notTyped(), notTyped);
      }
      case 'async_block':
        return { k: 'future', node };
      case 'closure_expression':
        return this.closures.get(node.id) ?? notTyped();
      case 'block': {
        // `{ let guard = m.lock().unwrap(); guard.len() }`: the tail's type, with the block's own
        // `let`s typed in order (a scope of their own, for this question alone).
        const items = node.namedChildren.filter((c): c is SyntaxNode => c !== null && !c.type.endsWith('comment'));
        let tail = items[items.length - 1];
        // A block-like tail parses as a statement: `match x { .. }` without a `;`.
        if (tail?.type === 'expression_statement' && !tail.text.trimEnd().endsWith(';') && tail.namedChildren[0])
          tail = tail.namedChildren[0];
        if (!tail || tail.type === 'let_declaration' || tail.type.endsWith('_statement') || tail.type.endsWith('_item'))
          return notTyped();
        const frame = { bindings: [] as Binding[], cond: this.cond };
        this.frames.push(frame);
        try {
          for (const item of items.slice(0, -1)) {
            if (item.type !== 'let_declaration') continue;
            const pattern = item.childForFieldName('pattern');
            const typeNode = item.childForFieldName('type');
            const value = item.childForFieldName('value');
            const name =
              pattern?.type === 'identifier' ? pattern : pattern?.namedChildren.find((c) => c?.type === 'identifier');
            if (!pattern || !name || (pattern.type !== 'identifier' && pattern.type !== 'mut_pattern'))
              return notTyped();
            const ty: LocalTy = typeNode
              ? { k: 'ty', ty: this.resolver.lowerType(typeNode, this.scope, this.fn.env, this.fn.self) }
              : value
                ? this.typeOf(value)
                : notTyped();
            frame.bindings.push({
              name: name.text,
              ty,
              decl: name,
              kind: 'local',
              uses: [],
              cond: this.cond,
              walk: this,
            });
          }
          return this.typeOf(tail);
        } finally {
          this.frames.pop();
        }
      }
      case 'if_expression': {
        // `if replace { NLM_F_REPLACE } else { NLM_F_EXCL }`: the type all branches agree on (one
        // that returns or panics gives none); without `else`, none. An `if let`'s branches may name
        // what its pattern binds, which is not bound while this is asked: they are typed only
        // where no local of the same name is in scope here (which the name would read instead);
        // what depends on those names is then not typed (`if let Some(v) = db.get(k) {
        // Frame::Bulk(v) } else { Frame::Null }` is a `Frame` whatever `v` is).
        if (!this.letNamesUnshadowed(node.childForFieldName('condition'))) return notTyped();
        const branches: SyntaxNode[] = [];
        for (let at: SyntaxNode | null = node; at?.type === 'if_expression';) {
          const consequence = at.childForFieldName('consequence');
          const alternative: SyntaxNode | null =
            at.childForFieldName('alternative')?.namedChildren.find((c) => c !== null) ?? null;
          if (!consequence || !alternative) return notTyped();
          branches.push(consequence);
          if (alternative.type !== 'if_expression') {
            branches.push(alternative);
            break;
          }
          if (!this.letNamesUnshadowed(alternative.childForFieldName('condition'))) return notTyped();
          at = alternative;
        }
        let found: Ty | undefined;
        for (const branch of branches) {
          if (diverges(branch)) continue;
          const t = this.typeOf(branch);
          if (t.k !== 'ty') return t.k === 'unknown' ? t : notTyped();
          if (found !== undefined && found.text !== t.ty.text) return notTyped();
          found ??= t.ty;
        }
        return found ? { k: 'ty', ty: found } : notTyped();
      }
      case 'match_expression': {
        // `match r.await { Ok(n) => n, Err(_) => return }`: the type the arms that give a value
        // agree on, each a name its own pattern binds or a literal (an unsuffixed number fits any).
        const value = node.childForFieldName('value');
        const matched = value ? this.typeOf(value) : notTyped();
        let found: Ty | undefined;
        let loose = false;
        // A `None` arm fits whatever `Option` the others give (`Shared(r) => Some(r), _ => None`).
        let none = false;
        for (const arm of node.childForFieldName('body')?.namedChildren ?? []) {
          if (arm?.type !== 'match_arm') continue;
          const result = arm.childForFieldName('value');
          if (!result) return notTyped();
          if (diverges(result)) continue;
          if (result.type === 'identifier' && result.text === 'None') {
            none = true;
            continue;
          }
          let t: LocalTy;
          if (result.type === 'identifier') {
            const pat = arm.childForFieldName('pattern');
            const inner = pat?.namedChildren.find((c) => c !== null && c.id !== pat.childForFieldName('condition')?.id);
            const typed = new Map<SyntaxNode, LocalTy>();
            if (!inner || !matchPattern(inner, matched, 'move', typed, this.fieldOf)) return notTyped();
            const bound = [...typed].find(([id]) => id.text === result.text)?.[1];
            if (!bound) return notTyped();
            t = bound;
          } else if (result.type.endsWith('_literal')) t = this.typeOf(result);
          else t = this.armValue(arm, result, matched);
          if (t.k !== 'ty') return notTyped();
          const isLoose = result.type === 'integer_literal' && !/[iu](8|16|32|64|128|size)$/.test(result.text);
          if (found === undefined) {
            found = t.ty;
            loose = isLoose;
          } else if (isLoose && found.k === 'plain') continue;
          else if (loose && t.ty.k === 'plain') {
            found = t.ty;
            loose = false;
          } else if (found.text !== t.ty.text) return notTyped();
        }
        if (none && (found?.k !== 'known' || found.known.path !== 'std::option::Option')) return notTyped();
        return found ? { k: 'ty', ty: found } : notTyped();
      }
      case 'struct_expression':
        return this.structLiteral(node, notTyped);
      case 'field_expression': {
        const value = node.childForFieldName('value');
        const field = node.childForFieldName('field')?.text;
        const t = value ? this.typeOf(value) : notTyped();
        if (t.k !== 'ty' || !field) return t.k === 'unknown' ? t : notTyped();
        // Through references and smart pointers (`guard.entries` of a `MutexGuard<Cache>`).
        let base = derefAll(t.ty);
        for (let i = 0; i < 5; i++) {
          // A struct with no field of that name derefs to what has it (`state.count` of an own
          // `MutexGuard<'_, State>`).
          const has = base.k === 'adt' && (base.def.kind !== 'struct' || base.def.fields.some((f) => f.name === field));
          if (base.k === 'adt' && has && base.def.generics.params.length === 0) {
            const f = this.file.solution.fieldTypes(base.def).find((x) => x.name === field);
            return f ? { k: 'ty', ty: f.ty } : notTyped();
          }
          if (base.k === 'adt' && has) return this.genericField(base, field) ?? notTyped();
          const next = this.derefStep(base);
          if (!next) break;
          base = derefAll(next);
        }
        return notTyped();
      }
      case 'call_expression':
        return this.callType(node, notTyped);
      case 'macro_invocation': {
        const name = node.childForFieldName('macro')?.text;
        if (name === 'format') return { k: 'ty', ty: knownTy('std::string::String', [])! };
        // tokio-test's `assert_ok!(e)`: the value in `e`'s `Ok`.
        if (name === 'assert_ok' || name?.endsWith('::assert_ok')) {
          const tokens = node.namedChildren.find((c) => c?.type === 'token_tree');
          const first = tokens ? this.file.macroArguments(node, tokens)?.list.namedChildren[0] : undefined;
          const t = first ? this.typeOf(first) : undefined;
          const result = t?.k === 'ty' ? ioResultSpelledOut(t.ty) : undefined;
          if (result?.k === 'known' && result.known.path === 'std::result::Result' && result.args[0])
            return { k: 'ty', ty: result.args[0] };
        }
        if (name === 'vec') {
          // `vec![]`: a `Vec` of elements not written, as `Vec::new()` (a later `push` says them).
          const tokens = node.namedChildren.find((c) => c?.type === 'token_tree');
          const empty = tokens && !tokens.namedChildren.some((c) => c !== null && !c.type.endsWith('comment'));
          const none = empty ? elementsNotWritten('std::vec::Vec', node) : undefined;
          if (none) return { k: 'ty', ty: none };
          // `vec![1u8]`, `vec![0u8; n]`: a `Vec` of the first element's literal type.
          const first = tokens?.namedChildren[0];
          const elem = first?.type.endsWith('_literal') ? this.typeOf(first) : undefined;
          const t = elem?.k === 'ty' ? knownTy('std::vec::Vec', [elem.ty]) : undefined;
          if (t) return { k: 'ty', ty: t };
          // `vec![Rc::new(1), Rc::new(2)]`, `vec![Mutex::new(0); n]`, read as the array they
          // are: a `Vec` of its elements' type, when every element is typed alike (one typed
          // otherwise may be coerced, `as Box<dyn Tr>`, and then the first is not the type).
          const list = tokens ? this.file.macroArguments(node, tokens)?.list : undefined;
          if (list?.type === 'array_expression') {
            const elems = list.childForFieldName('length') ? list.namedChildren.slice(0, 1) : list.namedChildren;
            const types = elems.map((e) => (e ? this.typeOf(e) : notTyped()));
            const one = types[0];
            if (one?.k === 'ty' && types.every((x) => x.k === 'ty' && x.ty.text === one.ty.text))
              return { k: 'ty', ty: knownTy('std::vec::Vec', [one.ty])! };
          }
        }
        return notTyped();
      }
      default:
        return notTyped();
    }
  }

  /** A struct's field's type, for patterns (see matchPattern). */
  private readonly fieldOf: FieldOf = (struct, field) => {
    if (struct.def.generics.params.length > 0) {
      const t = this.genericField(struct, field);
      return t?.k === 'ty' ? t.ty : undefined;
    }
    const f = struct.def.fields.find((x) => x.name === field);
    if (!f || f.cfgUndecided) return undefined;
    return this.file.solution.fieldTypes(struct.def).find((x) => x.name === field)?.ty;
  };

  /**
   * The type of `field` of a generic struct, its parameters put in from the value's type
   * (`self.lock_ops` of a `&Mutex<T>`: `Event`; `self.value` of a `Cell<u8>`-holding `Wrap<u8>`:
   * `u8`). Undefined when the value's type leaves one of the parameters the field names unknown.
   */
  private genericField(base: Ty & { k: 'adt' }, field: string): LocalTy | undefined {
    const def = base.def;
    if (def.kind === 'union') return undefined;
    const f = def.fields.find((x) => x.name === field && !x.cfgUndecided);
    if (!f) return undefined;
    const params = def.generics.params.filter((p) => p.kind === 'type').map((p) => p.name);
    const ty = this.resolver.lowerType(f.typeNode, def.scope, new Map(base.args));
    const named = paramNames(ty).filter((n) => params.includes(n) && !base.args.has(n));
    return named.length > 0 || someTy(ty, (t) => t.k === 'unknown') ? undefined : { k: 'ty', ty };
  }

  /** A binding by name without recording a capture (typing is not a use). */
  private lookupQuiet(name: string): Binding | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const bs = this.frames[i].bindings;
      for (let j = bs.length - 1; j >= 0; j--) if (bs[j].name === name) return bs[j];
    }
    return this.outer?.get(name);
  }

  /**
   * The enum a path's last segment is a variant of (`State::Size`, `Self::Size`, `Event::Data(bytes)`).
   * A generic enum's type arguments come from a tuple variant's arguments, as a generic tuple
   * struct's do; a parameter its fields do not bind (a unit variant's, or one only another
   * variant holds) is left to inference, and the value untyped. `Self::..` is the impl's type.
   */
  private enumOfVariant(segments: string[], args?: SyntaxNode[]): LocalTy | undefined {
    if (segments.length < 2) return undefined;
    const self = this.fn.self;
    const ofSelf = segments.length === 2 && segments[0] === 'Self';
    const owner = ofSelf
      ? self?.k === 'adt'
        ? self.def
        : undefined
      : (() => {
          const item = this.resolver.resolvePath(this.scope, segments.slice(0, -1));
          return item.kind === 'type' ? item.def : undefined;
        })();
    if (owner?.kind !== 'enum') return undefined;
    const variants = owner.node.childForFieldName('body')?.namedChildren ?? [];
    const name = segments[segments.length - 1];
    if (!variants.some((v) => v?.type === 'enum_variant' && v.childForFieldName('name')?.text === name))
      return undefined;
    if (ofSelf && self) return { k: 'ty', ty: self };
    if (owner.generics.params.every((p) => p.kind === 'lifetime'))
      return { k: 'ty', ty: { k: 'adt', def: owner, args: new Map(), text: owner.name } };
    const fields = owner.fields.filter((f) => f.name.startsWith(`${name}.`));
    if (!args || fields.some((f) => f.cfgUndecided)) return undefined;
    return this.fromFieldArgs(owner, fields, args);
  }

  private typeByPath(pathNode: SyntaxNode, notTyped: () => LocalTy, args?: SyntaxNode[]): LocalTy {
    const item = this.resolver.resolvePath(this.scope, pathSegments(pathNode));
    // Lifetimes change nothing here (`Inner<'a, T>(&'a Lock<T>)` is typed by its `T`).
    const params = item.kind === 'type' ? item.def.generics.params.filter((p) => p.kind !== 'lifetime') : [];
    if (item.kind === 'type' && params.length === 0)
      return { k: 'ty', ty: { k: 'adt', def: item.def, args: new Map(), text: item.def.name } };
    if (item.kind === 'type' && args && item.def.kind === 'struct')
      return this.fromFieldArgs(item.def, item.def.fields, args) ?? notTyped();
    if (item.kind === 'known' && item.known.params.length === 0) {
      const t = knownTy(item.known.path, []);
      if (t) return { k: 'ty', ty: t };
    }
    return notTyped();
  }

  /**
   * A generic tuple struct or tuple variant built from `args` (`Wrap(x)`, `Event::Data(bytes)`):
   * each type parameter from the argument its field declares it in. Undefined when a parameter
   * is left unbound, or the arguments are not the fields.
   */
  private fromFieldArgs(def: TypeDef, fields: TypeDef['fields'], args: SyntaxNode[]): LocalTy | undefined {
    const params = def.generics.params.filter((p) => p.kind !== 'lifetime');
    const env = new Map<string, Ty>(params.map((p) => [p.name, { k: 'param', name: p.name, text: p.name }]));
    const subst = new Map<string, LocalTy>();
    if (fields.length !== args.length || params.some((p) => p.kind !== 'type')) return undefined;
    fields.forEach((f, i) => {
      const a = this.typeOf(args[i]);
      const declared = this.resolver.lowerType(f.typeNode, def.scope, env);
      if (a.k === 'ty') unify(declared, a.ty, subst);
      // A closure (`CallOnDrop(|| ..)`) binds a parameter that is the field's whole type.
      else if (a.k === 'closure' && declared.k === 'param' && !subst.has(declared.name)) subst.set(declared.name, a);
    });
    const tyArgs = new Map<string, Ty>();
    const closures = new Map<string, LocalTy & { k: 'closure' }>();
    for (const p of params) {
      const a = subst.get(p.name);
      if (a?.k === 'closure') closures.set(p.name, a);
      else if (a?.k !== 'ty') return undefined;
      else tyArgs.set(p.name, a.ty);
    }
    if (closures.size) return this.holdingClosures(def, params, tyArgs, closures);
    const text = `${def.name}<${[...tyArgs.values()].map((t) => t.text).join(', ')}>`;
    return { k: 'ty', ty: { k: 'adt', def, args: tyArgs, text } };
  }

  /**
   * A struct whose type arguments `closures` are closures, the others `tyArgs`: its `Send` is the
   * struct's, with each closure's own `Send` in place of its parameter's (`CallOnDrop<F>` is `Send`
   * when `F` is). Whether it runs code when dropped is known when the struct has a `Drop` impl.
   */
  private holdingClosures(
    def: TypeDef,
    params: TypeDef['generics']['params'],
    tyArgs: Map<string, Ty>,
    closures: Map<string, LocalTy & { k: 'closure' }>,
  ): LocalTy {
    const args = new Map<string, Ty>();
    const stand = new Map<string, LocalTy & { k: 'closure' }>();
    for (const p of params) {
      const closure = closures.get(p.name);
      // A name no Rust parameter has, so that no condition of the enclosing fn's is taken for it.
      const name = `{closure:${p.name}}`;
      if (closure) stand.set(name, closure);
      args.set(p.name, closure ? { k: 'param', name, text: '{closure}' } : tyArgs.get(p.name)!);
    }
    const text = `${def.name}<${[...args.values()].map((t) => t.text).join(', ')}>`;
    const ty: Ty = { k: 'adt', def, args, text };
    const held = this.file.solution.holds(ty, 'Send');
    const parts: Value[] = held.status === 'conditional' ? [] : [held];
    for (const a of held.status === 'conditional' ? held.atoms : []) {
      const closure = stand.get(a.param);
      if (!closure) parts.push({ status: 'conditional', atoms: new AtomSet([a]), reasons: [] });
      else if (a.kind === 'auto' && a.trait === 'Send') parts.push(closure.send);
      else
        parts.push(
          unknownValue(`\`${text}\` is \`Send\` only if \`${renderAtom(a)}\`, which is not read of a closure`),
        );
    }
    // Dropping it runs code when the struct has a `Drop` impl, whatever the closures hold, or
    // when a closure does (each is a field's whole type); it does not when neither does.
    const glue = (closure: Ty) =>
      this.file.dropGlue({
        ...ty,
        args: new Map([...args].map(([n, t]) => [n, t.k === 'param' && stand.has(t.name) ? closure : t])),
      });
    const each = [...closures.values()].map((c) => c.drops);
    const drops =
      glue({ k: 'unknown', text: '_', reason: 'a closure' }) === true || each.includes(true)
        ? true
        : each.every((d) => d === false) && glue({ k: 'plain', text: '()' }) === false
          ? false
          : undefined;
    const [first] = closures.values();
    return { k: 'closure', node: first.node, send: meetValues(parts), text, drops };
  }

  /**
   * `Type { a, b: expr }`, `Self { .. }`, `Enum::Variant { .. }`. A generic type takes each type
   * argument from a field declared as exactly that parameter (`future: F` given a typed `f`);
   * one left unbound (only in `..base`, or in `PhantomData<T>`) leaves the literal untyped, unless
   * no field mentions it.
   */
  private structLiteral(node: SyntaxNode, notTyped: () => LocalTy): LocalTy {
    const name = node.childForFieldName('name');
    if (!name) return notTyped();
    const segments = pathSegments(name);
    // In an impl, `Self` is the impl's type, with the impl's own parameters.
    const self = this.fn.self;
    if (segments[0] === 'Self') {
      const fits =
        self?.k === 'adt' &&
        ((segments.length === 1 && self.def.kind === 'struct') || (segments.length === 2 && self.def.kind === 'enum'));
      return fits ? { k: 'ty', ty: self } : notTyped();
    }
    let def: TypeDef | undefined;
    let variant = '';
    const item = this.resolver.resolvePath(this.scope, segments);
    if (item.kind === 'type' && item.def.kind === 'struct') def = item.def;
    else if (segments.length >= 2) {
      const owner = this.resolver.resolvePath(this.scope, segments.slice(0, -1));
      if (owner.kind === 'type' && owner.def.kind === 'enum') {
        def = owner.def;
        variant = `${segments[segments.length - 1]}.`;
      }
    }
    if (!def) return this.typeByPath(name, notTyped);
    const params = def.generics.params.filter((p) => p.kind === 'type');
    const env = new Map<string, Ty>(params.map((p) => [p.name, { k: 'param', name: p.name, text: p.name }]));
    const bound = new Map<string, Ty>();
    for (const { value, fieldName } of literalFields(node)) {
      const field = def.fields.find((f) => f.name === `${variant}${fieldName}`);
      if (!field) continue;
      const declared = this.resolver.lowerType(field.typeNode, def.scope, env);
      if (declared.k !== 'param') {
        // A parameter inside the field's type (`writer: Inner<'a, T>` given an `Inner<T>`).
        const t = this.typeOf(value);
        const inner = new Map<string, LocalTy>();
        if (t.k === 'ty') unify(declared, t.ty, inner);
        for (const [n, a] of inner) if (a.k === 'ty' && env.has(n) && !bound.has(n)) bound.set(n, a.ty);
        continue;
      }
      if (bound.has(declared.name)) continue;
      // An unsuffixed number takes whatever integer type the parameter is elsewhere.
      if (/^(integer|float)_literal$/.test(value.type) && !/[iuf](8|16|32|64|128|size)$/.test(value.text)) continue;
      const t = this.typeOf(value);
      if (t.k === 'ty') bound.set(declared.name, t.ty);
    }
    const open = params.filter((p) => !bound.has(p.name) && def.fields.some((f) => hasWord(f.typeNode.text, p.name)));
    if (open.length > 0) {
      const expected = this.expectedArgs(node, def, bound);
      if (!expected || open.some((p) => !expected.has(p.name))) return notTyped();
      for (const p of open) bound.set(p.name, expected.get(p.name)!);
    }
    const args = new Map<string, Ty>();
    for (const p of params) {
      const a = bound.get(p.name);
      // A parameter no field mentions (`T` of `Timeout<F, T> where F: Future<Output = T>`) is
      // left to inference: the type's auto traits do not depend on it.
      args.set(
        p.name,
        a ?? { k: 'unknown', text: p.name, reason: `what \`${p.name}\` is in this \`${def.name}\` is not inferred` },
      );
    }
    const text = params.length ? `${def.name}<${[...args.values()].map((t) => t.text).join(', ')}>` : def.name;
    return { k: 'ty', ty: { k: 'adt', def, args, text } };
  }

  /**
   * The type arguments of a generic struct literal that its fields leave open (`T` of `Pending {
   * _marker: PhantomData }`), where the async fn awaits the literal as its result (`Handshake {
   * .. }.await`, or `let fut = Pending { .. }; fut.await`): from the fn's written result, as the
   * `Output` of the type's one `Future` impl. Not where that result could be coerced to (a
   * reference, a trait object). (A `let` that writes the literal's type types the local itself.)
   */
  private expectedArgs(literal: SyntaxNode, def: TypeDef, bound: Map<string, Ty>): Map<string, Ty> | undefined {
    if (!this.awaitedAsResult(literal)) return undefined;
    const params = def.generics.params.filter((p) => p.kind === 'type');
    const open = (name: string): Ty => ({ k: 'param', name: `{open:${name}}`, text: '_' });
    const args = new Map(params.map((p) => [p.name, bound.get(p.name) ?? open(p.name)]));
    const output = this.file.solution.associated({ k: 'adt', def, args, text: def.name }, 'Future', 'Output');
    const ret = this.fn.node.childForFieldName('return_type');
    const expected: Ty = ret
      ? this.resolver.lowerType(ret, this.fn.scope, this.fn.env, this.fn.self)
      : { k: 'plain', text: '()' };
    if (!output || someTy(expected, (t) => /^(ref|ptr|dyn|unknown)$/.test(t.k) || /\bfn\b/.test(t.text)))
      return undefined;
    const out = new Map<string, LocalTy>();
    unify(output, expected, out);
    const found = new Map<string, Ty>();
    for (const p of params) {
      const t = out.get(`{open:${p.name}}`);
      if (t?.k === 'ty' && !someTy(t.ty, (x) => x.k === 'unknown')) found.set(p.name, t.ty);
    }
    return found;
  }

  /**
   * Whether a literal is what the async fn awaits as its result: `Lit { .. }.await` as the body's
   * tail, or bound by `let fut = Lit { .. };` with `fut.await` the tail of the same block.
   */
  private awaitedAsResult(literal: SyntaxNode): boolean {
    const body = this.fn.isAsync ? this.fn.node.childForFieldName('body') : null;
    const tail = body?.namedChildren.filter((c) => c !== null && !c.type.endsWith('comment')).pop();
    if (!body || tail?.type !== 'await_expression') return false;
    const awaited = tail.namedChildren[0];
    if (awaited?.id === literal.id) return true;
    const decl = literal.parent;
    const name = decl?.type === 'let_declaration' ? decl.childForFieldName('pattern') : null;
    return (
      decl?.parent?.id === body.id &&
      name?.type === 'identifier' &&
      awaited?.type === 'identifier' &&
      awaited.text === name.text &&
      !boundAgainLater(decl, name.text, ['let_declaration'])
    );
  }

  /**
   * `poll_fn(closure)` of std, core or a futures crate, or a crate's own `poll_fn(f: F) ->
   * PollFn<F>`: a `PollFn<F>`, `Send` exactly when the closure is. What it gives is not read.
   */
  private pollFn(segments: string[], own: FnInfo | undefined, args: SyntaxNode[]): LocalTy | undefined {
    if (segments[segments.length - 1] !== 'poll_fn' || args.length !== 1) return undefined;
    if (own) {
      if (!this.isPollFn(own)) return undefined;
    } else {
      // Not read: the path must name one of those crates' (`future::poll_fn` after `use futures::future`).
      const full = this.file.expandPath(this.scope, segments).filter((s) => s !== '::');
      if (full.length < 2 || !POLL_FN_CRATES.has(full[0])) return undefined;
    }
    const f = this.typeOf(args[0]);
    return f.k === 'closure' ? { ...f, text: 'PollFn<{closure}>' } : undefined;
  }

  /**
   * `zip(a, b)`, `try_zip(a, b)`, `or(a, b)`, `race(a, b)` of futures-lite's `future` module, and
   * `join`, `try_join`, `select` of futures': a future made of the two, `Send` as its type in the
   * crate's source says (`TryZip<F1, F2>` holds `F1`, `F2` and their outputs), each condition on a
   * parameter answered by the future given for it. Awaited, it gives what JOINED_OUTPUTS says.
   */
  private joinedFutures(info: FnInfo, args: SyntaxNode[], call: SyntaxNode): LocalTy | undefined {
    const shape = JOINED_OUTPUTS[info.name];
    const crate = this.file.crate?.dependencyOf(info.node)?.replace(/-/g, '_');
    const ret = info.node.childForFieldName('return_type');
    if (!shape || args.length !== 2 || info.isAsync || !ret || ret.type === 'abstract_type') return undefined;
    if (!crate || !shape.crates.includes(crate) || info.scope.path[0] !== 'future') return undefined;
    const subst = this.substOf(info, args);
    const futures = [...(subst ?? [])].filter(([name]) => info.env.has(name));
    if (futures.length !== 2) return undefined;
    const sides = futures.map(([param, t], i) => ({
      param,
      t,
      output: this.outputOfLocal(t),
      text: oneLine(args[i].text),
    }));
    const held = this.file.solution.holds(this.resolver.lowerType(ret, info.scope, info.env, info.self), 'Send');
    const parts: Value[] = held.status === 'conditional' ? [] : [held];
    for (const a of held.status === 'conditional' ? held.atoms : []) {
      const side = sides.find((f) => f.param === a.param);
      parts.push(
        side
          ? this.joinedPart(a, side)
          : unknownValue(`\`${info.name}(..)\` is \`Send\` only if \`${renderAtom(a)}\`, which is not read here`),
      );
    }
    const [first, second] = sides.map((f) => f.output);
    const awaited = first && second ? shape.output(first, second) : undefined;
    return { k: 'closure', node: call, send: meetValues(parts), text: `${info.name}(..)`, awaited };
  }

  /**
   * One condition of a joined future's `Send` (see joinedFutures) on the parameter a future was
   * given for: `F1: Send`, that future's own; `<F1 as Future>::Output: Send` (`<F1 as
   * TryFuture>::Ok`), what it gives (its `Ok` value) where that is read.
   */
  private joinedPart(a: Atom, side: { t: LocalTy; output?: Ty; text: string }): Value {
    if (a.kind === 'auto' && a.trait === 'Send') return this.valueOf(side.t, 'Send');
    if (a.kind !== 'projection' || a.via || a.trait !== 'Send' || !/^(Output|Ok)$/.test(a.assoc))
      return unknownValue(`the condition \`${renderAtom(a)}\` is not read of \`${side.text}\``);
    const kept = a.assoc === 'Ok' && side.output ? resultParts(side.output)?.[0] : side.output;
    if (!kept) return unknownValue(`what \`${side.text}\` gives is not known`);
    const v = this.file.solution.holds(kept, 'Send');
    const why = `it keeps what \`${side.text}\` gives, \`${kept.text}\`, until the other is done`;
    return { ...v, reasons: v.reasons.map((r) => ({ steps: [], leaf: `${why}: ${renderChain(r)}` })) };
  }

  /** What awaiting a future gives, where that is read: see awaitedOutput and outputOf. */
  private outputOfLocal(t: LocalTy): Ty | undefined {
    if (t.k === 'closure') return t.awaited;
    if (t.k === 'future' && t.node.type === 'async_block') return this.outputOf(t.node);
    const output = this.awaitedOutput(t, () => unknownLocal(''));
    return output.k === 'ty' ? output.ty : undefined;
  }

  /** Whether a fn read is a `poll_fn` of that shape, its `PollFn<F>` `Send` if and only if `F` is. */
  private isPollFn(info: FnInfo): boolean {
    if (info.isAsync || info.name !== 'poll_fn') return false;
    const dependency = this.file.crate?.dependencyOf(info.node);
    if (dependency !== undefined && !POLL_FN_CRATES.has(dependency.replace(/-/g, '_'))) return false;
    const ret = info.node.childForFieldName('return_type');
    const params = (info.node.childForFieldName('parameters')?.namedChildren ?? []).filter(
      (c): c is SyntaxNode => c?.type === 'parameter',
    );
    const f = params.length === 1 ? params[0].childForFieldName('type')?.text : undefined;
    if (!ret || !f || oneLine(ret.text).replace(/\s/g, '') !== `PollFn<${f}>`) return false;
    // Its own `PollFn` could hold more than `F` (an `Rc`, a raw pointer): ask the solver.
    const v = this.file.solution.holds(this.resolver.lowerType(ret, info.scope, info.env, info.self), 'Send');
    const atoms = [...v.atoms];
    return (
      v.status === 'conditional' &&
      atoms.length === 1 &&
      atoms[0].kind === 'auto' &&
      atoms[0].param === f &&
      atoms[0].trait === 'Send'
    );
  }

  /**
   * What a call of `info` gives. `recv`: the receiver's type, whose arguments are the impl's
   * (`watch::Receiver<u32>::borrow` -> `Ref<'_, u32>`); `typeArgs`: a turbofish's types, the fn's
   * own parameters in order (`mpsc::channel::<u32>(8)`).
   */
  private fnResult(
    info: FnInfo,
    notTyped: () => LocalTy,
    args: SyntaxNode[] = [],
    given: { recv?: Ty; typeArgs?: SyntaxNode[]; selfPath?: boolean } = {},
  ): LocalTy {
    if (info.isAsync && inAsyncTrait(info.node, true)) return this.asyncTraitFuture(info, args, given);
    if (info.isAsync) return { k: 'future', node: info.node, subst: this.futureSubst(info, args, given) };
    const ret = info.node.childForFieldName('return_type');
    if (!ret) return plain('()');
    // `-> impl Future` hides a type whose auto traits leak through: a body that is one `async`
    // block is that block's future; otherwise only a written `+ Send` tells.
    if (ret.type === 'abstract_type' && !/\bSend\b/.test(ret.text)) {
      const block = hiddenFuture(info.node);
      if (block) return block;
      const subst = this.substOf(info, args);
      return (
        this.hiddenAt(info, ret, subst, given) ?? {
          k: 'unknown',
          reason: `\`${info.name}\` returns \`${oneLine(ret.text)}\`, whose hidden type is not analysed`,
          output: this.writtenOutput(info, ret, subst, given),
        }
      );
    }
    // `-> (Arc<AtomicUsize>, impl Fn(usize))`: an `impl Trait` inside the result leaks its hidden
    // type's auto traits too, so the result is not known (`dyn Fn` would say not `Send`).
    // (`impl Stream<Item = u8> + Send + '_` reads as bounds around the `impl`: they count.)
    const hiddenPart = ret
      .descendantsOfType('abstract_type')
      .find((n) => n !== null && !/\bSend\b/.test((n.parent?.type === 'bounded_type' ? n.parent : n).text));
    if (hiddenPart)
      return unknownLocal(
        `\`${info.name}\` returns \`${oneLine(hiddenPart.text)}\`, whose hidden type is not analysed`,
      );
    // The arguments' types, read once: each is a call typed the same way (nested calls, read
    // twice at each level, took the power of two of the depth).
    const subst = this.substOf(info, args);
    if (subst) this.fnOutputs(info, subst);
    const env = this.callEnv(info, subst, given);
    const written = this.resolver.lowerType(ret, info.scope, env, given.recv ?? this.selfIn(info, env));
    // Named with what the call binds (`JoinHandle<Rc<u8>>`, not the signature's `JoinHandle<R>`).
    const lowered = env === info.env ? written : mapTy(written, () => undefined);
    // `tokio::spawn(fut) -> JoinHandle<T::Output>`: `T::Output` of a future argument whose output is known.
    const outputs = this.futureOutputs(subst);
    const implied = this.file.impliedProjectionsOf(info, ret);
    const ty = boundedProjections(info, outputs.size > 0 ? withOutputs(lowered, outputs) : lowered, implied);
    // `-> impl Future<Output = T> + Send`: awaited, a `T`.
    if (ty.k !== 'unknown' && futureOutputNode(ret)) {
      const output = this.writtenOutput(info, ret, subst, given);
      if (output) knownOutputs.set(ty, output);
    }
    // A generic fn's result is known when it names none of the type parameters of the fn or of
    // its impl left unbound (`-> u8`; `-> Self` of `impl<T> Foo<T>` needs `T` from the receiver,
    // a turbofish or an argument).
    // (A parameter bound to the caller's own of the same name, `T` of `impl<T> Async<T>` calling
    // `self.readable()` there, is bound: the caller's conditions name it.)
    const unbound = paramNames(ty).filter((n) => env.get(n)?.k === 'param' && env.get(n) === info.env.get(n));
    if (unbound.length === 0) return { k: 'ty', ty };
    // Left to inference, but bounded by `Send` (`unblock<T: Send>(f) -> Task<T>`): whatever it
    // is, it is `Send` (and `Sync` if so bounded), which is all the verdicts ask of it.
    const bounded = autoBounded(info, unbound);
    const open = unbound.filter((n) => !bounded.has(n));
    if (open.length === 0) return { k: 'ty', ty: replaceParams(ty, bounded) };
    // The others: a hole for each, where a `let` asks for them (see inferHoles); else unknown.
    if (!this.holesWanted) return notTyped();
    const holes = new Map(bounded);
    for (const n of open)
      holes.set(n, {
        k: 'unknown',
        text: '_',
        reason: `what \`${n}\` is at \`${info.name}(..)\` is not inferred`,
        hole: {},
      });
    return { k: 'ty', ty: replaceParams(ty, holes) };
  }

  /**
   * A call of an `async fn` of a trait or impl marked `#[async_trait]`: the macro makes it return
   * `Pin<Box<dyn Future<Output = R> + Send>>`, `Send` whatever its body (rustc refuses a body that
   * is not), and so for a trait's method without a body, which a generic receiver calls. What
   * awaiting it gives is its written result, with the parameters the call binds.
   */
  private asyncTraitFuture(info: FnInfo, args: SyntaxNode[], given: { recv?: Ty; typeArgs?: SyntaxNode[] }): LocalTy {
    const ty: Ty = {
      k: 'dyn',
      text: 'Pin<Box<dyn Future + Send>>',
      send: { holds: true },
      sync: { holds: false, why: '`dyn Future + Send` is not `Sync`' },
    };
    const ret = info.node.childForFieldName('return_type');
    const env = this.callEnv(info, this.substOf(info, args), given);
    const output = ret
      ? this.resolver.lowerType(ret, info.scope, env, given.recv ?? this.selfIn(info, env))
      : { k: 'plain' as const, text: '()' };
    if (!leavesUnbound(output, env, info)) knownOutputs.set(ty, output);
    return { k: 'ty', ty };
  }

  /**
   * A call's `impl Trait` result as its hidden type (see FileAnalyzer.hiddenType), with the
   * parameters the call binds; undefined where it names one left unbound. A future of the body
   * (an `async fn` it calls) only from a fn without type parameters, whose future names none.
   */
  private hiddenAt(
    info: FnInfo,
    ret: SyntaxNode,
    subst: Map<string, LocalTy> | undefined,
    given: { recv?: Ty; typeArgs?: SyntaxNode[] },
  ): LocalTy | undefined {
    const hidden = this.file.hiddenType(info);
    if (hidden?.k === 'future') return info.env.size === 0 ? hidden : undefined;
    if (hidden?.k !== 'ty') return undefined;
    const env = this.callEnv(info, subst, given);
    if (leavesUnbound(hidden.ty, env, info)) return undefined;
    // A copy: what awaiting it gives is recorded by the object (see knownOutputs).
    const ty = { ...replaceParams(hidden.ty, env) };
    const output = this.writtenOutput(info, ret, subst, given);
    if (output) knownOutputs.set(ty, output);
    return { k: 'ty', ty };
  }

  /**
   * The type of a match arm's value (`Ok(req) => self.client.execute_request(req)`), its
   * pattern's names bound as the matched value gives them (a scope of their own, for this question
   * alone). Not typed where the pattern does not say what it binds.
   */
  private armValue(arm: SyntaxNode, result: SyntaxNode, matched: LocalTy): LocalTy {
    const notTyped = () => unknownLocal(`the type of \`${oneLine(result.text)}\` is not known without a type checker`);
    const pat = arm.childForFieldName('pattern');
    const inner = pat?.namedChildren.find((c) => c !== null && c.id !== pat.childForFieldName('condition')?.id);
    const typed = new Map<SyntaxNode, LocalTy>();
    if (!inner || !matchPattern(inner, matched, 'move', typed, this.fieldOf)) return notTyped();
    const frame = { bindings: [] as Binding[], cond: this.cond };
    for (const [id, ty] of typed)
      frame.bindings.push({ name: id.text, ty, decl: id, kind: 'local', uses: [], cond: this.cond, walk: this });
    this.frames.push(frame);
    try {
      return this.typeOf(result);
    } finally {
      this.frames.pop();
    }
  }

  /** What awaiting a value of type `t` gives, where that is read (see the `await_expression` case of typeOf). */
  private awaitedOutput(t: LocalTy, notTyped: () => LocalTy): LocalTy {
    const output =
      t.k === 'ty'
        ? (knownOutputs.get(t.ty) ?? this.implOutput(t.ty))
        : t.k === 'unknown'
          ? t.output
          : t.k === 'closure'
            ? t.awaited
            : undefined;
    if (output) return { k: 'ty', ty: output };
    if (t.k === 'future' && t.node.type === 'function_item') {
      const info = this.file.infoOfNode(t.node);
      const ret = t.node.childForFieldName('return_type');
      if (!info) return notTyped();
      if (!ret) return plain('()');
      // With what the call binds (`self.state.lock().await` of a `Mutex<State>`: `T` is `State`).
      let env = info.env;
      for (const [name, arg] of t.subst ?? [])
        if (arg.k === 'ty' && info.env.has(name)) {
          if (env === info.env) env = new Map(info.env);
          env.set(name, arg.ty);
        }
      const ty = this.resolver.lowerType(ret, info.scope, env, this.selfIn(info, env));
      return paramNames(ty).some((n) => env.get(n)?.k === 'param') ? notTyped() : { k: 'ty', ty };
    }
    return notTyped();
  }

  /**
   * What awaiting a value of a crate's type gives: the `type Output` of its `impl Future`
   * (`h2::client::ResponseFuture` -> `Result<Response<RecvStream>, Error>`), through `&mut`.
   */
  private implOutput(ty: Ty): Ty | undefined {
    // (This fn's parameters with their bounds, which may say what a projection of one is.)
    const base = mapTy(derefAll(ty), (t) => (t.k === 'param' ? this.withBounds(t) : undefined));
    if (base.k !== 'adt') return undefined;
    const output = this.file.solution.associated(base, 'Future', 'Output');
    return output && output.k !== 'unknown' ? this.normalized(output) : undefined;
  }

  /**
   * `ty` with each `<X as Trait>::Assoc` in it as `X`'s impl says it (`Option<<Iter<IntoIter<u8>>
   * as Stream>::Item>`: `Option<u8>`), so that more than its auto traits can be read (whether
   * dropping it runs code); those no impl says stay as they are.
   */
  private normalized(ty: Ty, depth = 0): Ty {
    if (depth > 8) return ty;
    return mapTy(ty, (t) => {
      if (t.k !== 'assoc') return undefined;
      const normal = this.file.solution.associated(t.self, t.traitName, t.assoc);
      return normal ? this.normalized(normal, depth + 1) : t;
    });
  }

  /**
   * What awaiting a call's `impl Future<Output = T>` gives: `T` as the call binds the fn's
   * parameters; undefined where it names one left unbound, or the result is no such `impl`.
   */
  private writtenOutput(
    info: FnInfo,
    ret: SyntaxNode,
    subst: Map<string, LocalTy> | undefined,
    given: { recv?: Ty; typeArgs?: SyntaxNode[] },
  ): Ty | undefined {
    const written = futureOutputNode(ret);
    if (!written) return undefined;
    const env = this.callEnv(info, subst, given);
    const self = given.recv ?? this.selfIn(info, env);
    const ty = withOutputs(this.resolver.lowerType(written, info.scope, env, self), this.futureOutputs(subst));
    return leavesUnbound(ty, env, info) ? undefined : ty;
  }

  /** The type parameters of `info` that a call's future arguments bind, to those futures' outputs. */
  private futureOutputs(subst: Map<string, LocalTy> | undefined): Map<string, Ty> {
    const outputs = new Map<string, Ty>();
    for (const [name, t] of subst ?? []) {
      const output = t.k === 'future' ? this.outputOf(t.node) : undefined;
      if (output) outputs.set(name, output);
    }
    return outputs;
  }

  /**
   * What a future gives when awaited, where the code says so plainly: an `async fn`'s written
   * result (naming none of its parameters), or an `async` block's tail (`()` after a statement,
   * where no `return` or `?` in it could give another value).
   */
  private outputOf(future: SyntaxNode): Ty | undefined {
    const unit: Ty = { k: 'plain', text: '()' };
    if (future.type === 'function_item') {
      const info = this.file.infoOfNode(future);
      const ret = future.childForFieldName('return_type');
      if (!info) return undefined;
      if (!ret) return unit;
      if (ret.type === 'abstract_type' || ret.descendantsOfType('abstract_type').length > 0) return undefined;
      const ty = this.resolver.lowerType(ret, info.scope, info.env, info.self);
      return paramNames(ty).some((n) => info.env.has(n)) ? undefined : ty;
    }
    if (future.type !== 'async_block') return undefined;
    const body = future.namedChildren.find((c) => c?.type === 'block');
    if (!body) return undefined;
    const exits = body.descendantsOfType(['return_expression', 'try_expression']).length > 0;
    const last = body.namedChildren.filter((c): c is SyntaxNode => c !== null && !c.type.endsWith('comment')).pop();
    if (!last) return exits ? undefined : unit;
    if (last.type === 'let_declaration' || (last.type === 'expression_statement' && last.text.trimEnd().endsWith(';')))
      return exits ? undefined : unit;
    // The body's value, read with the block's own bindings where it was walked (`async move {
    // let n = data.len(); n }`: `usize`).
    const t = (this.closureValues.get(future.id) ?? this).typeOf(body);
    // Every `return` and `?` gives the block's one output type, which the tail's type is when
    // written out throughout: only a reference or a fn could be coerced to another there.
    if (t.k !== 'ty' || (exits && someTy(t.ty, (p) => /^(unknown|ref|ptr)$/.test(p.k) || /\bfn\b/.test(p.text))))
      return undefined;
    return t.ty;
  }

  /**
   * `Self` of `info`'s impl with `env`'s parameters: the impl's type as written (`Holder<T>`)
   * lowered again when the call bound them (`Holder::make(x)`), else as the fn has it.
   */
  private selfIn(info: FnInfo, env: Map<string, Ty>): Ty | undefined {
    if (env === info.env || !info.self) return info.self;
    const typeNode = enclosingImpl(info.node)?.childForFieldName('type');
    return typeNode ? this.resolver.lowerType(typeNode, info.scope, env) : info.self;
  }

  /** The fn's generic environment as a call binds it: by its receiver, a turbofish and its arguments. */
  private callEnv(
    info: FnInfo,
    subst: Map<string, LocalTy> | undefined,
    given: { recv?: Ty; typeArgs?: SyntaxNode[] },
  ): Map<string, Ty> {
    return boundByArguments(this.boundEnv(info, given.recv, given.typeArgs), subst);
  }

  /** The fn's generic environment with the parameters a receiver's type or a turbofish binds. */
  private boundEnv(info: FnInfo, recv: Ty | undefined, typeArgs: SyntaxNode[] | undefined): Map<string, Ty> {
    const bound = new Map<string, Ty>();
    if (recv && info.self) {
      const subst = new Map<string, LocalTy>();
      unify(info.self, recv, subst);
      for (const [name, t] of subst) if (t.k === 'ty' && info.env.has(name)) bound.set(name, t.ty);
    }
    if (typeArgs && typeArgs.length > 0) {
      const own = (info.node.childForFieldName('type_parameters')?.namedChildren ?? [])
        .map((p) =>
          p?.type === 'type_parameter' ? p.childForFieldName('name') : p?.type === 'type_identifier' ? p : null,
        )
        .filter((p): p is SyntaxNode => p !== null);
      if (own.length === typeArgs.length)
        own.forEach((p, i) =>
          bound.set(p.text, this.resolver.lowerType(typeArgs[i], this.scope, this.fn.env, this.fn.self)),
        );
    }
    if (bound.size === 0) return info.env;
    const env = new Map(info.env);
    for (const [name, t] of bound) env.set(name, t);
    return env;
  }

  /**
   * `Option`'s and `Result`'s combinators whose result names a closure's output or an argument
   * (`.map_err(|_| Error::Closed)`, `.ok_or(e)`, `.map(|v| v.len())`, `.and_then(|v| v.first())`):
   * the closure as walked where it is written, its body's type as `closureOutput` reads it. A
   * by-value receiver is taken as written (`&Option<T>` has no `map`).
   */
  private combinator(t: Ty, method: string, args: SyntaxNode[]): Ty | undefined {
    if (t.k !== 'known' || args.length !== 1) return undefined;
    const option = t.known.path === 'std::option::Option';
    const result = t.known.path === 'std::result::Result';
    if (!option && !result) return undefined;
    const [value, error] = t.args;
    const given = (): Ty | undefined => {
      const v = this.typeOf(args[0]);
      return v.k === 'ty' && holesIn(v.ty).length === 0 ? v.ty : undefined;
    };
    const output = (): Ty | undefined => {
      const c = this.typeOf(args[0]);
      return c.k === 'closure' && c.output && holesIn(c.output).length === 0 ? c.output : undefined;
    };
    const optionOf = (x: Ty | undefined) => x && knownTy('std::option::Option', [x]);
    const resultOf = (x: Ty | undefined, e: Ty | undefined) => x && e && knownTy('std::result::Result', [x, e]);
    switch (method) {
      case 'ok_or':
        return option ? resultOf(value, given()) : undefined;
      case 'ok_or_else':
        return option ? resultOf(value, output()) : undefined;
      case 'map_err':
        return result ? resultOf(value, output()) : undefined;
      case 'map':
        return option ? optionOf(output()) : resultOf(output(), error);
      case 'and_then': {
        const out = output();
        return out?.k === 'known' && out.known.path === t.known.path ? out : undefined;
      }
      default:
        return undefined;
    }
  }

  private callType(node: SyntaxNode, notTyped: () => LocalTy): LocalTy {
    const fnNode = node.childForFieldName('function');
    const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (c): c is SyntaxNode => c !== null && !c.type.endsWith('comment'),
    );
    if (!fnNode) return notTyped();
    // `f()` of a parameter typed by a `Fn` bound: what the bound says it returns.
    const called = fnNode.type === 'identifier' ? this.lookupQuiet(fnNode.text) : undefined;
    if (called) {
      const output = called.kind === 'param' ? this.fnParamOutput(called) : undefined;
      return output ? { k: 'ty', ty: output } : notTyped();
    }
    if (fnNode.type === 'field_expression') {
      const recvNode = fnNode.childForFieldName('value');
      const method = fnNode.childForFieldName('field')?.text ?? '';
      const recv = recvNode ? this.typeOf(recvNode) : notTyped();
      if (recv.k !== 'ty') return recv.k === 'unknown' ? notTyped() : notTyped();
      const viaBound = recvNode ? this.conversionByBound(recvNode, method) : undefined;
      if (viaBound) return { k: 'ty', ty: viaBound };
      const combined = this.combinator(ioResultSpelledOut(derefAll(recv.ty)), method, args);
      if (combined) return { k: 'ty', ty: combined };
      let t = derefAll(recv.ty);
      // `(&v).into_iter()` of a std collection is `IntoIterator` for the reference: `v.iter()`
      // (`iter_mut()` for `&mut v`), not the collection's own by-value `into_iter`.
      const stdName =
        method === 'into_iter' && recv.ty.k === 'ref' && t.k === 'known' ? (recv.ty.mut ? 'iter_mut' : 'iter') : method;
      for (let i = 0; i < 5; i++) {
        const std = stdMethod(t, i === 0 ? stdName : method);
        if (std) return std.returns ? { k: 'ty', ty: std.returns } : notTyped();
        const known = this.knownFuture(t, method, args);
        if (known) return { k: 'ty', ty: known };
        const own = this.file.methodOf(t, method);
        if (own) return this.fnResult(own, notTyped, args, { recv: t });
        // A trait's method, for the crate's and its dependencies' types and generic parameters
        // (std's types are the std table's).
        // (A `dyn` or `impl` written so; not a parameter known only by its bounds, see autoBounded.)
        const viaTrait =
          t.k === 'adt' || t.k === 'param' || (t.k === 'dyn' && /^(?:dyn|impl)\b/.test(t.text))
            ? (this.file.boundMethod(this.withBounds(t), method) ?? this.file.traitMethod(this.scope, method))
            : undefined;
        // Unless what `t` derefs to has an inherent method of that name: whether the trait is
        // implemented for `t` decides which one rustc takes, and that is not read.
        if (viaTrait)
          return this.inherentBeyond(t, method) ? notTyped() : this.fnResult(viaTrait, notTyped, args, { recv: t });
        // A fn of one of the type's trait impls (`counter.next()` of its `impl Iterator`).
        const viaImpl = t.k === 'adt' ? this.file.traitImplMethod(t.def, method) : undefined;
        if (viaImpl && !this.inherentBeyond(t, method)) return this.fnResult(viaImpl, notTyped, args, { recv: t });
        const derefs = t.k === 'known' && DEREF_PATHS.has(t.known.path);
        if (method === 'clone' && !derefs && (t.k === 'adt' || t.k === 'known' || t.k === 'plain'))
          return { k: 'ty', ty: t };
        const pinned = pinnedValue(t, method);
        if (pinned) {
          t = pinned;
          continue;
        }
        const next = this.derefStep(t);
        if (next) t = next;
        else break;
      }
      return this.blanketMethod(derefAll(recv.ty), method, args) ?? notTyped();
    }
    const pathNode = fnNode.type === 'generic_function' ? fnNode.childForFieldName('function') : fnNode;
    if (!pathNode || (pathNode.type !== 'identifier' && pathNode.type !== 'scoped_identifier')) return notTyped();
    // `RwLock::<u32>::new(0)`: the type's own turbofish names the type the fn's `Self` is.
    const typeTurbofish = pathNode.childForFieldName('path');
    const ownerType =
      typeTurbofish?.type === 'generic_type'
        ? this.resolver.lowerType(typeTurbofish, this.scope, this.fn.env, this.fn.self)
        : undefined;
    const segments =
      typeTurbofish?.type === 'generic_type'
        ? [...pathSegments(typePath(typeTurbofish)), pathNode.childForFieldName('name')?.text ?? '']
        : pathSegments(pathNode);
    if (segments.length >= 2) {
      const type = this.resolver.resolvePath(this.scope, segments.slice(0, -1));
      const known =
        type.kind === 'type'
          ? this.knownFuture({ k: 'adt', def: type.def, args: new Map(), text: type.def.name }, segments.at(-1)!, args)
          : undefined;
      if (known) return { k: 'ty', ty: known };
    }
    const own = this.file.fnForPath(segments, this.fn.self, this.scope, ownerType);
    const typeArgs =
      fnNode.type === 'generic_function'
        ? (fnNode.childForFieldName('type_arguments')?.namedChildren ?? []).filter(
            (c): c is SyntaxNode => c !== null && c.type !== 'lifetime' && !c.type.endsWith('comment'),
          )
        : undefined;
    const pollFn = this.pollFn(segments, own, args);
    if (pollFn) return pollFn;
    const joined = own && this.joinedFutures(own, args, node);
    if (joined) return joined;
    const viaTraitPath = own ? undefined : this.traitPathCall(segments, args, notTyped);
    if (viaTraitPath) return viaTraitPath;
    if (own)
      return this.fnResult(own, notTyped, args, {
        typeArgs,
        selfPath: segments[0] === 'Self',
        recv: ownerType?.k === 'adt' ? ownerType : undefined,
      });
    const made = this.madeBySelf(segments, ownerType);
    if (made) return { k: 'ty', ty: made };
    const converted = ownerType ? undefined : this.conversion(segments, args);
    if (converted) return { k: 'ty', ty: converted };
    const ptr = nullPointer(this.file, this.scope, node);
    if (ptr) return { k: 'ty', ty: ptr };
    const ready = stdFuture(this.file, this.scope, node, (arg) => this.typeOf(arg));
    if (ready) return { k: 'ty', ty: ready };
    const stdPath = calledPath(this.file, this.scope, node);
    // `mpsc::channel::<u8>()` names its `T`; without a turbofish, a `let` leaves it to a later `send`.
    const named =
      typeArgs?.length === 1 ? this.resolver.lowerType(typeArgs[0], this.scope, this.fn.env, this.fn.self) : undefined;
    const channel = stdPath && (named || this.holesWanted) ? stdChannel(stdPath.full, named) : undefined;
    if (channel) return { k: 'ty', ty: channel };
    const std = stdPath && stdFnResult(stdPath.full);
    if (std) return { k: 'ty', ty: std };
    if (segments.length === 1) {
      if (segments[0] === 'drop') return plain('()');
      if (segments[0] === 'Some' && args[0]) {
        const inner = this.typeOf(args[0]);
        if (inner.k !== 'ty') return inner;
        const t = knownTy('std::option::Option', [inner.ty]);
        return t ? { k: 'ty', ty: t } : notTyped();
      }
      // A tuple struct's constructor; a generic one (`Wrap(x)`) takes its arguments' types.
      return this.typeByPath(pathNode, notTyped, args);
    }
    // `State::Body(1)`: a tuple variant of a non-generic enum is that enum.
    const variant = this.enumOfVariant(segments, args);
    if (variant) return variant;
    // `super::Local(x)`, `wrap::Wrap(x)`: a tuple struct's constructor by its path.
    const struct = this.resolver.resolvePath(this.scope, segments);
    if (struct.kind === 'type' && struct.def.kind === 'struct') return this.typeByPath(pathNode, notTyped, args);
    const owner = this.resolver.resolvePath(this.scope, segments.slice(0, -1));
    if (owner.kind !== 'known') return notTyped();
    const full = `${owner.known.path}::${segments[segments.length - 1]}`;
    if (CLONE_PATHS.has(full) && args[0]) {
      const t = this.typeOf(args[0]);
      return t.k === 'ty' ? { k: 'ty', ty: derefAll(t.ty) } : t;
    }
    const ctor = constructorKind(full);
    if (ctor && ctor !== 'self' && ownerType?.k === 'known' && ownerType.known.path === owner.known.path)
      return { k: 'ty', ty: ownerType };
    if (ctor === 'self' && owner.known.params.length === 0) {
      const t = knownTy(owner.known.path, []);
      return t ? { k: 'ty', ty: t } : notTyped();
    }
    if (ctor === 'empty') {
      const t = elementsNotWritten(owner.known.path, node);
      return t ? { k: 'ty', ty: t } : notTyped();
    }
    if ((ctor === 'arg' || full === 'std::boxed::Box::pin') && args[0]) {
      const inner = this.typeOf(args[0]);
      // `Box::pin(fut)`, `Box::new(closure)`: as `Send` as what they box, which they drop.
      if (full.startsWith('std::boxed::Box::') && (inner.k === 'future' || inner.k === 'closure'))
        return inner.k === 'closure' ? { ...inner, text: `Box<${inner.text}>`, drops: true } : inner;
      if (inner.k === 'future' || inner.k === 'closure') return notTyped();
      // `Rc::new(x)` of an `x` not typed is still an `Rc`: never `Send`, whatever `x` is.
      const arg: Ty = inner.k === 'ty' ? inner.ty : { k: 'unknown', text: '_', reason: inner.reason };
      const t = knownTy(owner.known.path, [arg]);
      return t ? { k: 'ty', ty: t } : inner.k === 'unknown' ? inner : notTyped();
    }
    // `TcpListener::bind(addr)`, `SocketAddr::new(ip, port)`: std's signature, where generated.
    const self = knownTy(owner.known.path, []);
    const generated = self && stdAssociatedFn(self, segments[segments.length - 1]);
    return generated ? { k: 'ty', ty: generated } : notTyped();
  }

  /**
   * `Trait::method(recv, args..)`: the trait's method (see FileAnalyzer.traitPathMethod) called
   * on the first argument, its `Self` that argument's type through the receiver as declared
   * (`&mut self` given a `&mut C`: `C`). Undefined when the path names no trait's method, or the
   * first argument's type does not say `Self` (a receiver of another form, `self: Pin<&mut Self>`).
   */
  private traitPathCall(segments: string[], args: SyntaxNode[], notTyped: () => LocalTy): LocalTy | undefined {
    const info = this.file.traitPathMethod(this.scope, segments);
    const receiver = info?.node
      .childForFieldName('parameters')
      ?.namedChildren.find((p) => p?.type === 'self_parameter');
    if (!info || !receiver || !args[0]) return undefined;
    const first = this.typeOf(args[0]);
    if (first.k !== 'ty') return notTyped();
    const byRef = receiver.text.includes('&');
    const mut = /&\s*('\w+\s+)?mut\b/.test(receiver.text);
    const self = !byRef ? first.ty : first.ty.k === 'ref' && first.ty.mut === mut ? first.ty.inner : undefined;
    return self ? this.fnResult(info, notTyped, args.slice(1), { recv: self }) : notTyped();
  }

  /**
   * `path.as_ref()` of a parameter `path: impl AsRef<Path>` (or `P` with `P: AsRef<Path>`): what
   * the bound names, `&Path`; so for `borrow()` of `Borrow<T>` (`&T`) and `into()` of `Into<T>`.
   */
  private conversionByBound(recvNode: SyntaxNode, method: string): Ty | undefined {
    const trait =
      method === 'as_ref' ? 'AsRef' : method === 'borrow' ? 'Borrow' : method === 'into' ? 'Into' : undefined;
    const b = trait && recvNode.type === 'identifier' ? this.lookupQuiet(recvNode.text) : undefined;
    const bounds = trait ? (this.paramBounds(b) ?? []) : [];
    for (const bound of bounds)
      for (const g of bound.type === 'generic_type' ? [bound] : bound.descendantsOfType('generic_type')) {
        const name = g?.childForFieldName('type');
        const arg = g
          ?.childForFieldName('type_arguments')
          ?.namedChildren.find((c) => c !== null && c.type !== 'lifetime');
        if (!name || !arg || pathSegments(name).pop() !== trait) continue;
        const target = this.resolver.lowerType(arg, this.fn.scope, this.fn.env, this.fn.self);
        return trait === 'Into' ? target : { k: 'ref', mut: false, inner: target, text: `&${target.text}` };
      }
    return undefined;
  }

  /**
   * Methods std gives every type of a kind through a blanket impl, for a receiver that has no
   * method of that name of its own: `to_string()` is a `String` (`ToString`, for every `Display`
   * type); `to_owned()` of a `str` a `String`; `to_vec()` and `to_owned()` of a slice or array a
   * `Vec` of its elements.
   */
  private blanketMethod(recv: Ty, method: string, args: SyntaxNode[]): LocalTy | undefined {
    if (args.length > 0) return undefined;
    const str = recv.k === 'plain' && (recv.text === 'str' || recv.text === '&str');
    const string = knownTy('std::string::String', []);
    if (method === 'to_string' || (method === 'to_owned' && str)) return string && { k: 'ty', ty: string };
    // `Option<&T>::copied()` / `cloned()`: an `Option<T>`.
    if (
      (method === 'copied' || method === 'cloned') &&
      recv.k === 'known' &&
      recv.known.path === 'std::option::Option' &&
      recv.args[0]?.k === 'ref'
    ) {
      const option = knownTy('std::option::Option', [recv.args[0].inner]);
      return option && { k: 'ty', ty: option };
    }
    // std's borrowed types and what `to_owned()` makes of them.
    const owned = recv.k === 'known' ? OWNED_FORMS.get(recv.known.path) : undefined;
    if (method === 'to_owned' && owned) {
      const t = knownTy(owned, []);
      return t && { k: 'ty', ty: t };
    }
    if ((method === 'to_vec' || method === 'to_owned') && recv.k === 'seq') {
      const vec = knownTy('std::vec::Vec', [recv.inner]);
      return vec && { k: 'ty', ty: vec };
    }
    return undefined;
  }

  /** The future of a well-known async API of a dependency (see known-futures.ts), for `recv.method(args)`. */
  private knownFuture(recv: Ty, method: string, args: SyntaxNode[]): Ty | undefined {
    if (recv.k !== 'adt') return undefined;
    const crate = this.file.crate?.dependencyOf(recv.def.node);
    if (crate === undefined) return undefined;
    const params = recv.def.generics.params.filter((p) => p.kind === 'type').map((p) => recv.args.get(p.name));
    const receiver = params.every((p): p is Ty => p !== undefined) ? { self: recv, args: params } : undefined;
    const argTypes = args.map((a) => {
      const t = this.typeOf(a);
      return t.k === 'ty' ? t.ty : undefined;
    });
    const known = knownFuture(crate, recv.def.path, method, receiver, argTypes);
    if (!known) return undefined;
    // What `.await` gives, written in the receiver type's module with `T` its first type argument.
    const first = recv.def.generics.params.find((p) => p.kind === 'type');
    const env = new Map<string, Ty>(first && receiver?.args[0] ? [[first.name, receiver.args[0]]] : []);
    const written = typeNode(recv.def.node.tree, known.output);
    if (written) knownOutputs.set(known.future, this.resolver.lowerType(written, recv.def.scope, env));
    return known.future;
  }

  /**
   * The type arguments of a call to `info` (its own type parameters and `impl Trait` parameters),
   * read off the arguments: a parameter typed `T`, `&T`, `Wrap<T>` takes `T` from its argument.
   */
  private substOf(info: FnInfo, args: SyntaxNode[]): Map<string, LocalTy> | undefined {
    const own = (info.node.childForFieldName('type_parameters')?.namedChildren ?? []).filter(
      (p) => p?.type === 'type_parameter' || p?.type === 'type_identifier',
    );
    const params = (info.node.childForFieldName('parameters')?.namedChildren ?? []).filter(
      (c): c is SyntaxNode => c?.type === 'parameter',
    );
    const anonymous = params.some((p) => p.childForFieldName('type')?.text.includes('impl'));
    // An impl's parameters are bound by arguments too (`async fn put(&self, value: T)`).
    if (own.length === 0 && !anonymous && info.env.size === 0) return undefined;
    const subst = new Map<string, LocalTy>();
    params.forEach((p, i) => {
      const typeNode = p.childForFieldName('type');
      const arg = args[i];
      if (!typeNode || !arg) return;
      const argTy = this.typeOf(arg);
      // Each `impl Trait` in the parameter's type is a parameter of its own (lowerParameterType).
      const paramTy = this.resolver.lowerParameterType(typeNode, info.scope, info.env, info.self);
      if (paramTy.k === 'param' && paramTy.name === oneLine(typeNode.text)) {
        subst.set(paramTy.name, argTy);
        return;
      }
      if (argTy.k === 'ty') unify(paramTy, argTy.ty, subst);
      else for (const name of paramNames(paramTy)) if (!subst.has(name)) subst.set(name, argTy);
    });
    return subst;
  }

  /**
   * What calling a parameter gives, by its type's `Fn` bound: `closure: impl FnOnce() -> Fut` or
   * `f: F` with `F: Fn(u8) -> R` give a `Fut` or an `R` (a parameter of the fn, whose conditions
   * the verdict then names).
   */
  private fnParamOutput(b: Binding): Ty | undefined {
    const output = fnBoundOutput(this.paramBounds(b) ?? []);
    return output ? this.resolver.lowerType(output, this.fn.scope, this.fn.env, this.fn.self) : undefined;
  }

  /**
   * What awaiting a parameter of the fn gives, by its `Future<Output = X>` bound (`f: impl
   * Future<Output = T>`, `f: F` with `F: Future<Output = u8>`): `X`.
   */
  private boundOutput(b: Binding | undefined): Ty | undefined {
    const output = futureBoundOutput(this.paramBounds(b) ?? []);
    return output && this.resolver.lowerType(output, this.fn.scope, this.fn.env, this.fn.self);
  }

  /**
   * The bounds written for a parameter of the fn itself (closures and blocks inside it walk with
   * the same fn): `impl AsRef<Path>` (also as `impl FnOnce() -> Fut + Send`, which reads as a
   * bounded type around the `impl`), or those of its type parameter (`p: P` with `P: AsRef<Path>`).
   */
  private paramBounds(b: Binding | undefined): SyntaxNode[] | undefined {
    const param = b?.kind === 'param' && b.decl.parent?.type === 'parameter' ? b.decl.parent : undefined;
    const typeNode = param?.childForFieldName('type');
    if (!typeNode || this.fn.node.childForFieldName('parameters')?.id !== param?.parent?.id) return undefined;
    // `impl Future<Output = T> + Send + 'static` nests a bounded type per `+`.
    let first: SyntaxNode | null = typeNode;
    while (first?.type === 'bounded_type') first = first.namedChildren[0];
    if (first?.type === 'abstract_type') return [typeNode];
    return typeNode.type === 'type_identifier' && this.fn.env.has(typeNode.text)
      ? boundsOf(this.fn.node, typeNode.text)
      : undefined;
  }

  /**
   * The parameters of `info` that are the output of another's `Fn` bound (`spawn_blocking<F, R>(f:
   * F) where F: FnOnce() -> R`), bound in `subst` from what the argument's own `Fn` bound gives:
   * `spawn_blocking(f)` in `asyncify<F, T>(f: F) where F: FnOnce() -> io::Result<T>` makes `R` an
   * `io::Result<T>`, as rustc infers it.
   */
  private fnOutputs(info: FnInfo, subst: Map<string, LocalTy>): void {
    for (const name of info.env.keys()) {
      const given = subst.get(name);
      const ours = given ? fnBoundOutput(boundsOf(info.node, name)) : undefined;
      if (!ours) continue;
      // A closure argument: what its body gives (`spawn_blocking(move || data.len())`: `usize`).
      let known: Ty | undefined = given?.k === 'closure' ? given.output : undefined;
      if (given?.k === 'ty' && given.ty.k === 'param' && this.fn.env.has(given.ty.name)) {
        const theirs = fnBoundOutput(boundsOf(this.fn.node, given.ty.name));
        if (theirs) known = this.resolver.lowerType(theirs, this.fn.scope, this.fn.env, this.fn.self);
      }
      if (!known) continue;
      const declared = this.resolver.lowerType(ours, info.scope, info.env, info.self);
      const bound = new Map<string, LocalTy>();
      unify(declared, known, bound);
      for (const [n, t] of bound) if (info.env.has(n) && !subst.has(n)) subst.set(n, t);
    }
  }

  /**
   * The type arguments of a call of the `async fn` `info`, for its future's conditions: its own
   * parameters from the arguments (or a turbofish), its impl's from the receiver
   * (`UnboundedReceiver<i32>::recv` binds `T` to `i32`). Undefined for a fn with no parameter
   * anywhere, whose verdict names none; a parameter left unbound makes its condition unknown.
   */
  private futureSubst(
    info: FnInfo,
    args: SyntaxNode[],
    given: { recv?: Ty; typeArgs?: SyntaxNode[]; selfPath?: boolean },
  ): Map<string, LocalTy> | undefined {
    // `async fn f(x: impl Future)` has a parameter of its own too, named by its text.
    const subst = this.substOf(info, args);
    if (info.env.size === 0 && !subst) return undefined;
    const out = new Map(subst);
    this.fnOutputs(info, out);
    // What the receiver and a turbofish bind (boundEnv); for `Self::f(..)` inside an impl of the
    // same type, the caller's own parameters. `Type::f(..)` binds nothing here.
    const recv =
      given.recv ??
      (given.selfPath && this.fn.self?.k === 'adt' && info.self?.k === 'adt' && this.fn.self.def === info.self.def
        ? this.fn.self
        : undefined);
    for (const [name, ty] of this.boundEnv(info, recv, given.typeArgs))
      if (ty !== info.env.get(name) && !out.has(name)) out.set(name, { k: 'ty', ty });
    return out;
  }

  /** A future's verdict with the type arguments of its call put in for its conditions. */
  private instantiate(value: Value, t: LocalTy & { k: 'future' }): Value {
    if (value.status !== 'conditional' || !t.subst) return value;
    const parts: Value[] = [];
    for (const a of value.atoms) {
      const arg = t.subst.get(a.param);
      const given = a.kind === 'auto' && arg ? this.valueOf(arg, a.trait) : undefined;
      // Not known here, but asked of every caller (`asyncify<F, T>(f) where T: Send + 'static`):
      // the condition holds for any call that compiles.
      if ((!given || given.status === 'unknown') && a.kind === 'auto' && declaresBound(t.node, a.param, a.trait))
        parts.push({ status: 'yes', atoms: new AtomSet(), reasons: [] });
      else if (given) parts.push(given);
      else
        parts.push({
          status: 'unknown',
          atoms: new AtomSet(),
          reasons: [{ steps: [], leaf: `what \`${a.param}\` is at this call is not inferred` }],
        });
    }
    return meetValues(parts);
  }

  /** What a closure or block captures, as parts of a verdict. */
  captureParts(what: string): Part[] {
    const parts: Part[] = [];
    for (const [b, byValue] of this.captures) {
      const byRef = !byValue && !b.uses.some((u) => u.kind === 'move');
      const t = b.ty;
      const shown = `${b.name}: ${tyText(t, '?')}`;
      const borrow = byRef ? this.captureBorrows.get(b) : undefined;
      const whole = this.captured(t, byRef, borrow);
      const value = whole.value.status === 'yes' ? whole.value : this.fieldCaptures(b, byRef, borrow, whole.value);
      const how = value === whole.value ? whole.how : '';
      parts.push({
        value,
        held: {
          name: b.name,
          ty: tyText(t, '?'),
          status: value.status,
          declRange: rangeOf(b.decl),
          reason: '',
        },
        reason: (leaf) => `\`${shown}\` (line ${line(b.decl)}) is captured${how} by ${what}: ${leaf}`,
      });
    }
    return parts;
  }

  /** A captured value of type `t`: moved in, or borrowed `&mut` or `&` (see captureBorrows). */
  private captured(t: LocalTy, byRef: boolean, borrow: CaptureBorrow | undefined): { value: Value; how: string } {
    if (!byRef) return { value: this.valueOf(t, 'Send'), how: '' };
    if (borrow?.unique)
      return {
        value: this.valueOf(t, 'Send'),
        how: ` by mutable reference (\`&mut T\` is \`Send\` only if \`T: Send\`)`,
      };
    const shared = this.valueOf(t, 'Sync');
    // Maybe by `&mut` instead: the verdict stands only if both borrows give it.
    const unique = !borrow || borrow.untold ? this.valueOf(t, 'Send') : undefined;
    if (!unique || sameValue(unique, shared))
      return { value: shared, how: ` by reference (\`&T\` is \`Send\` only if \`T: Sync\`)` };
    return {
      value: unknownValue(
        `whether it is borrowed \`&mut\` (\`Send\` if \`T: Send\`) or \`&\` (\`Send\` if \`T: Sync\`) is not known without a type checker`,
      ),
      how: '',
    };
  }

  /**
   * The verdict of a capture the body names only through fields (`s.a`): since edition 2021 the
   * block or closure captures those fields alone, before it all of `s`. The verdict of all of `s`
   * stands when the fields' give the same; else which edition decides, and it is not told.
   */
  private fieldCaptures(b: Binding, byRef: boolean, borrow: CaptureBorrow | undefined, whole: Value): Value {
    const names = (this.body?.descendantsOfType(['identifier', 'self']) ?? []).filter(
      (id): id is SyntaxNode => id !== null && id.text === b.name,
    );
    if (this.capturesWhole() || !names.some(projectsField) || this.capturedAsWhole(b)) return whole;
    if (!names.every(projectsField)) return whole; // all of `s` is named too: it is captured whole
    const untold = unknownValue(
      `the body names fields of \`${b.name}\`, which it captures alone since edition 2021 (all of \`${b.name}\` before)`,
    );
    const exact = this.capturesFieldsExactly(b);
    const paths = this.fieldPaths(b);
    if (!paths) return untold;
    const places = paths.map((path) => this.captured(this.typeOf(path[path.length - 1]), byRef, borrow).value);
    if (exact) return meetValues(places);
    return sameValue(meetValues(places), whole) ? whole : untold;
  }

  private valueOf(t: LocalTy, trait: 'Send' | 'Sync'): Value {
    if (t.k === 'ty') return this.file.solution.holds(filled(t.ty), trait);
    if (t.k === 'future') {
      if (trait === 'Sync')
        return { status: 'unknown', atoms: new AtomSet(), reasons: [{ steps: [], leaf: 'a future borrowed' }] };
      return this.instantiate(this.file.futureValue(t.node).value, t);
    }
    if (t.k === 'closure') {
      if (trait === 'Sync')
        return { status: 'unknown', atoms: new AtomSet(), reasons: [{ steps: [], leaf: 'a closure borrowed' }] };
      return t.send;
    }
    return { status: 'unknown', atoms: new AtomSet(), reasons: [{ steps: [], leaf: t.reason }] };
  }

  /** The verdict of this body's future, from everything it holds. */
  finish(name: string, kind: FutureKind, nameNode: SyntaxNode, node: SyntaxNode): FutureReport {
    const parts: Part[] = [];
    // Parameters: moved into the future when it is created, there to its end.
    for (const b of this.bindings) {
      if (b.kind !== 'param') continue;
      const value = this.valueOf(b.ty, 'Send');
      const shown = `${b.name === 'self' ? tyText(b.ty, 'self') : `${b.name}: ${tyText(b.ty, '?')}`}`;
      parts.push({
        value,
        held: { name: b.name, ty: tyText(b.ty, '?'), status: value.status, declRange: rangeOf(b.decl), reason: '' },
        reason: (leaf) => `parameter \`${shown}\` (line ${line(b.decl)}) is held for the whole future: ${leaf}`,
      });
    }
    parts.push(...this.captureParts('the future, for its whole life'));
    const ended = new Map<Binding, number>();
    for (const b of this.bindings) {
      for (const m of b.uses) {
        if (m.kind !== 'move' || !m.unconditional) continue;
        if (b.uses.some((u) => u.kind === 'borrow' && u.offset < m.offset)) break;
        if (b.uses.some((u) => u.offset > m.offset)) continue; // a copy: still usable
        ended.set(b, m.offset);
        break;
      }
    }
    const seen = new Set<Binding | SyntaxNode>();
    for (const a of this.awaits) {
      for (const b of a.live) {
        if (b.kind === 'param' || seen.has(b)) continue;
        const end = ended.get(b);
        if (end !== undefined && end < a.offset) continue;
        if (b.decl.startIndex > a.offset) continue;
        const usedAfter =
          b.uses.some((u) => u.offset > a.offset) ||
          a.loops.some(
            (l) =>
              l.startIndex > b.decl.startIndex && b.uses.some((u) => u.offset >= l.startIndex && u.offset < l.endIndex),
          );
        const borrowed = b.uses.some((u) => u.kind === 'borrow' && u.offset < a.offset);
        const drops =
          b.ty.k === 'ty'
            ? this.file.dropGlue(filled(b.ty.ty))
            : b.ty.k === 'future'
              ? true
              : b.ty.k === 'closure'
                ? b.ty.drops
                : undefined;
        if (!usedAfter && !borrowed && drops === false) continue;
        let value = this.valueOf(b.ty, 'Send');
        if (!usedAfter && !borrowed && drops === undefined && value.status !== 'yes')
          value = {
            status: 'unknown',
            atoms: new AtomSet(),
            reasons: [
              {
                steps: [],
                leaf: `whether dropping \`${b.name}\` runs code is not known, so whether it is kept is not either`,
              },
            ],
          };
        if (value.status === 'yes') continue;
        seen.add(b);
        const shown = `${b.name}: ${tyText(b.ty, '?')}`;
        parts.push({
          value,
          held: {
            name: b.name,
            ty: tyText(b.ty, '?'),
            status: value.status,
            declRange: rangeOf(b.decl.parent?.type === 'let_declaration' ? b.decl.parent : b.decl),
            awaitRange: rangeOf(a.node),
            reason: '',
          },
          reason: (leaf) =>
            `\`${shown}\` (line ${line(b.decl)}) is held across ${awaitText(a.node)} (line ${line(a.node)}): ${leaf}`,
        });
      }
      for (const t of a.temps) {
        if (seen.has(t.node)) continue;
        const drops = t.ty.k === 'ty' ? this.file.dropGlue(t.ty.ty) : undefined;
        if (drops === false && !t.borrowed) continue;
        const value = this.valueOf(t.ty, 'Send');
        if (value.status === 'yes') continue;
        seen.add(t.node);
        const until = t.until === 'statement' ? 'the end of its statement' : `the end of the \`${t.until}\``;
        parts.push({
          value,
          held: {
            name: oneLine(t.node.text),
            ty: tyText(t.ty, '?'),
            status: value.status,
            declRange: rangeOf(t.node),
            awaitRange: rangeOf(a.node),
            reason: '',
          },
          reason: (leaf) =>
            `the temporary \`${oneLine(t.node.text)}\`${t.ty.k === 'ty' ? `: \`${t.ty.ty.text}\`` : ''} (line ${line(t.node)}) lives to ${until}, across ${awaitText(a.node)} (line ${line(a.node)}): ${leaf}`,
        });
      }
      // The awaited future itself is in this one while it waits.
      const awaited = a.awaited;
      // A local counted above, unless this `.await` moves it (`fut.await` of a future the local
      // owns ends the local, and the future is held here instead).
      const movedHere = [...ended.values()].includes(a.operand.startIndex);
      if (awaited.k === 'ty' && a.operand.type === 'identifier' && !movedHere) continue;
      const value = this.valueOf(awaited, 'Send');
      if (value.status === 'yes') continue;
      const where = awaited.k === 'future' ? this.file.elsewhere(awaited.node) : undefined;
      parts.push({
        value,
        reason: (leaf) =>
          awaited.k === 'unknown'
            ? `the future awaited at line ${line(a.node)} (\`${oneLine(a.operand.text)}\`) is not known: ${leaf}`
            : `awaits \`${oneLine(a.operand.text)}\` (line ${line(a.node)}), whose future${where ? ` (in \`${where}\`)` : ''} ${AWAITED_STATUS[value.status]}: ${leaf}`,
      });
    }
    for (const m of this.macroAwaits)
      parts.push({
        value: {
          status: 'unknown',
          atoms: new AtomSet(),
          reasons: [{ steps: [], leaf: 'what a macro awaits is not analysed' }],
        },
        reason: () =>
          `\`.await\` inside the macro call \`${m.childForFieldName('macro')?.text ?? '?'}!\` (line ${line(m)}) is not analysed`,
      });
    if (this.tooDeep) {
      const at = this.tooDeep;
      parts.push({
        value: {
          status: 'unknown',
          atoms: new AtomSet(),
          reasons: [{ steps: [], leaf: `the body nests more than ${MAX_NESTING} levels deep` }],
        },
        reason: () =>
          `the body nests more than ${MAX_NESTING} levels deep at line ${line(at)}, past which it is not read`,
      });
    }
    const v = combine(parts);
    return {
      name,
      kind,
      nameRange: rangeOf(nameNode),
      range: rangeOf(node),
      send: { status: v.status, requires: v.requires, reasons: v.reasons },
      held: v.held,
    };
  }
}

/**
 * `Pin<P>`'s own methods, whose results are not the pinned value's: inherent ones (the generated
 * table has those of `impl<P: Deref>` blocks only in part) and those of traits `Pin` implements
 * itself (`clone` is read before, as `Pin`'s).
 */
const PIN_OWN_METHODS = new Set([
  'as_ref',
  'as_mut',
  'as_deref_mut',
  'get_ref',
  'get_mut',
  'get_unchecked_mut',
  'into_ref',
  'into_inner',
  'map_unchecked',
  'map_unchecked_mut',
  'set',
  'to_owned',
  'into',
  'try_into',
  'borrow',
  'borrow_mut',
]);

/**
 * What a method of a `Pin<&mut T>` or `Pin<Box<T>>` that `Pin` has not itself is looked up on
 * (`pin_mut!(s); s.next()`): `T`, where `Pin` derefs to, as for any method then. A trait method
 * that rustc takes for the pin itself (`StreamExt::next` with `Self = Pin<&mut T>`) gives the
 * same: futures' `Stream` and std's `Future` impls for `Pin<P>` have `P::Target`'s item and
 * output, and either pin is `Send` exactly when `T` is (unlike `Pin<&T>`, by `T: Sync`).
 */
function pinnedValue(t: Ty, method: string): Ty | undefined {
  if (t.k !== 'known' || t.known.path !== 'std::pin::Pin' || PIN_OWN_METHODS.has(method)) return undefined;
  const ptr = t.args[0];
  if (ptr?.k === 'ref' && ptr.mut) return ptr.inner;
  return ptr?.k === 'known' && ptr.known.path === 'std::boxed::Box' ? ptr.args[0] : undefined;
}

/**
 * The future a fn returning `impl Future` hands out, when its body ends in an `async` block, or
 * binds an async closure and calls it (`let c = async || { .. }; c()`): that block's or closure's.
 */
function hiddenFuture(fn: SyntaxNode): LocalTy | undefined {
  const body = fn.childForFieldName('body');
  const items = (body?.namedChildren ?? []).filter((c): c is SyntaxNode => c !== null && !c.type.endsWith('comment'));
  let tail = items[items.length - 1];
  if (!tail) return undefined;
  // A block-like tail parses as a statement: `async move { .. }` without a `;`.
  if (tail.type === 'expression_statement' && !tail.text.endsWith(';') && tail.namedChildren[0])
    tail = tail.namedChildren[0];
  // The tail `async` block, after statements or not (async-process's `let child = self.spawn();
  // async { child?.status().await }`): the one value of the hidden type there can be.
  if (tail.type === 'async_block') return { k: 'future', node: tail };
  if (items.length !== 2 || tail.type !== 'call_expression') return undefined;
  const callee = tail.childForFieldName('function');
  const args = tail.childForFieldName('arguments')?.namedChildren.filter((c) => c && !c.type.endsWith('comment'));
  const decl = items[0];
  const value = decl.type === 'let_declaration' ? decl.childForFieldName('value') : null;
  if (
    callee?.type === 'identifier' &&
    args?.length === 0 &&
    decl.childForFieldName('pattern')?.text === callee.text &&
    value?.type === 'closure_expression' &&
    value.children.some((c) => c?.type === 'async')
  )
    return { k: 'future', node: value };
  return undefined;
}

/**
 * Whether `ty`, read in a call's environment `env` of `info`, names a parameter of the fn or its
 * impl that the call left as it was: what it is is not known there.
 */
function leavesUnbound(ty: Ty, env: Map<string, Ty>, info: FnInfo): boolean {
  return paramNames(ty).some((n) => !env.has(n) || env.get(n) === info.env.get(n));
}

/**
 * `T` of a result written `impl Future<Output = T>` (with bounds after it, `+ Send + 'a`, or the
 * trait's path written out).
 */
function futureOutputNode(ret: SyntaxNode): SyntaxNode | undefined {
  let t: SyntaxNode | null = ret;
  while (t?.type === 'bounded_type') t = t.namedChildren[0];
  const trait = t?.type === 'abstract_type' ? t.childForFieldName('trait') : null;
  return trait ? futureOutputOf(trait) : undefined;
}

/**
 * A call of a free fn by path (`std::ptr::null::<T>()`, `ready(x)` imported): the path in full
 * (`std::ptr::null`, as the file's imports expand it), and its first written type argument.
 */
function calledPath(
  file: FileAnalyzer,
  scope: Scope,
  call: SyntaxNode,
): { full: string; typeArg: SyntaxNode | null } | undefined {
  const fnNode = call.childForFieldName('function');
  const generic = fnNode?.type === 'generic_function';
  const pathNode = generic ? fnNode.childForFieldName('function') : fnNode;
  if (!pathNode || (pathNode.type !== 'identifier' && pathNode.type !== 'scoped_identifier')) return undefined;
  return {
    full: file.expandPath(scope, pathSegments(pathNode)).join('::').replace(/^::/, ''),
    typeArg: generic ? (fnNode.childForFieldName('type_arguments')?.namedChildren[0] ?? null) : null,
  };
}

/** `std::ptr::null::<T>()`, `ptr::null_mut()`: the raw pointer it returns. */
function nullPointer(file: FileAnalyzer, scope: Scope, call: SyntaxNode): Ty | undefined {
  const called = calledPath(file, scope, call);
  const m = called && /^(?:std|core)::ptr::(null|null_mut)$/.exec(called.full);
  if (!called || !m) return undefined;
  const mut = m[1] === 'null_mut';
  const inner: Ty = called.typeArg
    ? file.solution.resolver.lowerType(called.typeArg, scope, new Map())
    : { k: 'unknown', text: '_', reason: 'the pointee type is not written' };
  return { k: 'ptr', mut, inner, text: `*${mut ? 'mut' : 'const'} ${inner.text}` };
}

/**
 * `std::future::ready(x)` and `std::future::pending()` (or `core::`'s, however imported): std's
 * own futures, whose `Send` the std table knows (`Ready<T>` when `T` is `Send`, `Pending<T>`
 * always), with what awaiting them gives.
 */
function stdFuture(
  file: FileAnalyzer,
  scope: Scope,
  call: SyntaxNode,
  typeOf: (node: SyntaxNode) => LocalTy,
): Ty | undefined {
  const called = calledPath(file, scope, call);
  const m = called && /^(?:std|core)::future::(ready|pending)$/.exec(called.full);
  if (!called || !m) return undefined;
  const written = called.typeArg;
  let output: Ty;
  if (written) output = file.solution.resolver.lowerType(written, scope, new Map());
  else if (m[1] === 'ready') {
    const arg = (call.childForFieldName('arguments')?.namedChildren ?? []).find(
      (c): c is SyntaxNode => c !== null && !c.type.endsWith('comment'),
    );
    const t = arg ? typeOf(arg) : undefined;
    output =
      t?.k === 'ty'
        ? t.ty
        : { k: 'unknown', text: '_', reason: `the type of \`${oneLine(arg?.text ?? '')}\` is not known` };
  } else output = { k: 'unknown', text: '_', reason: 'the output type of `pending()` is not written' };
  const future = knownTy(m[1] === 'ready' ? 'std::future::Ready' : 'std::future::Pending', [output]);
  if (future) knownOutputs.set(future, output);
  return future;
}

/**
 * A std collection made without its element types written (`Vec::new()`, `vec![]`,
 * `HashMap::new()`): one unknown per element type, which a later `push` or `insert` may say (see
 * BodyWalk.elementFromPush); a hasher or allocator left out is the default one.
 */
function elementsNotWritten(path: string, made: SyntaxNode): Ty | undefined {
  const elements = lookupKnownType(path)?.params.filter((p) => p !== 'S' && p !== 'A') ?? [];
  return knownTy(
    path,
    elements.map((): Ty => ({
      k: 'unknown',
      text: '_',
      reason: `the element type of \`${oneLine(made.text)}\` is not written`,
    })),
  );
}

/** AND of values: `no` wins, then `unknown`; conditions add up. */
const unknownValue = (leaf: string): Value => ({
  status: 'unknown',
  atoms: new AtomSet(),
  reasons: [{ steps: [], leaf }],
});

/** Whether two verdicts say the same: the status, and for a conditional one its conditions. */
function sameValue(a: Value, b: Value): boolean {
  if (a.status !== b.status) return false;
  if (a.status !== 'conditional') return true;
  const key = (v: Value) => [...v.atoms].map(renderAtom).sort().join(', ');
  return key(a) === key(b);
}

/** What an awaited future that is not `Send` for certain is, before the reason. */
const AWAITED_STATUS: Record<Status, string> = {
  no: 'is not `Send`',
  unknown: 'is not known to be `Send`',
  conditional: 'is `Send` on a condition',
  yes: 'is `Send`',
};

function meetValues(parts: Value[]): Value {
  for (const status of ['no', 'unknown'] as const) {
    const hit = parts.filter((p) => p.status === status);
    if (hit.length) return { status, atoms: new AtomSet(), reasons: hit.flatMap((p) => p.reasons) };
  }
  const atoms = new AtomSet(parts.flatMap((p) => (p.status === 'conditional' ? [...p.atoms] : [])));
  return atoms.size ? { status: 'conditional', atoms, reasons: [] } : { status: 'yes', atoms, reasons: [] };
}

/** AND of the parts: `no` wins, then `unknown`; the conditions of the rest add up. */
function combine(parts: Part[]): { status: Status; requires: Atom[]; reasons: string[]; held: HeldValue[] } {
  const nos = parts.filter((p) => p.value.status === 'no');
  const unknowns = parts.filter((p) => p.value.status === 'unknown');
  const pick = nos.length ? nos : unknowns;
  const status: Status = nos.length
    ? 'no'
    : unknowns.length
      ? 'unknown'
      : parts.some((p) => p.value.status === 'conditional')
        ? 'conditional'
        : 'yes';
  const atoms = new AtomSet(status === 'conditional' ? parts.flatMap((p) => [...p.value.atoms]) : []);
  const sentences = (p: Part) => {
    const leaves = p.value.reasons.length
      ? p.value.reasons.map((c) => renderChain(c, true))
      : p.value.status === 'conditional'
        ? [`it is \`Send\` only if ${[...p.value.atoms].map((a) => `\`${renderAtom(a)}\``).join(', ')}`]
        : ['it is not `Send`'];
    return p.reason(leaves[0]);
  };
  const chosen = status === 'conditional' ? parts.filter((p) => p.value.status === 'conditional') : pick;
  const reasons = [...new Set(chosen.map(sentences))].slice(0, MAX_REASONS);
  const held = chosen.filter((p) => p.held).map((p) => ({ ...p.held!, reason: sentences(p) }));
  return { status, requires: status === 'conditional' ? [...atoms] : [], reasons, held };
}

/** The names a pattern binds (`Some(x)`, `(a, b)`, `S { f, g: h }`), not the paths it matches. */
/** Collections whose items are their one type argument, and maps, whose items are pairs. */
const SEQUENCES = /^std::(vec::Vec|collections::(VecDeque|HashSet|BTreeSet)|option::Option)$/;
const MAPS = /^std::collections::(HashMap|BTreeMap)$/;

/**
 * std's iterators a `for` walks, by what each item is: of the one parameter (`one`), a map's
 * pairs (`pair`), its keys or its values; owned, borrowed (`ref`) or borrowed mutably (`mut`).
 */
type ItemPart = 'own' | 'ref' | 'mut';
type IteratorItem = ['one' | 'pair' | 'key' | 'value', ItemPart, ItemPart?];
const ITERATOR_ITEMS = new Map<string, IteratorItem>([
  ['std::slice::Iter', ['one', 'ref']],
  ['std::slice::IterMut', ['one', 'mut']],
  ['std::vec::IntoIter', ['one', 'own']],
  ['std::vec::Drain', ['one', 'own']],
  ['std::collections::vec_deque::Iter', ['one', 'ref']],
  ['std::collections::vec_deque::IterMut', ['one', 'mut']],
  ['std::collections::vec_deque::IntoIter', ['one', 'own']],
  ['std::collections::vec_deque::Drain', ['one', 'own']],
  ['std::collections::hash_set::Iter', ['one', 'ref']],
  ['std::collections::hash_set::IntoIter', ['one', 'own']],
  ['std::collections::hash_set::Drain', ['one', 'own']],
  ['std::collections::btree_set::Iter', ['one', 'ref']],
  ['std::collections::btree_set::IntoIter', ['one', 'own']],
  ...['hash_map', 'btree_map'].flatMap((m): [string, IteratorItem][] => [
    [`std::collections::${m}::Iter`, ['pair', 'ref', 'ref']],
    [`std::collections::${m}::IterMut`, ['pair', 'ref', 'mut']],
    [`std::collections::${m}::IntoIter`, ['pair', 'own', 'own']],
    [`std::collections::${m}::Drain`, ['pair', 'own', 'own']],
    [`std::collections::${m}::Keys`, ['key', 'ref']],
    [`std::collections::${m}::Values`, ['value', 'ref', 'ref']],
    [`std::collections::${m}::ValuesMut`, ['value', 'ref', 'mut']],
  ]),
]);

/** The item of `for x in <ty>` over a std collection, an array, or a reference to one of them. */
/** A struct literal's fields as written: each value, and the field it fills (`Listener { tx, limit: n }`). */
function literalFields(literal: SyntaxNode): { value: SyntaxNode; fieldName: string | undefined }[] {
  const out: { value: SyntaxNode; fieldName: string | undefined }[] = [];
  for (const init of literal.childForFieldName('body')?.namedChildren ?? []) {
    const value =
      init?.type === 'shorthand_field_initializer'
        ? init.namedChildren.find((c) => c?.type === 'identifier')
        : init?.type === 'field_initializer'
          ? init.childForFieldName('value')
          : undefined;
    if (!value) continue;
    out.push({
      value,
      fieldName: init?.type === 'field_initializer' ? init.childForFieldName('field')?.text : value.text,
    });
  }
  return out;
}

/**
 * The holes of `holed` filled from the same places of `declared`, a type written in full: the
 * two must have the same shape down to each hole (the same std or project type, references alike).
 */
function fillFromDeclared(holed: Ty, declared: Ty): void {
  if (holed.k === 'unknown' && holed.hole) {
    if (!someTy(declared, (t) => t.k === 'param' || t.k === 'proj' || t.k === 'unknown'))
      fillHole(holed.hole, declared);
    return;
  }
  if (holed.k === 'ref' && declared.k === 'ref' && holed.mut === declared.mut)
    fillFromDeclared(holed.inner, declared.inner);
  else if (holed.k === 'known' && declared.k === 'known' && holed.known.path === declared.known.path)
    holed.args.forEach((arg, i) => declared.args[i] && fillFromDeclared(arg, declared.args[i]));
  else if (holed.k === 'adt' && declared.k === 'adt' && holed.def === declared.def)
    for (const [param, arg] of holed.args) {
      const written = declared.args.get(param);
      if (written) fillFromDeclared(arg, written);
    }
}

/** What `*x` is for a std collection that derefs to its contents: `[T]` of a `Vec<T>`, `str` of a `String`. */
function derefOwned(ty: Ty): Ty | undefined {
  if (ty.k !== 'known') return undefined;
  const elem = ty.args[0];
  if (ty.known.path === 'std::vec::Vec' && elem) return { k: 'seq', inner: elem, text: `[${elem.text}]` };
  if (ty.known.path === 'std::string::String') return { k: 'plain', text: 'str' };
  return undefined;
}

function forItem(ty: Ty): Ty | undefined {
  const inner = ty.k === 'ref' ? ty.inner : ty;
  const asRef = (t: Ty, mut: boolean): Ty =>
    ty.k === 'ref' ? { k: 'ref', mut, inner: t, text: `&${mut ? 'mut ' : ''}${t.text}` } : t;
  const mut = ty.k === 'ref' && ty.mut;
  if (inner.k === 'seq') return asRef(inner.inner, mut);
  if (inner.k !== 'known') return undefined;
  const walked = ty.k === 'ref' ? undefined : ITERATOR_ITEMS.get(inner.known.path);
  if (walked) {
    const [shape, a, b] = walked;
    const arg = (i: number) => inner.args[i];
    const ref = (t: Ty | undefined, m: boolean): Ty | undefined =>
      t && { k: 'ref', mut: m, inner: t, text: `&${m ? 'mut ' : ''}${t.text}` };
    const part = (i: number, how: ItemPart) => (how === 'own' ? arg(i) : ref(arg(i), how === 'mut'));
    if (shape === 'one') return part(0, a);
    const key = part(0, a);
    const value = part(1, b ?? a);
    if (shape === 'value') return value;
    if (shape === 'key') return key;
    return key && value && { k: 'tuple', elems: [key, value], text: `(${key.text}, ${value.text})` };
  }
  if (SEQUENCES.test(inner.known.path) && inner.args[0]) return asRef(inner.args[0], mut);
  if (MAPS.test(inner.known.path) && inner.args[0] && inner.args[1]) {
    const key = asRef(inner.args[0], false);
    const value = asRef(inner.args[1], mut);
    return { k: 'tuple', elems: [key, value], text: `(${key.text}, ${value.text})` };
  }
  return undefined;
}

/**
 * Whether a pattern later in `decl`'s block binds `name` again, so that a later `name` may be
 * another variable.
 */
function boundAgainLater(
  decl: SyntaxNode,
  name: string,
  kinds = ['let_declaration', 'for_expression', 'closure_parameters', 'match_arm', 'let_condition'],
): boolean {
  const binders = decl.parent?.descendantsOfType(kinds);
  for (const b of binders ?? []) {
    if (!b || b.startIndex < decl.endIndex) continue;
    const bound = b.type === 'closure_parameters' ? b : b.childForFieldName('pattern');
    if (bound && hasWord(bound.text, name)) return true;
  }
  return false;
}

/** Where the first `let` after `decl` in its block that binds `name` again starts (Infinity: none). */
function nextLet(decl: SyntaxNode, name: string): number {
  for (const b of decl.parent?.descendantsOfType('let_declaration') ?? []) {
    if (!b || b.startIndex < decl.endIndex) continue;
    const bound = b.childForFieldName('pattern');
    if (bound && hasWord(bound.text, name)) return b.startIndex;
  }
  return Infinity;
}

/** Whether `node` is where a pattern between it and `block` binds `name` again (an arm, a closure, a loop, an `if let`). */
function rebound(node: SyntaxNode, block: SyntaxNode, name: string): boolean {
  for (let p = node.parent, inner = node; p && p.id !== block.id; inner = p, p = p.parent) {
    const pattern =
      p.type === 'match_arm' || p.type === 'for_expression'
        ? p.childForFieldName('pattern')
        : p.type === 'closure_expression'
          ? p.childForFieldName('parameters')
          : (p.type === 'if_expression' || p.type === 'while_expression') &&
              inner.id !== p.childForFieldName('condition')?.id
            ? p.childForFieldName('condition')
            : undefined;
    if (pattern && pattern.id !== inner.id && hasWord(pattern.text, name)) return true;
  }
  return false;
}

/** A match arm's value that never gives one: `return`, `break`, `continue`, `panic!(..)`, or a block ending so. */
function diverges(value: SyntaxNode): boolean {
  if (['return_expression', 'break_expression', 'continue_expression'].includes(value.type)) return true;
  if (value.type === 'macro_invocation')
    return ['panic', 'unreachable', 'todo', 'unimplemented'].includes(
      value.childForFieldName('macro')?.text.split('::').pop() ?? '',
    );
  if (value.type === 'block' || value.type === 'expression_statement') {
    const last = value.namedChildren.filter((c) => c !== null && !c.type.endsWith('comment')).pop();
    return !!last && diverges(last);
  }
  return false;
}

/** How a pattern binds at this point: by value, or by reference (a reference matched by a non-reference pattern). */
type BindingMode = 'move' | 'ref' | 'ref mut';

/** The variant patterns followed, with the type they take apart and which of its arguments they hold. */
const VARIANTS: Record<string, { type: RegExp; arg: number }> = {
  Ok: { type: /::Result$/, arg: 0 },
  Err: { type: /::Result$/, arg: 1 },
  Some: { type: /::Option$/, arg: 0 },
  Ready: { type: /::Poll$/, arg: 0 },
};

/** The value a pattern meets behind references, and the mode its names then bind in (rustc's default binding modes). */
function throughReferences(ty: Ty, mode: BindingMode): { t: Ty; m: BindingMode } {
  let t = ty;
  let m = mode;
  while (t.k === 'ref') {
    m = t.mut && m !== 'ref' ? 'ref mut' : 'ref';
    t = t.inner;
  }
  return { t, m };
}

/** The type of a struct's field, read with the struct's arguments (undefined: not known). */
type FieldOf = (struct: Ty & { k: 'adt' }, field: string) => Ty | undefined;

/**
 * Matches `pattern` against `ty`, putting each name it binds with its type into `out`; false where
 * a part of the pattern is not one this follows (then no name is typed). Default binding modes as
 * rustc's: a tuple or variant pattern that meets a reference binds its names by reference. A
 * struct pattern is followed where `fieldOf` gives its fields' types.
 */
function matchPattern(
  pattern: SyntaxNode,
  ty: LocalTy,
  mode: BindingMode,
  out: Map<SyntaxNode, LocalTy>,
  fieldOf?: FieldOf,
): boolean {
  const byMode = (t: Ty, m: BindingMode): Ty =>
    m === 'move' ? t : { k: 'ref', mut: m === 'ref mut', inner: t, text: `&${m === 'ref mut' ? 'mut ' : ''}${t.text}` };
  switch (pattern.type) {
    case '_':
    case 'integer_literal':
    case 'string_literal':
    case 'char_literal':
    case 'boolean_literal':
    case 'negative_literal':
    case 'range_pattern':
      return true;
    case 'identifier':
      // `None`, `CONST`: a unit variant or a constant, no binding.
      if (!/^[a-z_]/.test(pattern.text)) return true;
      if (pattern.text === '_') return true;
      out.set(
        pattern,
        ty.k === 'ty'
          ? { k: 'ty', ty: byMode(ty.ty, mode) }
          : mode === 'move'
            ? ty
            : unknownLocal('a reference to a value of unknown type'),
      );
      return true;
    case 'mut_pattern': {
      const id = pattern.namedChildren.find((c) => c?.type === 'identifier');
      return !!id && mode === 'move' && matchPattern(id, ty, mode, out, fieldOf);
    }
    case 'ref_pattern': {
      const id = pattern.namedChildren.find((c) => c?.type === 'identifier');
      if (!id || mode !== 'move' || ty.k !== 'ty') return false;
      const mutable = pattern.namedChildren.some((c) => c?.type === 'mutable_specifier');
      return matchPattern(id, ty, mutable ? 'ref mut' : 'ref', out, fieldOf);
    }
    case 'reference_pattern': {
      const inner = pattern.namedChildren.find((c) => c !== null && c.type !== 'mutable_specifier');
      if (!inner || ty.k !== 'ty' || ty.ty.k !== 'ref') return false;
      return matchPattern(inner, { k: 'ty', ty: ty.ty.inner }, 'move', out, fieldOf);
    }
    case 'tuple_pattern':
    case 'tuple_struct_pattern': {
      if (ty.k !== 'ty') return false;
      // A reference met by a tuple or variant pattern: its names bind by reference.
      const met = throughReferences(ty.ty, mode);
      const m = met.m;
      let t = met.t;
      const typeNode = pattern.childForFieldName('type');
      const parts = pattern.children.filter(
        (c): c is SyntaxNode => c !== null && c.id !== typeNode?.id && (c.isNamed || c.type === '_'),
      );
      if (parts.some((c) => c.type === 'remaining_field_pattern' || c.type.endsWith('comment'))) return false;
      let elems: Ty[];
      if (pattern.type === 'tuple_pattern') {
        if (t.k !== 'tuple') return false;
        elems = t.elems;
      } else if (t.k === 'adt' && t.def.kind === 'struct' && fieldOf) {
        // `Cost(load)` of a tuple struct of the crate (or `Self(..)`): its fields in order.
        const written = typeNode?.text.split('::').pop();
        if (written !== 'Self' && written !== t.def.name) return false;
        if (t.def.fields.length !== parts.length) return false;
        const adt = t;
        const fields = parts.map((_, i) => fieldOf(adt, String(i)));
        if (fields.some((f) => f === undefined)) return false;
        elems = fields as Ty[];
      } else if (t.k === 'adt' && t.def.kind === 'enum' && fieldOf) {
        // `Event::Data(bytes)` of an enum of the crate (`Self::Data(..)`, or the variant imported).
        const variant = variantOf(t.def, typeNode, 'ordered_field_declaration_list');
        if (variant?.fields !== parts.length) return false;
        const adt = t;
        const fields = parts.map((_, i) => fieldOf(adt, `${variant.name}.${i}`));
        if (fields.some((f) => f === undefined)) return false;
        elems = fields as Ty[];
      } else {
        const variant = VARIANTS[typeNode?.text.split('::').pop() ?? ''];
        t = ioResultSpelledOut(t); // `Err(e)` of an `io::Result<T>`: an `io::Error`
        if (!variant || t.k !== 'known' || !variant.type.test(t.known.path)) return false;
        const arg = t.args[variant.arg];
        if (!arg) return false;
        elems = [arg];
      }
      if (elems.length !== parts.length) return false;
      return parts.every((p, i) => matchPattern(p, { k: 'ty', ty: elems[i] }, m, out, fieldOf));
    }
    case 'struct_pattern': {
      // `Request { mut handle, message: m, .. }` of a struct of the crate (or `Self { .. }`).
      if (ty.k !== 'ty' || !fieldOf) return false;
      const { t, m } = throughReferences(ty.ty, mode);
      const typeNode = pattern.childForFieldName('type');
      const written = typeNode?.text.split('::').pop();
      if (t.k !== 'adt') return false;
      // `Message::Data { body, .. }` of an enum of the crate: that variant's fields.
      const variant = t.def.kind === 'enum' ? variantOf(t.def, typeNode, 'field_declaration_list') : undefined;
      if (t.def.kind === 'enum' ? !variant : t.def.kind !== 'struct' || (written !== 'Self' && written !== t.def.name))
        return false;
      const prefix = variant ? `${variant.name}.` : '';
      for (const f of pattern.namedChildren) {
        if (!f || f.id === typeNode?.id || f.type === 'remaining_field_pattern') continue;
        const name = f.type === 'field_pattern' ? f.childForFieldName('name') : null;
        const fieldTy = name ? fieldOf(t, `${prefix}${name.text}`) : undefined;
        if (!name || !fieldTy) return false;
        const sub = f.childForFieldName('pattern');
        if (sub) {
          if (!matchPattern(sub, { k: 'ty', ty: fieldTy }, m, out, fieldOf)) return false;
          continue;
        }
        // A shorthand field (`handle`, `mut handle`, `ref handle`) binds the field's name.
        const byRef = f.children.some((c) => c?.type === 'ref');
        const mutable = f.namedChildren.some((c) => c?.type === 'mutable_specifier');
        out.set(name, { k: 'ty', ty: byMode(fieldTy, byRef ? (mutable ? 'ref mut' : 'ref') : m) });
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * The variant of `def` (an enum) a pattern's path names, when its body is of `bodyType` (a tuple
 * or a struct variant): `Self::Data`, `Event::Data`, `crate::event::Event::Data`, or `Data` alone
 * (imported: a pattern matched against the enum can name only its variants). The type before the
 * variant, when written, must be the enum's own name or `Self` (an alias is not followed).
 */
function variantOf(
  def: TypeDef,
  typeNode: SyntaxNode | null | undefined,
  bodyType: 'ordered_field_declaration_list' | 'field_declaration_list',
): { name: string; fields: number } | undefined {
  const segments = typeNode?.text.split('::').map((s) => s.trim()) ?? [];
  const name = segments.at(-1);
  const owner = segments.at(-2);
  if (!name || (owner !== undefined && owner !== 'Self' && owner !== def.name)) return undefined;
  for (const v of def.node.childForFieldName('body')?.namedChildren ?? []) {
    if (v?.type !== 'enum_variant' || v.childForFieldName('name')?.text !== name) continue;
    const body = v.childForFieldName('body');
    if (body?.type !== bodyType) return undefined;
    const fields = def.fields.filter((f) => f.name.startsWith(`${name}.`));
    // A field under an undecided `#[cfg]` may not exist: its place in the tuple is not known.
    if (fields.some((f) => f.cfgUndecided)) return undefined;
    return { name, fields: fields.length };
  }
  return undefined;
}

function patternNames(pattern: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  // In order, with a stack of its own: broken text nests patterns thousands deep (fuzz seed 83).
  // A field's shorthand name (`Point { x, .. }`) is a name as it is (`emit`).
  const stack: { node: SyntaxNode; emit: boolean }[] = [{ node: pattern, emit: false }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { node, emit } = top;
    if (emit) {
      out.push(node);
      continue;
    }
    if (node.type === 'identifier') {
      if (/^[a-z_]/.test(node.text) && node.text !== '_') out.push(node);
      continue;
    }
    const next: { node: SyntaxNode; emit: boolean }[] = [];
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (node.type === 'tuple_struct_pattern' && node.childForFieldName('type')?.id === c.id) continue;
      if (node.type === 'struct_pattern' && node.childForFieldName('type')?.id === c.id) continue;
      if (c.type === 'scoped_identifier' || c.type.endsWith('_expression') || c.type.endsWith('literal')) continue;
      if (c.type === 'field_pattern') {
        const p = c.childForFieldName('pattern');
        const n = c.childForFieldName('name');
        if (p) next.push({ node: p, emit: false });
        else if (n) next.push({ node: n, emit: true });
        continue;
      }
      next.push({ node: c, emit: false });
    }
    for (let k = next.length - 1; k >= 0; k--) stack.push(next[k]);
  }
  return out;
}

/** What a fn's ancestors say of it, as bits: it is nested in a trait or a block; one of them is compiled out. */
const NESTED = 1;
const COMPILED_OUT = 2;

/** Whether an item or statement carries a `#[cfg]` that `cfg` leaves out (undecided ones keep it). */
function cfgLeavesOut(item: SyntaxNode, cfg: CfgContext, text?: string): boolean {
  // An attribute ends in `]`: where the text before the item ends a block, a statement or an
  // item instead, there is none to read (`previousNamedSibling` asks from the root down, which
  // deep nesting makes slow for every fn).
  if (text !== undefined && item.startIndex <= text.length) {
    let at = item.startIndex - 1;
    while (at >= 0 && /\s/.test(text[at])) at--;
    if (at < 0 || text[at] === '}' || text[at] === ';' || text[at] === '{') return false;
  }
  for (let a = item.previousNamedSibling; a?.type === 'attribute_item'; a = a.previousNamedSibling) {
    const pred = cfgPredicate(a.text);
    if (pred !== undefined && evaluateCfg(pred, cfg) === false) return true;
  }
  return false;
}
