// The analysis engine's one entry point: text in, verdicts and findings out. Knows nothing of
// LSP; the server, the CLI and the tests all call it the same way. The layers, in order:
// parse (syntax/) -> items (model/lower.ts) -> names and types (model/resolve.ts) -> the solver
// (traits/infer.ts) -> rules (features/rules/).
import type { FileAnalysis, Finding, TypeReport } from './model/report';
import { createRustParser, countSyntaxErrors, editBetween, type SyntaxNode, type SyntaxTree } from './syntax/parser';
import { expandMacroCalls, macroInfos, type MacroCall } from './model/item-macros';
import { lowerFile, type TypeDef } from './model/lower';
import { findMentions } from './model/mentions';
import { solve, type Solution } from './traits/infer';
import { buildContext, nodeRange, type Reparse, type Rule } from './features/rules/context';
import { missingSafetyComment } from './features/rules/missing-safety-comment';
import { riskyField } from './features/rules/risky-field';
import { missingBound } from './features/rules/missing-bound';
import { unnecessaryUnsafeImpl } from './features/rules/unnecessary-unsafe-impl';

export interface EngineOptions {
  /** Folder holding tree-sitter.wasm and tree-sitter-rust.wasm. */
  wasmDir: string;
  /** Resolve every mention of a user type, for hover (the editor wants them; the CLI does not). */
  mentions?: boolean;
}

export interface Engine {
  /**
   * Broken Rust gives partial results and `unknown` verdicts, never an exception; an exception
   * means a bug of ours, which the server and the CLI log without stopping.
   */
  analyze(text: string): FileAnalysis;
}

/** The engine with its parse step exposed, for callers that keep trees between edits. */
export interface TreeEngine extends Engine {
  /** Parses `text`; with an `oldTree` already `edit`ed to match, the parse is incremental. */
  parse(text: string, oldTree?: SyntaxTree): SyntaxTree;
  /** Analyses a tree from `parse` (the caller owns the tree and deletes it). */
  analyzeTree(tree: SyntaxTree, text: string): FileAnalysis;
  /** Whether analyses resolve mentions (see EngineOptions). */
  readonly mentions?: boolean;
}

export const RULES: readonly Rule[] = [missingSafetyComment, riskyField, missingBound, unnecessaryUnsafeImpl];

export async function createEngine(options: EngineOptions): Promise<TreeEngine> {
  const parser = await createRustParser(options.wasmDir);
  const mentions = options.mentions ?? true;
  // The last macro-expansion text and its tree: the next analysis of the same document differs
  // by an edit, and reparses only around it.
  let expansion: { text: string; tree: SyntaxTree } | undefined;
  const parseExpansion = (text: string): SyntaxTree => {
    let tree: SyntaxTree;
    if (expansion && expansion.text !== text) {
      expansion.tree.edit(editBetween(expansion.text, text));
      tree = parser.parse(text, expansion.tree);
    } else {
      tree = parser.parse(text);
    }
    expansion?.tree.delete();
    expansion = { text, tree: tree.copy() };
    return tree;
  };
  return {
    analyze(text) {
      const tree: SyntaxTree = parser.parse(text);
      try {
        return analyzeTree(tree, text, (body) => parser.parse(body), mentions, parseExpansion);
      } finally {
        tree.delete();
      }
    },
    parse: (text, oldTree) => parser.parse(text, oldTree),
    analyzeTree: (tree, text) => analyzeTree(tree, text, (body) => parser.parse(body), mentions, parseExpansion),
    mentions,
  };
}

/** `reparse` lets the rules read `macro_rules!` bodies as items; without it they are skipped. */
export function analyzeTree(tree: SyntaxTree, text: string, reparse?: Reparse, mentions = true, parseExpansion = reparse): FileAnalysis {
  const root = tree.rootNode;
  const macroTrees: SyntaxTree[] = [];
  try {
    return analyzeRoot(root, text, reparse, macroTrees, mentions, parseExpansion);
  } finally {
    for (const t of macroTrees) t.delete();
  }
}

function analyzeRoot(
  root: SyntaxNode,
  text: string,
  reparse: Reparse | undefined,
  macroTrees: SyntaxTree[],
  withMentions: boolean,
  parseExpansion: Reparse | undefined,
): FileAnalysis {
  // Item macros (`cfg_rt! { ... }`, or a `macro_rules!` of this file taking `$x:item`) are read
  // as items, all bodies of a round in one parse; without Cargo.toml their
  // `#[cfg(feature = ...)]` is undecided, so they count.
  let calls: MacroCall[] = [];
  const items = lowerFile(root, { macroItems: parseExpansion ? (call, scope) => void calls.push({ call, scope }) : undefined });
  if (parseExpansion && calls.length > 0) {
    const infos = macroInfos([root]);
    // The first round (the file's own macro calls) is the big one: parsed incrementally.
    for (let round = 0; round < 4 && calls.length > 0; round++) {
      calls = expandMacroCalls(text, calls, infos, {}, round === 0 ? parseExpansion : (reparse ?? parseExpansion), (t) => macroTrees.push(t), items);
    }
  }
  const solution = solve(items);
  const types = items.types.map((def) => typeReport(def, solution));
  const ctx = buildContext(root, text, items, solution, reparse);
  const findings: Finding[] = RULES.flatMap((rule) => rule(ctx));
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const mentions = withMentions ? findMentions(root, items.root, solution.resolver, (def) => typeReport(def, solution)) : undefined;
  return { types, findings, syntaxErrors: countSyntaxErrors(root), ...(mentions ? { mentions } : {}) };
}

/** A type's verdicts as the engine reports them. */
export function typeReport(def: TypeDef, solution: Solution): TypeReport {
  return {
    name: def.name,
    path: def.path,
    kind: def.kind,
    nameRange: nodeRange(def.nameNode),
    range: nodeRange(def.node),
    params: def.generics.params.map((p) => p.name),
    send: solution.verdict(def, 'Send'),
    sync: solution.verdict(def, 'Sync'),
  };
}
