// Item macros: calls like `cfg_rt! { pub struct X; unsafe impl Send for X {} }` whose bodies are
// items the macro passes through (its `macro_rules!` takes `$item:item` fragments), often under a
// `#[cfg]` the macro adds. Their bodies are parsed as items at their own positions, so the types
// and impls inside are seen like any other.
import type { SyntaxNode, SyntaxTree } from '../syntax/parser';
import { cfgPredicate, evaluateCfg, type CfgContext } from './cfg';
import {
  implsWithin,
  keepInactiveModules,
  lowerFile,
  withAttributes,
  type AttributedNode,
  type FileItems,
  type Scope,
} from './lower';

export interface MacroInfo {
  /** The macro takes `$x:item` fragments: its body is items. */
  passesItems: boolean;
  /** The `#[cfg]` its expansion puts on them (all of them, when several), if any. */
  cfg?: string;
}

/** What each `macro_rules!` under `roots` does with items. */
export function macroInfos(roots: SyntaxNode[]): Map<string, MacroInfo> {
  const out = new Map<string, MacroInfo>();
  for (const root of roots) {
    if (!root.text.includes('macro_rules')) continue;
    for (const def of root.descendantsOfType('macro_definition')) {
      const name = def?.childForFieldName('name')?.text;
      if (!def || !name) continue;
      const preds = new Set<string>();
      for (const m of def.text.matchAll(/#\s*\[\s*cfg\s*\(/g)) {
        const pred = cfgPredicate(balanced(def.text, m.index));
        if (pred !== undefined) preds.add(pred.replace(/\s+/g, ' '));
      }
      const rules = def.namedChildren.filter((c) => c?.type === 'macro_rule').length;
      const cfg =
        preds.size > 0 && rules === 1
          ? preds.size === 1
            ? [...preds][0]
            : `all(${[...preds].join(', ')})`
          : undefined;
      out.set(name, { passesItems: /:\s*item\b/.test(def.text), cfg });
    }
  }
  return out;
}

/** `#[...]` starting at `start`, up to its closing bracket. */
function balanced(text: string, start: number): string {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '(') depth++;
    else if ((c === ']' || c === ')') && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}

/**
 * Whether a call's body holds items that exist: `active` (they do, or may), `inactive` (the
 * macro's `#[cfg]` is off: they exist in other builds only), `skip` (not an item macro).
 * A macro not defined where we can see it counts as an item macro only when named `cfg_*`.
 */
function itemMacroState(name: string, infos: Map<string, MacroInfo>, cfg: CfgContext): 'active' | 'inactive' | 'skip' {
  if (name === 'cfg_if' || name === 'macro_rules') return 'skip';
  const info = infos.get(name);
  if (info ? !info.passesItems : !name.startsWith('cfg_')) return 'skip';
  return info?.cfg !== undefined && evaluateCfg(info.cfg, cfg) === false ? 'inactive' : 'active';
}

/** The inside of a call's `{ ... }` (or of the token tree itself), as text offsets. */
function bodySpan(call: SyntaxNode): { start: number; end: number } | undefined {
  const body = call.type === 'token_tree' ? call : call.namedChildren.find((c) => c?.type === 'token_tree');
  if (!body || body.endIndex - body.startIndex < 2) return undefined;
  return { start: body.startIndex + 1, end: body.endIndex - 1 };
}

/** The file's text with everything outside the spans blanked (newlines kept): positions line up. */
function spansAsItems(text: string, spans: { start: number; end: number }[]): string {
  const blank = text.replace(/[^\n]/g, ' ');
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  for (const { start, end } of sorted) {
    if (start < at) continue;
    parts.push(blank.slice(at, start), text.slice(start, end));
    at = end;
  }
  parts.push(blank.slice(at));
  return parts.join('');
}

/**
 * `cfg_if! { if #[cfg(a)] { items } else if #[cfg(b)] { items } else { items } }`: the `{ ... }`
 * of the branch this build compiles; undefined when none is, or an earlier `#[cfg]` is undecided.
 */
function cfgIfBranch(call: SyntaxNode, cfg: CfgContext): SyntaxNode | undefined {
  const body = call.namedChildren.find((c) => c?.type === 'token_tree');
  if (!body) return undefined;
  let pred: string | undefined;
  for (const c of body.children) {
    if (c?.type !== 'token_tree') continue;
    if (c.text.startsWith('[')) {
      pred = cfgPredicate(`#${c.text}`);
      if (pred === undefined) return undefined;
      continue;
    }
    if (!c.text.startsWith('{')) continue;
    if (pred === undefined) return c; // the final `else { ... }`
    const holds = evaluateCfg(pred, cfg);
    if (holds === undefined) return undefined;
    if (holds) return c;
    pred = undefined;
  }
  return undefined;
}

/** An item-macro call met while lowering, with the scope its items belong to. */
export interface MacroCall {
  call: SyntaxNode;
  scope: Scope;
}

/**
 * One round of item-macro expansion for one file: every body shown at once in a single parse
 * (the rest blanked), each body's items lowered into its scope and added to `into`. Returns the
 * calls found inside those bodies, for the next round. `keep` owns the new tree.
 */
export function expandMacroCalls(
  text: string,
  calls: readonly MacroCall[],
  infos: Map<string, MacroInfo>,
  cfg: CfgContext,
  parse: (text: string) => SyntaxTree,
  keep: (tree: SyntaxTree) => void,
  into: FileItems,
  afterLowering?: (scope: Scope) => void,
): MacroCall[] {
  const expanding: { scope: Scope; span: { start: number; end: number }; active: boolean; cfg?: string }[] = [];
  for (const { call, scope } of calls) {
    const name = call.childForFieldName('macro')?.text ?? '';
    const branch = name === 'cfg_if' ? cfgIfBranch(call, cfg) : undefined;
    const state = branch ? 'active' : itemMacroState(name, infos, cfg);
    const span = state === 'skip' ? undefined : bodySpan(branch ?? call);
    if (span)
      expanding.push({ scope, span, active: state === 'active', cfg: branch ? undefined : infos.get(name)?.cfg });
  }
  if (expanding.length === 0) return [];
  const tree = parse(
    spansAsItems(
      text,
      expanding.map((e) => e.span),
    ),
  );
  keep(tree);
  // The top-level items once, each body taking those inside its span.
  const top = withAttributes(tree.rootNode);
  const next: MacroCall[] = [];
  const inactive: { scope: Scope; only: AttributedNode[]; outerCfg?: string }[] = [];
  for (const { scope, span, active, cfg: outerCfg } of expanding) {
    const only = top.filter(({ node }) => node.startIndex >= span.start && node.endIndex <= span.end);
    if (!active) {
      for (const { node } of only) into.inactiveImpls.push(...implsWithin(node, scope));
      inactive.push({ scope, only, outerCfg });
      continue;
    }
    const more = lowerFile(tree.rootNode, {
      scope,
      only,
      cfg,
      outerCfg,
      macroItems: (inner, innerScope) => {
        next.push({ call: inner, scope: innerScope });
        return undefined;
      },
    });
    into.types.push(...more.types);
    into.impls.push(...more.impls);
    into.inactiveImpls.push(...more.inactiveImpls);
    afterLowering?.(scope);
  }
  // Inactive `mod x;`s last: an active `mod` of the same name (`cfg_metrics! { mod metrics; }`
  // beside `cfg_not_metrics! { mod metrics; }`) takes the name first.
  if (cfg.keepInactiveModules) {
    for (const { scope, only, outerCfg } of inactive) {
      keepInactiveModules(only, scope, outerCfg);
      afterLowering?.(scope);
    }
  }
  return next;
}
