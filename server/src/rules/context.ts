// What every rule sees: the file's text, its items, the solver's answers, and the manual impls of
// Send/Sync with their SAFETY comments already found (also those written inside `macro_rules!`
// bodies, which tree-sitter leaves as token trees: they are found by reparsing the body). Rules
// return findings; none knows LSP.
import { nodesOfType, type SyntaxNode, type SyntaxTree } from '../syntax/parser';
import type { FileItems, ImplDef, TypeDef } from '../model/lower';
import { pathSegments } from '../model/lower';
import type { AutoTrait, Position, Range } from '../model/report';
import type { ManualImpl, Solution } from '../traits/infer';
import { analyzeFutures, type CrateFutures, type FileFutures, type FnFuturesReuse } from '../futures/analyze';
import { TextLines } from './text-lines';
import {
  allowedCodes,
  findMacroSafetyComment,
  findSafetyComment,
  previousItem,
  type SafetyComment,
} from './safety-comment';

/** What every `unsafe impl Send/Sync` has, wherever it is written. */
export interface ImplSite {
  trait: AutoTrait;
  /** The header `unsafe impl<T> Send for X<T>`, where findings point. */
  range: Range;
  /** Where the `unsafe` keyword is: a comment for the impl goes on the line above. */
  start: Position;
  /** The type as written, whitespace collapsed (`$t` inside a macro body). */
  typeText: string;
  safety: SafetyComment;
  /** Rule codes silenced on this impl by a `// rust-send-sync: allow(...)` comment above it. */
  allowed: Set<string>;
  /**
   * No SAFETY comment of its own, but it directly follows the impl of the other auto trait for
   * the same type, which has one (the pair a setting may accept under one comment).
   */
  pairCovered: boolean;
}

/** An `unsafe impl Send/Sync` in the file, matched to its type when the type is in the file. */
export interface UnsafeImpl extends ImplSite {
  impl: ImplDef;
  manual?: ManualImpl;
  def?: TypeDef;
}

/** An `unsafe impl Send/Sync` written in a `macro_rules!` body: only its comment is checked. */
interface MacroUnsafeImpl extends ImplSite {
  macroName: string;
}

export interface RuleContext {
  /** The file's syntax tree, for rules that read more than the items (method signatures...). */
  root: SyntaxNode;
  text: string;
  lines: TextLines;
  items: FileItems;
  solution: Solution;
  unsafeImpls: UnsafeImpl[];
  macroImpls: MacroUnsafeImpl[];
  /** Every future of the file with its `Send` verdict, and the calls that require `Send`. */
  futures: FileFutures;
  /**
   * Every `impl` block of the file's tree by its type's last name (`Queue` for `impl<T> Tr for
   * q::Queue<T>`), in source order: the tree is searched, and each head read, once per analysis
   * (rules look up the impls of each type they judge; a scan per type was quadratic in a big file).
   */
  readonly implsByType: ReadonlyMap<string, readonly ImplHead[]>;
  /** Every fn of the file's tree, in source order. */
  readonly fnNodes: SyntaxNode[];
}

/** An `impl` block's head, as rules look it up (see RuleContext.implsByType). */
export interface ImplHead {
  node: SyntaxNode;
  typeNode: SyntaxNode;
  body: SyntaxNode | null;
  /** The trait's last name (`Debug` for `fmt::Debug`); undefined for an inherent impl. */
  traitName?: string;
  /** The id of the node holding the impl (its module's item list), read once: `parent` walks the tree. */
  readonly parentId: number | undefined;
}

/**
 * `def`'s impl blocks in the file: by its name, in the module that declares it, or in any module
 * when no other type of the file has that name.
 */
export function implsOf(ctx: RuleContext, def: TypeDef): readonly ImplHead[] {
  const heads = ctx.implsByType.get(def.name) ?? [];
  if (heads.length === 0 || ctx.items.types.filter((t) => t.name === def.name).length === 1) return heads;
  const scope = def.node.parent?.id;
  return heads.filter((head) => head.parentId === scope);
}

/** `Queue<T>`, `crate::a::Queue` -> `Queue`; undefined for other types (`&X`, `[X]`, tuples). */
export function baseName(node: SyntaxNode): string | undefined {
  if (node.type === 'generic_type') {
    const t = node.childForFieldName('type');
    return t ? baseName(t) : undefined;
  }
  if (node.type === 'type_identifier' || node.type === 'scoped_type_identifier') return pathSegments(node).pop();
  return undefined;
}

