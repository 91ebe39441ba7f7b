// The analysis engine's one door: text in, verdicts and findings out, for a file alone or for a
// file of a crate. Knows nothing of LSP; the server, the CLI and the tests all come through here.
// The floors below it, each importing only from the ones before: syntax/ (the parser) -> cargo/
// (manifests) -> model/ (items, names, types, the std table) -> traits/ (the solver) -> rules/.
import type { FnFuturesReuse } from '../futures/analyze';
import { FutureReuse } from '../futures/fn-reuse';
import { expandMacroCalls, macroInfos, withForwardedCfgs, type MacroCall, type ParseSpans } from '../model/item-macros';
import { lowerFile } from '../model/lower';
import type { Reparse } from '../rules/context';
import {
  createRustParser,
  editBetweenPatched,
  ParseTimeout,
  type PatchedText,
  type SyntaxNode,
  type SyntaxTree,
  type TextSpan,
  type WasmLoader,
} from '../syntax/parser';
import { solve } from '../traits/infer';
import { finishAnalysis, skippedAnalysis, type FileAnalysis } from './analysis';
import type { Project } from './project';

export { EMPTY_ANALYSIS, releaseAnalysis, skippedAnalysis, type FileAnalysis } from './analysis';
export { ParseTimeout } from '../syntax/parser';
export { Project } from './project';

export interface EngineOptions {
  /** Folder holding tree-sitter.wasm and tree-sitter-rust.wasm, or a loader of their bytes (the web worker). */
  wasmDir: string | WasmLoader;
  /** Resolve every mention of a user type, for hover (the editor wants them; the CLI does not). */
  mentions?: boolean;
  /**
   * Keep each fn's futures analysis for the next analysis of the same file, which then walks only
   * the fns an edit touched (the editor; the CLI analyses each file once and says false).
   */
  reuseFutures?: boolean;
  /**
   * Parse a file's item-macro expansion as an edit of the last one (the editor, where the next
   * analysis is of the same document); false parses each afresh (the CLI, where the last one is
   * another file's: reusing it only slows the parse down).
   */
  reuseExpansion?: boolean;
}

export interface Engine {
  /**
   * A file on its own. Broken Rust gives partial results and `unknown` verdicts, never an
   * exception; an exception means a bug of ours, which the server and the CLI log without stopping.
   */
  analyze(text: string): FileAnalysis;
}

/** The engine with its parse step exposed, for callers that keep trees between edits. */
export interface TreeEngine extends Engine {
  /**
   * Parses `text`; with an `oldTree` already `edit`ed to match, the parse is incremental. With
   * `spans`, only they are read (see RustParser).
   */
  parse: (text: string | PatchedText, oldTree?: SyntaxTree, spans?: readonly TextSpan[]) => SyntaxTree;
  /** A parse that stops when `stop` says so, and goes on at the next call (see RustParser). */
  parsePart?: (text: string, stop: () => boolean, spans?: readonly TextSpan[]) => SyntaxTree | undefined;
  /** Analyses a tree from `parse` (the caller owns the tree and deletes it). */
  analyzeTree(tree: SyntaxTree, text: string): FileAnalysis;
  /** Whether analyses resolve mentions (see EngineOptions). */
  readonly mentions?: boolean;
  /** Whether analyses reuse the futures results of unchanged fns (see EngineOptions). */
  readonly reuseFutures?: boolean;
  /** Fns reused and walked by the futures analyses of files alone, so far. */
  readonly futuresStats?: { reused: number; walked: number };
}

/**
 * Which analysis a file gets, decided in one place for the server and the CLI: its crate's, when
 * an opened project holds the file; else the file alone.
 */
export function analyzeFile(
  project: Project | undefined,
  path: string | undefined,
  alone: () => FileAnalysis,
): FileAnalysis {
  const inCrate = project !== undefined && path !== undefined ? project.analyzeFile(path) : undefined;
  return inCrate ?? alone();
}

