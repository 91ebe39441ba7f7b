// What every rule sees: the file's text, its items, the solver's answers, and the manual impls of
// Send/Sync with their SAFETY comments already found. Rules return findings; none knows LSP.
import type { SyntaxNode } from '../../syntax/parser';
import type { FileItems, ImplDef, TypeDef } from '../../model/lower';
import { pathSegments } from '../../model/lower';
import type { AutoTrait, Finding, Range } from '../../model/report';
import type { ManualImpl, Solution } from '../../traits/infer';
import { findSafetyComment, type SafetyComment } from './safety-comment';

/** An `unsafe impl Send/Sync` in the file, matched to its type when the type is in the file. */
export interface UnsafeImpl {
  impl: ImplDef;
  trait: AutoTrait;
  /** The header `unsafe impl<T> Send for X<T>`, where findings point. */
  range: Range;
  manual?: ManualImpl;
  def?: TypeDef;
  safety: SafetyComment;
}

export interface RuleContext {
  /** The file's syntax tree, for rules that read more than the items (method signatures...). */
  root: SyntaxNode;
  text: string;
  lines: string[];
  items: FileItems;
  solution: Solution;
  unsafeImpls: UnsafeImpl[];
}

export type Rule = (ctx: RuleContext) => Finding[];

export function nodeRange(from: SyntaxNode, to: SyntaxNode = from): Range {
  return {
    start: { line: from.startPosition.row, character: from.startPosition.column },
    end: { line: to.endPosition.row, character: to.endPosition.column },
  };
}

export function buildContext(root: SyntaxNode, text: string, items: FileItems, solution: Solution): RuleContext {
  const lines = text.split(/\r?\n|\r/);
  const unsafeImpls: UnsafeImpl[] = [];
  for (const impl of items.impls) {
    if (!impl.unsafe || impl.negative) continue;
    const t = impl.traitNode;
    if (t.type !== 'type_identifier' && t.type !== 'scoped_type_identifier') continue;
    const last = pathSegments(t).pop();
    if (last !== 'Send' && last !== 'Sync') continue;
    const manual = solution.manualImpls.find((m) => m.impl === impl);
    const resolved = solution.resolver.lookup(impl.scope, last);
    if (!manual && resolved.kind === 'trait') continue; // a local trait named Send
    const headerEnd = impl.generics.whereNode ?? impl.typeNode;
    unsafeImpls.push({
      impl,
      trait: last,
      range: nodeRange(impl.node, headerEnd),
      manual,
      def: manual?.def,
      safety: findSafetyComment(impl.node, lines),
    });
  }
  return { root, text, lines, items, solution, unsafeImpls };
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
    .filter((f) => f.value.status === 'no' || f.value.status === 'unknown')
    .sort((a, b) => (a.value.status === 'no' ? 0 : 1) - (b.value.status === 'no' ? 0 : 1));
}