function implsByType(root: SyntaxNode): Map<string, ImplHead[]> {
  const out = new Map<string, ImplHead[]>();
  for (const node of nodesOfType(root, 'impl_item')) {
    const typeNode = node.childForFieldName('type');
    const base = typeNode ? baseName(typeNode) : undefined;
    if (!typeNode || base === undefined) continue;
    const traitNode = node.childForFieldName('trait');
    let parentId: number | undefined | null = null;
    const head: ImplHead = {
      node,
      typeNode,
      body: node.childForFieldName('body'),
      traitName: traitNode ? pathSegments(traitNode).pop() : undefined,
      get parentId() {
        if (parentId === null) parentId = node.parent?.id;
        return parentId;
      },
    };
    const list = out.get(base);
    if (list) list.push(head);
    else out.set(base, [head]);
  }
  return out;
}

/** Whether a `// rust-send-sync: allow(code)` comment silences `code` on this impl. */
export function isAllowed(site: ImplSite, code: string): boolean {
  return site.allowed.has(code);
}

/** Parses text with the file's own parser; the caller deletes the tree. */
export type Reparse = (text: string) => SyntaxTree;

export function nodeRange(from: SyntaxNode, to: SyntaxNode = from): Range {
  return {
    start: { line: from.startPosition.row, character: from.startPosition.column },
    end: { line: to.endPosition.row, character: to.endPosition.column },
  };
}

export function buildContext(
  root: SyntaxNode,
  text: string,
  items: FileItems,
  solution: Solution,
  reparse?: Reparse,
  crateFutures?: CrateFutures,
  reuse?: { cache: FnFuturesReuse; context: string },
): RuleContext {
  const lines = new TextLines(text);
  const unsafeImpls: UnsafeImpl[] = [];
  const sites = new Map<number, { node: SyntaxNode; site: ImplSite }>();
  const inactive = new Set(items.inactiveImpls);
  for (const impl of [...items.impls, ...items.inactiveImpls]) {
    // An impl a macro's expansion wrote is checked in the macro's body (macroImpls).
    if (!impl.unsafe || impl.negative || impl.expanded) continue;
    const t = impl.traitNode;
    if (t.type !== 'type_identifier' && t.type !== 'scoped_type_identifier') continue;
    const last = pathSegments(t).pop();
    if (last !== 'Send' && last !== 'Sync') continue;
    // An impl this build leaves out (`#[cfg]` off) is checked for its SAFETY comment only.
    const manual = inactive.has(impl) ? undefined : solution.manualImpls.find((m) => m.impl === impl);
    const resolved = solution.resolver.lookup(impl.scope, last);
    if (!manual && resolved.kind === 'trait') continue; // a local trait named Send
    const u: UnsafeImpl = { ...implSite(impl.node, last, lines), impl, manual, def: manual?.def };
    sites.set(impl.node.id, { node: impl.node, site: u });
    unsafeImpls.push(u);
  }
  markPairs(sites);
  const macroImpls = reparse ? findMacroImpls(root, lines, reparse) : [];
  const futures = analyzeFutures(root, items, solution, crateFutures, reuse, text);
  let impls: Map<string, ImplHead[]> | undefined;
  let fnNodes: SyntaxNode[] | undefined;
  return {
    root,
    text,
    lines,
    items,
    solution,
    unsafeImpls,
    macroImpls,
    futures,
    get implsByType() {
      return (impls ??= implsByType(root));
    },
    get fnNodes() {
      return (fnNodes ??= nodesOfType(root, 'function_item'));
    },
  };
}

/** `macroRow`: the row of the `macro_rules!` whose body holds the impl, if it is in one. */
function implSite(node: SyntaxNode, trait: AutoTrait, lines: TextLines, macroRow?: number): ImplSite {
  const typeNode = node.childForFieldName('type') ?? node;
  const headerEnd = node.namedChildren.find((c) => c?.type === 'where_clause') ?? typeNode;
  const range = nodeRange(node, headerEnd);
  const safety =
    macroRow === undefined ? findSafetyComment(node, lines) : findMacroSafetyComment(range.start.line, lines, macroRow);
  return {
    trait,
    range,
    start: range.start,
    typeText: sourceText(lines, nodeRange(typeNode)).replace(/\s+/g, ' '),
    safety,
    allowed: allowedCodes(safety.text),
    pairCovered: false,
  };
}

/** The source text of a range (from the lines, so it also works for reparsed macro bodies). */
function sourceText(lines: TextLines, r: Range): string {
  if (r.start.line === r.end.line) return lines.at(r.start.line).slice(r.start.character, r.end.character);
  const out = [lines.at(r.start.line).slice(r.start.character)];
  for (let i = r.start.line + 1; i < r.end.line; i++) out.push(lines.at(i));
  out.push(lines.at(r.end.line).slice(0, r.end.character));
  return out.join('\n');
}

/**
 * Sets `pairCovered` on the second impl of an adjacent Send+Sync pair for one type when only the
 * first has a SAFETY comment. `sites` holds one tree's impls (node ids are unique per tree).
 */
