// The last steps of every analysis, for a file alone and for a file of a crate alike: each type's
// verdicts from the solver, the rules' findings, and (for hover) the mentions of user types.
import type { CrateFutures, FnFuturesReuse } from '../futures/analyze';
import type { FileItems, TypeDef } from '../model/lower';
import { findMentions } from '../model/mentions';
import type { FutureReport, Mention, TypeReport } from '../model/report';
import type { Resolver } from '../model/resolve';
import { buildContext, nodeRange, type Reparse } from '../rules/context';
import { runRules, type Finding } from '../rules';
import { countSyntaxErrors, type ParseTimeout, type SyntaxNode, type SyntaxTree } from '../syntax/parser';
import type { Solution } from '../traits/infer';

export interface FileAnalysis {
  types: TypeReport[];
  findings: Finding[];
  /** Every `async fn`, `async` block and async closure, with whether its future is `Send`. */
  futures?: FutureReport[];
  /** Mentions of user types, for hover away from the declarations (absent: not computed). */
  mentions?: Mention[];
  /** What the rules reviewed and accepted, with the reason (rules/rule.ts `reviewed`), for the hover. */
  reviewed?: Finding[];
  /** Count of ERROR/MISSING nodes in the parse: the input was not complete Rust. */
  syntaxErrors: number;
  /**
   * The file is in a module this build leaves out: its verdicts are those of a build that
   * compiles it (every feature on), and this says which module and `#[cfg]` (when one is off).
   */
  inactive?: InactiveModule;
  /** Why the file was not analysed (its parse was given up, see ParseTimeout); nothing else is then reported. */
  skipped?: string;
}

export interface InactiveModule {
  /** `crate::sync::rwlock` */
  module: string;
  /** The predicate that is off (`feature = "sync"`), if the analysis could name one. */
  cfg?: string;
}

export const EMPTY_ANALYSIS: FileAnalysis = Object.freeze({ types: [], findings: [], syntaxErrors: 0 });

/** The analysis of a file whose parse was given up: nothing but why. */
export function skippedAnalysis(timeout: ParseTimeout): FileAnalysis {
  return { types: [], findings: [], syntaxErrors: 0, skipped: timeout.message };
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

export interface AnalysisInput {
  root: SyntaxNode;
  text: string;
  items: FileItems;
  solution: Solution;
  resolver: Resolver;
  /** Lets the rules read `macro_rules!` bodies as items; without it they are skipped. */
  reparse?: Reparse;
  /** Resolve every mention of a user type (for hover). */
  mentions: boolean;
  /**
   * Trees the analysis takes over (macro expansions holding some of the types' nodes): kept
   * until the mentions are found, then deleted.
   */
  ownedTrees?: SyntaxTree[];
  /** In a project: the futures of every file, so that calls and awaits reach other files and crates. */
  crateFutures?: CrateFutures;
  /**
   * The fns' futures results of earlier analyses, to reuse where nothing they depend on changed;
   * `context` names what the solution depends on besides this file's skeleton (fn-reuse.ts).
   */
  futures?: { cache: FnFuturesReuse; context: string };
}

export function finishAnalysis(input: AnalysisInput): FileAnalysis {
  const { root, text, items, solution } = input;
  const report = (def: TypeDef) => typeReport(def, solution);
  // The editor's analyses report their types when first read (see lazyReads); the CLI's at once.
  const types = input.mentions ? [] : items.types.map(report);
  const { ctx, all } = input.resolver.memoized(() => {
    const ctx = buildContext(root, text, items, solution, input.reparse, input.crateFutures, input.futures);
    return { ctx, all: runRules(ctx) };
  });
  const findings = all.filter((f) => !f.reviewed);
  const reviewed = all.filter((f) => f.reviewed);
  const analysis: FileAnalysis = {
    types,
    findings,
    syntaxErrors: countSyntaxErrors(root),
    ...(ctx.futures.futures.length > 0 ? { futures: ctx.futures.futures } : {}),
    ...(reviewed.length > 0 ? { reviewed } : {}),
  };
  if (input.mentions)
    lazyReads(
      analysis,
      root,
      input.ownedTrees ?? [],
      () => items.types.map(report),
      (copy, own) => {
        // The file's own types are reported already: the same reports, whatever happens later.
        const known = new Map(items.types.map((def, i) => [def, own[i]]));
        return findMentions(copy, items.root, input.resolver, (def) => known.get(def) ?? report(def));
      },
    );
  return analysis;
}

/** The trees of each analysis whose types or mentions were not read yet, to free them early. */
const releasers = new WeakMap<FileAnalysis, () => void>();

/**
 * Frees the trees an analysis keeps for its types' reports and mentions, now rather than when it
 * is collected: for an analysis that will not be served again. What was not read yet reads as
 * nothing (no types, no mentions).
 */
export function releaseAnalysis(analysis: FileAnalysis): void {
  releasers.get(analysis)?.();
}

/** Trees kept for mentions not asked for yet, deleted when their analysis is collected. */
const pendingTrees = new FinalizationRegistry<SyntaxTree[]>((trees) => {
  for (const tree of trees) tree.delete();
});

/**
 * Two parts of an editor's analysis are computed the first time they are read. The types'
 * reports: after an edit, the diagnostics are published without them (the rules solve only what
 * they ask about), and a hover or an inlay hint reads them. The mentions: they cost a walk over
 * every node of the file, and only a hover away from a declaration needs them; they are found on
 * a copy of the tree (cheap, and valid whatever happens to the caller's tree meanwhile), which is
 * then deleted with the trees the analysis owns (macro expansions, which declare some of the
 * types: the reports are made before they go). The caller keeps the file's own tree alive while
 * it serves the analysis.
 */
function lazyReads(
  analysis: FileAnalysis,
  root: SyntaxNode,
  owned: SyntaxTree[],
  report: () => TypeReport[],
  find: (root: SyntaxNode, types: TypeReport[]) => Mention[],
): void {
  const trees = [root.tree.copy(), ...owned];
  const token = {};
  let types: TypeReport[] | undefined;
  let found: Mention[] | undefined;
  let released = false;
  const readTypes = (): TypeReport[] => (types ??= released ? [] : report());
  const release = (mentions: () => Mention[]) => {
    if (released) return;
    found = mentions();
    released = true;
    pendingTrees.unregister(token);
    releasers.delete(analysis);
    for (const tree of trees) tree.delete();
  };
  Object.defineProperty(analysis, 'types', { enumerable: true, configurable: true, get: readTypes });
  Object.defineProperty(analysis, 'mentions', {
    enumerable: true,
    configurable: true,
    get: () => {
      release(() => find(trees[0].rootNode, readTypes()));
      return found;
    },
  });
  pendingTrees.register(analysis, trees, token);
  releasers.set(analysis, () => release(() => []));
}
