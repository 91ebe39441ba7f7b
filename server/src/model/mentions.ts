// Every place a file names a struct, enum or union (field types, `let x: T`, signatures, `impl`
// headers, paths in expressions' types), resolved to the declaration it means, so hover can
// answer on a mention as on the declaration itself.
import type { SyntaxNode } from '../syntax/parser';
import { MAX_NESTING, pathSegments, type Scope, type TypeDef } from './lower';
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

/** Nodes that declare generic parameters or an inline module for what is inside them. */
const SCOPING = new Set([
  'struct_item',
  'enum_item',
  'union_item',
  'function_item',
  'function_signature_item',
  'impl_item',
  'trait_item',
  'type_item',
  'mod_item',
]);
const NO_FRAME: { params?: string[]; mod?: string } = {};

/** What a node adds to the scope of its children: its generic parameters, or an inline module. */
function frameOf(node: SyntaxNode): { params?: string[]; mod?: string } {
  const tp = node.childForFieldName('type_parameters');
  const params = tp
    ? tp.namedChildren.filter((p): p is SyntaxNode => p !== null).map((p) => (p.childForFieldName('name') ?? p).text)
    : undefined;
  const mod = node.type === 'mod_item' ? node.childForFieldName('name')?.text : undefined;
  return { params, mod };
}

/** The path node a mention is about, if `node` is one (not a declaration's own name). */
function mentionTarget(node: SyntaxNode): SyntaxNode | undefined {
  if (node.type === 'scoped_type_identifier') return node;
  if (node.type !== 'type_identifier') return undefined;
  const parent = node.parent;
  const isDeclName = parent && DECLARATIONS.has(parent.type) && parent.childForFieldName('name')?.id === node.id;
  return isDeclName || parent?.type === 'scoped_type_identifier' ? undefined : node;
}

export function findMentions(
  root: SyntaxNode,
  fileScope: Scope,
  resolver: Resolver,
  reportOf: (def: TypeDef) => TypeReport,
): Mention[] {
  const mentions: Mention[] = [];
  const reports = new Map<TypeDef, TypeReport>();
  const record = (target: SyntaxNode, scope: Scope) => {
    const def = resolveMention(target, scope, resolver);
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
  // A cursor walk: O(1) per step, no recursion (input may nest deeper than the call stack), and
  // the generic parameters and inline modules around each node kept on a stack as it goes.
  const frames: { params?: string[]; mod?: string }[] = [];
  const inScope = (name: string) => frames.some((f) => f.params?.includes(name));
  const scopeHere = () => {
    let scope = fileScope;
    for (const f of frames) if (f.mod) scope = scope.mods.get(f.mod) ?? scope;
    return scope;
  };
  const cursor = root.walk();
  let descend = true;
  for (;;) {
    if (descend) {
      // Reading the node type from the cursor is cheap; making a node object is not: only for
      // the nodes that matter.
      const type = cursor.nodeType;
      const target =
        type === 'type_identifier' || type === 'scoped_type_identifier' ? mentionTarget(cursor.currentNode) : undefined;
      if (target) {
        const first = pathSegments(target)[0];
        if (first !== 'Self' && !(target.type === 'type_identifier' && inScope(first))) record(target, scopeHere());
      } else if (type !== 'type_identifier' && frames.length < MAX_NESTING * 4) {
        const frame = SCOPING.has(type) ? frameOf(cursor.currentNode) : NO_FRAME;
        if (cursor.gotoFirstChild()) {
          frames.push(frame);
          continue;
        }
      }
    }
    if (cursor.gotoNextSibling()) {
      descend = true;
      continue;
    }
    if (!cursor.gotoParent()) break;
    frames.pop();
    descend = false;
  }
  cursor.delete();
  return mentions;
}