function markPairs(sites: Map<number, { node: SyntaxNode; site: ImplSite }>): void {
  for (const { node, site } of sites.values()) {
    if (site.safety.found) continue;
    const prev = previousItem(node);
    const first = prev ? sites.get(prev.id)?.site : undefined;
    if (first && first.trait !== site.trait && first.typeText === site.typeText && first.safety.found)
      site.pairCovered = true;
  }
}

/** `raw` is named by a comment: `` `raw` ``, `self.raw`, `.0`, or the bare word for longer names. */
export function commentNamesField(comment: string, field: string): boolean {
  const name = field.includes('.') ? field.slice(field.lastIndexOf('.') + 1) : field;
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp('`[^`]*\\b' + esc + '\\b[^`]*`').test(comment)) return true;
  if (new RegExp('\\.' + esc + '\\b').test(comment)) return true;
  return name.length >= 3 && !/^\d+$/.test(name) && new RegExp('\\b' + esc + '\\b').test(comment);
}

/** The fields whose own verdict for `trait` is not `yes`: the reason a manual impl exists. */
export function fieldsNeedingImpl(ctx: RuleContext, def: TypeDef, trait: AutoTrait) {
  return ctx.solution
    .fieldValues(def, trait)
    .filter(
      (f) =>
        (f.value.status === 'no' || f.value.status === 'unknown') &&
        !(f.ty.k === 'known' && f.ty.known.path === 'std::marker::PhantomData'),
    )
    .sort((a, b) => (a.value.status === 'no' ? 0 : 1) - (b.value.status === 'no' ? 0 : 1));
}

const IMPL_IN_TOKENS = /\bunsafe\s+impl\b[^{;]*\b(?:Send|Sync)\b[^{;]*\bfor\b/;

/**
 * The `unsafe impl Send/Sync` written in `macro_rules!` bodies (where clippy wants their comment),
 * found by reparsing each body that mentions one. The body is parsed at its own rows and columns
 * (padded with blank lines and spaces), with `$x` turned into `_x` and the `$( ... )*` repetition
 * marks blanked, so every position in the reparsed tree is a position in the file.
 */
function findMacroImpls(root: SyntaxNode, lines: TextLines, reparse: Reparse): MacroUnsafeImpl[] {
  const out: MacroUnsafeImpl[] = [];
  // Most files define no macro: a text search is much cheaper than a search of the tree.
  if (!lines.text.includes('macro_rules')) return out;
  for (const mac of nodesOfType(root, 'macro_definition')) {
    if (!mac) continue;
    const macroName = mac.childForFieldName('name')?.text ?? '?';
    for (const rule of mac.namedChildren) {
      const body = rule?.type === 'macro_rule' ? rule.childForFieldName('right') : null;
      if (!body || !IMPL_IN_TOKENS.test(body.text)) continue;
      const { row, column } = body.startPosition;
      const inner = neutralizeMetavariables(body.text.slice(1, -1));
      const tree = reparse('\n'.repeat(row) + ' '.repeat(column + 1) + inner);
      try {
        const sites = new Map<number, { node: SyntaxNode; site: ImplSite }>();
        for (const node of tree.rootNode.descendantsOfType('impl_item')) {
          if (!node || !node.children.some((c) => c?.type === 'unsafe') || node.children.some((c) => c?.type === '!'))
            continue;
          const traitNode = node.childForFieldName('trait');
          const last = traitNode ? pathSegments(traitNode).pop() : undefined;
          if (last !== 'Send' && last !== 'Sync') continue;
          const site: MacroUnsafeImpl = { ...implSite(node, last, lines, mac.startPosition.row), macroName };
          sites.set(node.id, { node, site });
          out.push(site);
        }
        markPairs(sites);
      } finally {
        tree.delete();
      }
    }
  }
  return out;
}

/**
 * `$name` -> `_name`, `$( ... ),*` -> `   ...    `: the same length, so positions do not move,
 * and the body reads as ordinary items.
 */
export function neutralizeMetavariables(text: string): string {
  const chars = [...text];
  const repetitions: number[] = [];
  let depth = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '$' && chars[i + 1] === '(') {
      chars[i] = ' ';
      chars[i + 1] = ' ';
      repetitions.push(depth);
      depth++;
      i++;
      continue;
    }
    if (c === '$') {
      chars[i] = '_';
      continue;
    }
    if (c === '(') {
      depth++;
      continue;
    }
    if (c === ')') {
      depth--;
      if (repetitions.length && repetitions[repetitions.length - 1] === depth) {
        repetitions.pop();
        chars[i] = ' ';
        // An optional one-character separator, then `*`, `+` or `?`.
        const op = (j: number) => chars[j] === '*' || chars[j] === '+' || chars[j] === '?';
        if (op(i + 1)) chars[i + 1] = ' ';
        else if (chars[i + 1] !== undefined && !/\s/.test(chars[i + 1]) && op(i + 2)) {
          chars[i + 1] = ' ';
          chars[i + 2] = ' ';
        }
      }
    }
  }
  return chars.join('');
}