export async function createEngine(options: EngineOptions): Promise<TreeEngine> {
  const parser = await createRustParser(options.wasmDir);
  const mentions = options.mentions ?? true;
  const reuseFutures = options.reuseFutures ?? true;
  // Files alone: what their verdicts depend on is their own skeleton, which keys the reuse.
  const futures: { cache: FnFuturesReuse; context: string } | undefined = reuseFutures
    ? { cache: new FutureReuse(), context: '' }
    : undefined;
  const reparse = (body: string) => parser.parse(body);
  // The last macro-expansion text and its tree: the next analysis of the same document differs
  // by an edit, and reparses only around it.
  let expansion: { text: PatchedText; tree: SyntaxTree } | undefined;
  const parseSpans: ParseSpans = (text, spans) => parser.parse(text, undefined, spans);
  const keep = (text: PatchedText, tree: SyntaxTree): SyntaxTree => {
    expansion = { text, tree: tree.copy() };
    return tree;
  };
  const incremental: ParseSpans = (text, spans) => {
    const last = expansion;
    // Gone whether the parse ends or is given up: its tree is edited for this text from here.
    expansion = undefined;
    try {
      if (!last) return keep(text, parser.parse(text, undefined, spans));
      last.tree.edit(editBetweenPatched(last.text, text));
      return keep(text, parser.parse(text, last.tree, spans));
    } finally {
      last?.tree.delete();
    }
  };
  const parseExpansion = options.reuseExpansion === false ? parseSpans : incremental;
  return {
    analyze(text) {
      let tree: SyntaxTree;
      try {
        tree = parser.parse(text);
      } catch (error) {
        if (error instanceof ParseTimeout) return skippedAnalysis(error);
        throw error;
      }
      try {
        const analysis = analyzeTree(
          tree,
          text,
          reparse,
          mentions,
          { first: parseExpansion, more: parseSpans },
          futures,
        );
        // The types' reports read the tree, which goes now (the mentions keep a copy of their own).
        void analysis.types;
        return analysis;
      } catch (error) {
        // An item macro's body parsed as items, or a macro's read again, can be given up too.
        if (error instanceof ParseTimeout) return skippedAnalysis(error);
        throw error;
      } finally {
        tree.delete();
      }
    },
    parse: (text, oldTree, spans) => parser.parse(text, oldTree, spans),
    parsePart: (text, stop, spans) => parser.parsePart(text, stop, spans),
    analyzeTree: (tree, text) =>
      analyzeTree(tree, text, reparse, mentions, { first: parseExpansion, more: parseSpans }, futures),
    mentions,
    reuseFutures,
    ...(futures ? { futuresStats: futures.cache.stats } : {}),
  };
}

/** How item macros' bodies are parsed: the first round incrementally (a document's edit), the others afresh. */
interface ExpansionParsers {
  first: ParseSpans;
  more: ParseSpans;
}

/** A file alone. `reparse` lets the rules read `macro_rules!` bodies as items; without it they are skipped. */
function analyzeTree(
  tree: SyntaxTree,
  text: string,
  reparse?: Reparse,
  mentions = true,
  parseExpansion?: ExpansionParsers,
  futures?: { cache: FnFuturesReuse; context: string },
): FileAnalysis {
  const macroTrees: SyntaxTree[] = [];
  let handedOver = false;
  try {
    const analysis = analyzeRoot(tree.rootNode, text, reparse, macroTrees, mentions, parseExpansion, futures);
    // Types declared by macros live in the expansions' trees: lazily found mentions need them,
    // so the analysis owns them from here (finishAnalysis deletes them once they are read).
    handedOver = mentions;
    return analysis;
  } finally {
    if (!handedOver) for (const t of macroTrees) t.delete();
  }
}

function analyzeRoot(
  root: SyntaxNode,
  text: string,
  reparse: Reparse | undefined,
  macroTrees: SyntaxTree[],
  mentions: boolean,
  parseExpansion: ExpansionParsers | undefined,
  futures: { cache: FnFuturesReuse; context: string } | undefined,
): FileAnalysis {
  // Item macros (`cfg_rt! { ... }`, or a `macro_rules!` of this file taking `$x:item`) are read
  // as items, all bodies of a round in one parse; without Cargo.toml their
  // `#[cfg(feature = ...)]` is undecided, so they count.
  let calls: MacroCall[] = [];
  const items = lowerFile(root, {
    macroItems: parseExpansion
      ? (call, scope, impl, trait) => void calls.push({ call, scope, impl, trait })
      : undefined,
  });
  if (parseExpansion && calls.length > 0) {
    const infos = withForwardedCfgs(macroInfos([root]));
    // The first round (the file's own macro calls) is the big one: parsed incrementally.
    for (let round = 0; round < 4 && calls.length > 0; round++) {
      calls = expandMacroCalls(
        text,
        calls,
        infos,
        {},
        round === 0 ? parseExpansion.first : parseExpansion.more,
        (t) => macroTrees.push(t),
        items,
      );
    }
  }
  const solution = solve(items);
  return finishAnalysis({
    root,
    text,
    items,
    solution,
    resolver: solution.resolver,
    reparse,
    mentions,
    ...(mentions ? { ownedTrees: macroTrees } : {}),
    ...(futures ? { futures } : {}),
  });
}
