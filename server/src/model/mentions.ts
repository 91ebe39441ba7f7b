// Every place a file names a struct, enum or union (field types, `let x: T`, signatures, `impl`
// headers, paths in expressions' types), resolved to the declaration it means, so hover can
// answer on a mention as on the declaration itself.
import type { SyntaxNode } from '../syntax/parser';
import { pathSegments, type Scope, type TypeDef } from './lower';
import type { Resolver } from './resolve';
import type { Mention, TypeReport } from './report';

export type { Mention };

const DECLARATIONS = new Set(['struct_item', 'enum_item', 'union_item', 'type_item', 'trait_item']);

/** The type a path node names, or undefined (a generic parameter, a std type, unresolved). */
function resolveMention(node: SyntaxNode, scope: Scope, resolver: Resolver): TypeDef | undefined {
  const segments = pathSegments(node);
  if (segments.some((s) => s === '')) return undefined;
  let item = segments.length === 1 ? resolver.lookup(scope, segments[0]) : resolver.resolvePath(scope, segments);
  for (let hops = 0; item.kind === 'alias' && hops < 8; hops++) {
    // `type Shared = Inner;`: an alias of a plain path names that type.
    const target = item.def.typeNode;
    if (!target || (target.type !== 'type_identifier' && target.type !== 'scoped_type_identifier')) return undefined;
    const s = pathSegments(target);
    item = s.length === 1 ? resolver.lookup(item.def.scope, s[0]) : resolver.resolvePath(item.def.scope, s);
  }
  return item.kind === 'type' ? item.def : undefined;
}

/** Generic parameter names declared by `node` and the items around it. */
function paramsInScope(node: SyntaxNode): Set<string> {
  const names = new Set<string>();
  for (let n: SyntaxNode | null = node; n; n = n.parent) {
    const tp = n.childForFieldName('type_parameters');
    if (tp) for (const p of tp.namedChildren) if (p) names.add((p.childForFieldName('name') ?? p).text);
  }
  return names;
}

/** The module scope `node` is in: its file's scope, then down the inline `mod`s around it. */
function scopeOf(node: SyntaxNode, fileScope: Scope): Scope {
  const mods: string[] = [];
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'mod_item') {
      const name = n.childForFieldName('name')?.text;
      if (name) mods.unshift(name);
    }
  }
  let scope = fileScope;
  for (const m of mods) scope = scope.mods.get(m) ?? scope;
  return scope;
}

/** The path node a mention is about, if `node` is one (not a declaration's own name). */
function mentionTarget(node: SyntaxNode): SyntaxNode | undefined {
  if (node.type === 'scoped_type_identifier') return node;
  if (node.type !== 'type_identifier') return undefined;
  const parent = node.parent;
  const isDeclName = parent && DECLARATIONS.has(parent.type) && parent.childForFieldName('name')?.id === node.id;
  return isDeclName || parent?.type === 'scoped_type_identifier' ? undefined : node;
}

export function findMentions(root: SyntaxNode, fileScope: Scope, resolver: Resolver, reportOf: (def: TypeDef) => TypeReport): Mention[] {
  const mentions: Mention[] = [];
  const reports = new Map<TypeDef, TypeReport>();
  const record = (target: SyntaxNode) => {
    const first = pathSegments(target)[0];
    if (first === 'Self' || (target.type === 'type_identifier' && paramsInScope(target).has(first))) return;
    const def = resolveMention(target, scopeOf(target, fileScope), resolver);
    if (!def) return;
    let report = reports.get(def);
    if (!report) {
      report = reportOf(def);
      reports.set(def, report);
    }
    mentions.push({
      range: {
        start: { line: target.startPosition.row, character: target.startPosition.column },
        end: { line: target.endPosition.row, character: target.endPosition.column },
      },
      type: report,
    });
  };
  // A cursor walk: O(1) per step, and no recursion (real files nest deeper than the call stack).
  const cursor = root.walk();
  let descend = true;
  for (;;) {
    if (descend) {
      const node = cursor.currentNode;
      const target = mentionTarget(node);
      if (target) record(target);
      else if (cursor.gotoFirstChild()) continue;
    }
    if (cursor.gotoNextSibling()) {
      descend = true;
      continue;
    }
    if (!cursor.gotoParent()) break;
    descend = false;
  }
  cursor.delete();
  return mentions;
}
