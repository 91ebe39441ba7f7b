// What makes a missing bound a reviewer's "fine, and here is why" rather than a bug: designs that
// enforce the bound another way, which missing-bound reports in the hover instead of warning.
// - a run-time owner-thread check: the type records the `ThreadId` that made it and compares it
//   with `thread::current().id()` before access (fragile-style wrappers): `T` never leaves its
//   thread, whatever the impl claims;
// - `unsafe fn` constructors with a `# Safety` section: every value is made by a caller who took
//   on the contract the comment states (raw-pointer wrappers over foreign handles);
// - a value the type never touches: held as `ManuallyDrop<T>` (the type's drop leaves it alone),
//   in no public field, reached by none of the type's own methods; whoever takes it out answers
//   for it (tokio's `ListEntry<T>`, behind a waker that never sees the value).
import type { SyntaxNode } from '../syntax/parser';
import { namedChildren } from '../syntax/parser';
import type { TypeDef } from '../model/lower';
import { pathSegments } from '../model/lower';
import { implsOf, type RuleContext } from './context';

/** The file's impl blocks (any trait but Send/Sync) whose type is `def` (see implsOf). */
function ownImpls(ctx: RuleContext, def: TypeDef): SyntaxNode[] {
  return implsOf(ctx, def)
    .filter(({ traitName }) => traitName !== 'Send' && traitName !== 'Sync')
    .map(({ node }) => node);
}

function functions(impl: SyntaxNode): SyntaxNode[] {
  const body = impl.childForFieldName('body');
  return body ? namedChildren(body).filter((c) => c.type === 'function_item') : [];
}

/**
 * A design that enforces the auto trait at run time or by contract, said in one sentence, or
 * undefined. `bound` is what the impl would need (`` `T: Send` ``), for the sentence.
 */
export function enforcedElsewhere(ctx: RuleContext, def: TypeDef, bound: string): string | undefined {
  return uninhabited(ctx, def, bound) ?? ownerThreadCheck(ctx, def, bound) ?? unsafeConstructors(ctx, def, bound);
}

/**
 * A struct with a field of a type that has no values (an enum without variants, `Infallible`,
 * `!`) has none either: no value of it ever reaches another thread, whatever its impls claim
 * (hyper's `Neutered<B>`, a type the compiler must see and no code builds).
 */
function uninhabited(ctx: RuleContext, def: TypeDef, bound: string): string | undefined {
  if (def.kind !== 'struct') return undefined;
  for (const field of def.fields) {
    if (field.cfgUndecided) continue;
    const node = field.typeNode;
    let empty = node.type === 'never_type' || /^((core|std)::convert::)?Infallible$/.test(node.text);
    if (!empty && (node.type === 'type_identifier' || node.type === 'scoped_type_identifier')) {
      const item =
        node.type === 'type_identifier'
          ? ctx.solution.resolver.lookup(def.scope, node.text)
          : ctx.solution.resolver.resolvePath(def.scope, pathSegments(node));
      const body = item.kind === 'type' && item.def.kind === 'enum' ? item.def.node.childForFieldName('body') : null;
      empty = body !== null && !namedChildren(body).some((c) => c.type === 'enum_variant');
    }
    if (empty)
      return `\`${def.name}\` has no values: its field \`${field.name}: ${node.text}\` is of a type without any, so no \`${def.name}\` ever reaches another thread and ${bound} cannot matter`;
  }
  return undefined;
}

function ownerThreadCheck(ctx: RuleContext, def: TypeDef, bound: string): string | undefined {
  const field = def.fields.find((f) => /\bThreadId\b/.test(f.typeNode.text));
  if (!field) return undefined;
  const bodies = ownImpls(ctx, def)
    .flatMap(functions)
    .map((fn) => fn.childForFieldName('body')?.text ?? '');
  const name = field.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const compares = new RegExp(
    `\\.${name}\\b[^;]*(==|!=)[^;]*current\\(\\)|current\\(\\)[^;]*(==|!=)[^;]*\\.${name}\\b|assert(_eq|_ne)?!\\([^;]*\\.${name}\\b[^;]*current\\(\\)`,
  );
  const checks = bodies.filter((b) => compares.test(b.replace(/\s+/g, ' '))).length;
  if (checks === 0) return undefined;
  return `\`${def.name}\` checks at run time that it is used on the thread that made it (\`${field.name}\` against \`thread::current().id()\`, in ${checks} method${checks === 1 ? '' : 's'}), which stands in for ${bound} as long as every access and the drop check it`;
}

function unsafeConstructors(ctx: RuleContext, def: TypeDef, bound: string): string | undefined {
  if (def.fields.some((f) => isPublic(f.typeNode))) return undefined;
  const constructors = ownImpls(ctx, def)
    .filter((impl) => !impl.childForFieldName('trait'))
    .flatMap(functions)
    .filter((fn) => {
      const ret = fn.childForFieldName('return_type')?.text ?? '';
      const params = fn.childForFieldName('parameters');
      const hasSelf = params ? namedChildren(params).some((p) => p.type === 'self_parameter') : false;
      return !hasSelf && (ret === 'Self' || new RegExp(`^${def.name}\\b`).test(ret));
    });
  if (constructors.length === 0) return undefined;
  const contracted = constructors.filter((fn) => isUnsafe(fn) && /#\s*Safety/.test(docComment(fn)));
  if (contracted.length !== constructors.length) return undefined;
  const names = contracted.map((fn) => `\`${fn.childForFieldName('name')?.text ?? '?'}\``).join(', ');
  return `every constructor of \`${def.name}\` (${names}) is an \`unsafe fn\` whose \`# Safety\` section hands its caller the contract, so the caller answers for ${bound}`;
}

/**
 * The fields that hold a value the type never touches: `ManuallyDrop<..>` (possibly in a cell),
 * private, and reached by none of the type's own methods (`.value` nowhere in its impls).
 */
export function untouchedFields(ctx: RuleContext, def: TypeDef): Set<string> {
  const bodies = ownImpls(ctx, def)
    .flatMap(functions)
    .map((fn) => fn.childForFieldName('body')?.text ?? '')
    .join('\n');
  const out = new Set<string>();
  for (const f of def.fields) {
    if (!/\bManuallyDrop\s*</.test(f.typeNode.text) || isPublic(f.typeNode)) continue;
    if (new RegExp(`\\.\\s*${f.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(bodies)) continue;
    out.add(f.name);
  }
  return out;
}

function isPublic(typeNode: SyntaxNode): boolean {
  return typeNode.parent?.children.some((c) => c?.type === 'visibility_modifier') ?? false;
}

function isUnsafe(fn: SyntaxNode): boolean {
  return fn.namedChildren.some((c) => c?.type === 'function_modifiers' && /\bunsafe\b/.test(c.text));
}

/** The `///` lines right above an item (attributes skipped). */
function docComment(fn: SyntaxNode): string {
  const lines: string[] = [];
  for (let p = fn.previousNamedSibling; p; p = p.previousNamedSibling) {
    if (p.type === 'attribute_item') continue;
    if (p.type !== 'line_comment' || !p.text.startsWith('///')) break;
    lines.unshift(p.text);
  }
  return lines.join('\n');
}
