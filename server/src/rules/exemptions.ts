// What makes a missing bound a reviewer's "fine, and here is why" rather than a bug: designs that
// enforce the bound another way, which missing-bound reports in the hover instead of warning.
// - a run-time owner-thread check: the type records the `ThreadId` that made it and compares it
//   with `thread::current().id()` before access (fragile-style wrappers): `T` never leaves its
//   thread, whatever the impl claims;
// - `unsafe fn` constructors with a `# Safety` section: every value is made by a caller who took
//   on the contract the comment states (raw-pointer wrappers over foreign handles);
// - a value the type never touches: held as `ManuallyDrop<T>` (the type's drop leaves it alone),
//   in no public field, reached by none of the type's own methods; whoever takes it out answers
//   for it (tokio's `ListEntry<T>`, behind a waker that never sees the value);
// - a value only ever built where the bound holds: private fields, and every `Type { .. }` of the
//   file in a fn that returns the type with a parameter bounded so (crossbeam's
//   `ScopedJoinHandle<T>`, made only by a `spawn` that asks `T: Send`, as std's `JoinHandle<T>`):
//   a `Type<Rc<u8>>` can be named but no value of it exists;
// - one value per thread: every `&self` method that gives out a reference finds the value by the
//   calling thread's id (thread_local's `ThreadLocal<T>::get`), so no two threads share a `&T` and
//   `T: Sync` is not needed.
import type { SyntaxNode } from '../syntax/parser';
import { attributesOf, memberOwner, nodesOfType, namedChildren } from '../syntax/parser';
import type { TypeDef } from '../model/lower';
import { pathSegments } from '../model/lower';
import type { AutoTrait } from '../model/report';
import { implsOf, type RuleContext } from './context';
import { hasWord, wordsAt } from '../syntax/words';

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
export function enforcedElsewhere(
  ctx: RuleContext,
  def: TypeDef,
  bound: string,
  needs: readonly { param: string; traits: readonly AutoTrait[] }[] = [],
): string | undefined {
  return (
    uninhabited(ctx, def, bound) ??
    ownerThreadCheck(ctx, def, bound) ??
    perThreadValues(ctx, def, bound, needs) ??
    unsafeConstructors(ctx, def, bound) ??
    builtUnderBound(ctx, def, bound, needs) ??
    unsafeTraitContract(ctx, def, bound, needs)
  );
}

/**
 * Each needed parameter is declared with a bound on an `unsafe trait` of the crate whose doc
 * speaks of sending or sharing (glib's `SendUniqueCell<T: SendUnique>`, "Like `Send` but only if
 * we have the unique reference"): implementing that trait is the promise, made with `unsafe`,
 * that the bound would have asked. Unsafe traits about something else (layout, `Pod`) do not count.
 */
function unsafeTraitContract(
  ctx: RuleContext,
  def: TypeDef,
  bound: string,
  needs: readonly { param: string; traits: readonly AutoTrait[] }[],
): string | undefined {
  if (needs.length === 0) return undefined;
  const contracts: string[] = [];
  for (const { param } of needs) {
    const declared = [
      ...(def.generics.params.find((p) => p.name === param)?.bounds ?? []),
      ...def.generics.where.filter((w) => w.left.text === param).flatMap((w) => w.bounds),
    ];
    const contract = declared.find((b) => {
      const path = b.type === 'generic_type' ? (b.childForFieldName('type') ?? b) : b;
      const item = ctx.solution.resolver.resolvePath(def.scope, pathSegments(path));
      if (item.kind !== 'trait') return false;
      const node = item.def.node;
      return node.children.some((c) => c?.type === 'unsafe') && /\b(?:Send|Sync|threads?)\b/.test(docComment(node));
    });
    if (!contract) return undefined;
    contracts.push(`\`${param}: ${contract.text}\``);
  }
  const which = contracts.length === 1 ? 'bounds the parameter' : 'bound the parameters';
  return `${contracts.join(', ')} ${which} by an \`unsafe trait\` whose doc speaks of \`Send\`, \`Sync\` or threads: its implementors promise, with \`unsafe\`, what ${bound} would ask`;
}

/**
 * Every value of `def` is made where `needs` hold: `def` is a struct with private fields declared
 * in this file's tree, in a module with no child module in another file (which could build it
 * too), no `macro_rules!` of the file names it, and each `Name { .. }` (or `Self { .. }` in its
 * impls) is in a fn whose result names `def` with, for each needed parameter, a parameter of the
 * fn or its impl bounded by the needed traits.
 */
function builtUnderBound(
  ctx: RuleContext,
  def: TypeDef,
  bound: string,
  needs: readonly { param: string; traits: readonly AutoTrait[] }[],
): string | undefined {
  if (needs.length === 0 || def.kind !== 'struct' || def.node.tree !== ctx.root.tree) return undefined;
  if (def.fields.some((f) => isPublic(f.typeNode)) || def.scope.module.outOfFileMods.size > 0) return undefined;
  if (def.node.childForFieldName('body')?.type !== 'field_declaration_list') return undefined;
  // `#[derive(Default)]` makes one for any parameter (with `Default`).
  if (attributesOf(def.node).some((a) => /\bderive\b[^\]]*\bDefault\b/.test(a))) return undefined;
  const name = def.name;
  const built = constructions(ctx);
  if (built.macros.some((m) => hasWord(m, name))) return undefined;
  const typeParams = def.generics.params.filter((p) => p.kind === 'type').map((p) => p.name);
  const sites = built.byName.get(name) ?? [];
  if (sites.length === 0) return undefined;
  const makers: string[] = [];
  for (const site of sites) {
    let fn: SyntaxNode | null = site.parent;
    while (fn && fn.type !== 'function_item') fn = fn.parent;
    const ret = fn?.childForFieldName('return_type');
    if (!fn || !ret) return undefined;
    const args = typeArgumentsOf(ret, name) ?? selfArguments(fn, ret, name);
    if (args?.length !== typeParams.length) return undefined;
    for (const need of needs) {
      const arg = args[typeParams.indexOf(need.param)];
      if (arg?.type !== 'type_identifier' || !need.traits.every((t) => boundedBy(fn, arg.text, t))) return undefined;
    }
    const fnName = `\`${fn.childForFieldName('name')?.text ?? '?'}\``;
    if (!makers.includes(fnName)) makers.push(fnName);
  }
  return `every \`${name}\` is made where ${bound} holds (in ${makers.join(', ')}, whose result it is), and its fields are private: a \`${name}\` with any other parameter cannot exist`;
}

/** The file's `Name { .. }` by the name of the type they build (`Self` as its impl's), and its `macro_rules!` texts. */
interface Constructions {
  byName: Map<string, SyntaxNode[]>;
  macros: string[];
}

/** Read once per analysis: each missing bound of a struct asks (the tree is walked once, not per type). */
const constructionsByContext = new WeakMap<RuleContext, Constructions>();

function constructions(ctx: RuleContext): Constructions {
  let found = constructionsByContext.get(ctx);
  if (!found) {
    const byName = new Map<string, SyntaxNode[]>();
    for (const e of nodesOfType(ctx.root, 'struct_expression')) {
      const n = e.childForFieldName('name');
      if (!n) continue;
      const name =
        n.text === 'Self'
          ? implTypeName(e)
          : pathSegments(n.type === 'generic_type_with_turbofish' ? (n.childForFieldName('type') ?? n) : n).pop();
      if (name !== undefined) byName.set(name, [...(byName.get(name) ?? []), e]);
    }
    found = { byName, macros: nodesOfType(ctx.root, 'macro_definition').map((m) => m.text) };
    constructionsByContext.set(ctx, found);
  }
  return found;
}

/** The impl `fn` is a method of, if any. */
function ownImplOf(fn: SyntaxNode): SyntaxNode | undefined {
  const owner = memberOwner(fn);
  return owner?.type === 'impl_item' ? owner : undefined;
}

/** The name of the type of the impl around `node`, if any. */
function implTypeName(node: SyntaxNode): string | undefined {
  let p = node.parent;
  while (p && p.type !== 'impl_item') p = p.parent;
  const t = p?.childForFieldName('type');
  if (!t) return undefined;
  return pathSegments(t.type === 'generic_type' ? (t.childForFieldName('type') ?? t) : t).pop();
}

/** The type arguments (lifetimes left out) of the first `name<..>` written in `ty`. */
function typeArgumentsOf(ty: SyntaxNode, name: string): SyntaxNode[] | undefined {
  const generic = [ty, ...ty.descendantsOfType('generic_type')].find(
    (g): g is SyntaxNode => g?.type === 'generic_type' && pathSegments(g.childForFieldName('type') ?? g).pop() === name,
  );
  const list = generic?.childForFieldName('type_arguments');
  return list ? namedChildren(list).filter((c) => c.type !== 'lifetime' && !c.type.endsWith('comment')) : undefined;
}

/** `-> Self` (or `Result<Self, E>`) in an impl of `name<..>`: the impl's type arguments. */
function selfArguments(fn: SyntaxNode, ret: SyntaxNode, name: string): SyntaxNode[] | undefined {
  const self = ret.text === 'Self' || ret.descendantsOfType('type_identifier').some((t) => t?.text === 'Self');
  const impl = ownImplOf(fn);
  if (!self || !impl || implTypeName(fn) !== name) return undefined;
  const t = impl.childForFieldName('type');
  return t ? typeArgumentsOf(t, name) : undefined;
}

/** Whether `param` is a type parameter of `fn` or of its impl, bounded by `trait` there or in a where clause. */
function boundedBy(fn: SyntaxNode, param: string, trait: AutoTrait): boolean {
  const mentions = new RegExp(`(^|[^\\w])${trait}\\b`);
  const impl = ownImplOf(fn);
  for (const owner of impl ? [fn, impl] : [fn]) {
    for (const p of owner.childForFieldName('type_parameters')?.namedChildren ?? []) {
      if (p?.type !== 'type_parameter' || p.childForFieldName('name')?.text !== param) continue;
      if (mentions.test(p.childForFieldName('bounds')?.text ?? '')) return true;
    }
    const where = owner.namedChildren.find((c) => c?.type === 'where_clause');
    for (const pred of where?.namedChildren ?? []) {
      if (pred?.childForFieldName('left')?.text !== param) continue;
      if (mentions.test(pred.childForFieldName('bounds')?.text ?? '')) return true;
    }
  }
  return false;
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
  const bodies = ownImpls(ctx, def)
    .flatMap(functions)
    .map((fn) => (fn.childForFieldName('body')?.text ?? '').replace(/\s+/g, ' '));
  // A `ThreadId`, or a number (glib's `thread_id: usize`, `SendWeakRef`'s `Option<usize>`,
  // fragile's `NonZeroUsize`, from a counter each thread reads once through a `thread_local!`)
  // compared with a fn that reads the calling thread's identity: one of this file, or one the
  // type's scope names (another file's, as `thread_id()` or by its path, `thread_id::get()`).
  const numbers = new RegExp(`^(?:${THREAD_NUMBER}|Option<${THREAD_NUMBER}>)$`);
  let fns: string[] | undefined;
  for (const field of def.fields) {
    const text = field.typeNode.text.replace(/\s+/g, '');
    const threadId = /\bThreadId\b/.test(text);
    if (!threadId && !numbers.test(text)) continue;
    const name = field.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    fns ??= [...threadIdentityFns(ctx), ...calledIdentityFns(ctx, def, bodies)];
    // `current()` is `thread::current()`, compared through its `.id()`: only with a `ThreadId`.
    const identity = threadId ? ['current', ...fns] : fns;
    if (identity.length === 0) continue;
    const call = identity.map((f) => `\\b${f}\\(\\)`).join('|');
    const compares = new RegExp(
      `\\.${name}\\b[^;]*(==|!=)[^;]*(${call})|(${call})[^;]*(==|!=)[^;]*\\.${name}\\b|assert(_eq|_ne)?!\\([^;]*\\.${name}\\b[^;]*(${call})`,
    );
    const checks = bodies.filter((b) => compares.test(b)).length;
    if (checks === 0) continue;
    const against = threadId ? '`thread::current().id()`' : "the calling thread's id";
    return `\`${def.name}\` checks at run time that it is used on the thread that made it (\`${field.name}\` against ${against}, in ${checks} method${checks === 1 ? '' : 's'}), which stands in for ${bound} as long as every access and the drop check it`;
  }
  return undefined;
}

/**
 * The fns without arguments that the type's methods call (`thread_id()`, `thread_id::get()`) and
 * that the type's scope resolves to a fn of another file reading the calling thread's identity
 * (see readsThreadIdentity), as called (a path keeps its modules).
 */
function calledIdentityFns(ctx: RuleContext, def: TypeDef, bodies: string[]): string[] {
  const own = new Set(threadIdentityFns(ctx));
  const names = new Set<string>();
  for (const body of bodies)
    for (const m of body.matchAll(/\b(?:(?:[a-z_]\w*::)+)?([a-z_]\w*)\(\)/g))
      for (const name of [m[0].slice(0, -2), m[1]]) if (!own.has(name)) names.add(name);
  return [...names].filter((name) => {
    const fn = ctx.solution.resolver.resolveFn(def.scope, name.split('::'));
    return fn !== undefined && fn.node.tree !== ctx.root.tree && readsThreadIdentity(fn.node);
  });
}

/**
 * The file's fns without parameters, giving a number or a `ThreadId`, whose body reads the calling
 * thread's identity: through a `thread_local!` (`THREAD_ID.with(|&x| x)`), `thread::current().id()`
 * or `thread_id::get()`.
 */
function threadIdentityFns(ctx: RuleContext): string[] {
  let out = threadIdentityByContext.get(ctx);
  if (out) return out;
  threadIdentityByContext.set(ctx, (out = []));
  for (const fn of ctx.fnNodes) {
    const name = fn.childForFieldName('name')?.text;
    if (name && readsThreadIdentity(fn)) out.push(name);
  }
  return out;
}

/** Whether a fn without parameters gives a number or a `ThreadId` read from the calling thread's identity (see threadIdentityFns). */
function readsThreadIdentity(fn: SyntaxNode): boolean {
  const params = fn.childForFieldName('parameters');
  const body = fn.childForFieldName('body')?.text ?? '';
  const result = fn.childForFieldName('return_type')?.text ?? '';
  if (!params || params.namedChildCount > 0 || !new RegExp(`^(?:${THREAD_NUMBER}|(?:\\w+::)*ThreadId)$`).test(result))
    return false;
  return /\bthread_local!/.test(body) || THREAD_ID_CALL.test(body);
}

/** Read once per analysis: every type with a thread-named field asks (see threadIdentityFns). */
const threadIdentityByContext = new WeakMap<RuleContext, string[]>();

/** A number that can name a thread: plain, or non-zero (`NonZeroUsize`, so that `Option` of it is as small). */
const THREAD_NUMBER = '(?:usize|u64|u32|(?:\\w+::)*NonZero(?:Usize|U64|U32))';

/** A call that gives the calling thread's id: `thread::current().id()`, thread_local's `thread_id::get()`. */
const THREAD_ID_CALL = /\bthread_id::get\s*\(\s*\)|\bcurrent\s*\(\s*\)\s*\.\s*id\s*\(\s*\)/;

/**
 * Only `Sync` is asked, and every public `&self` method of the type's own impls that returns a reference
 * (and is not itself bounded by `Sync`) reaches a lookup by the calling thread's id: in its body,
 * or in a method of the type it calls (`self.get_inner(..)`, `Self::get_or_try(..)`).
 */
function perThreadValues(
  ctx: RuleContext,
  def: TypeDef,
  bound: string,
  needs: readonly { param: string; traits: readonly AutoTrait[] }[],
): string | undefined {
  if (needs.length === 0 || needs.some((n) => n.traits.some((t) => t !== 'Sync'))) return undefined;
  const fns = ownImpls(ctx, def)
    .filter((impl) => !impl.childForFieldName('trait'))
    .flatMap(functions);
  const nameOf = (fn: SyntaxNode) => fn.childForFieldName('name')?.text ?? '';
  const bodyOf = (fn: SyntaxNode) => fn.childForFieldName('body')?.text ?? '';
  // The methods that reach a lookup, directly or through another method of the type.
  const reaches = new Set(fns.filter((fn) => THREAD_ID_CALL.test(bodyOf(fn))).map(nameOf));
  for (let grew = reaches.size > 0; grew;) {
    grew = false;
    for (const fn of fns) {
      if (reaches.has(nameOf(fn))) continue;
      const calls = [...bodyOf(fn).matchAll(/\b(?:self|Self)\s*(?:\.|::)\s*(\w+)\s*\(/g)].map((m) => m[1]);
      if (calls.some((c) => reaches.has(c))) {
        reaches.add(nameOf(fn));
        grew = true;
      }
    }
  }
  if (reaches.size === 0) return undefined;
  const givers = fns.filter((fn) => {
    const self = namedChildren(fn.childForFieldName('parameters') ?? fn).find((p) => p.type === 'self_parameter');
    const shared = self !== undefined && self.text.startsWith('&') && !/\bmut\b/.test(self.text);
    const ret = fn.childForFieldName('return_type')?.text ?? '';
    const boundedSync = /\bSync\b/.test(
      `${fn.childForFieldName('type_parameters')?.text ?? ''} ${fn.namedChildren.find((c) => c?.type === 'where_clause')?.text ?? ''}`,
    );
    const public_ = fn.namedChildren.some((c) => c?.type === 'visibility_modifier');
    return public_ && shared && ret.includes('&') && !boundedSync;
  });
  if (givers.length === 0 || givers.some((fn) => !reaches.has(nameOf(fn)))) return undefined;
  const names = givers.map((fn) => `\`${nameOf(fn)}\``).join(', ');
  return `\`${def.name}\` keeps one value per thread: ${names} find${givers.length === 1 ? 's' : ''} it by the calling thread's id, so no two threads share a reference to one, and ${bound} is not needed for it`;
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

/** Calls that hand a guard on whole: the result is the guard again (or holds it). */
const PASSING_CALLS = /(?:^|::)(?:downgrade|Some|Arc::new|Box::new)$/;
/** Calls that end a guard's way: it is dropped or forgotten there. */
const ENDING_CALLS = /(?:^|::)(?:drop|forget)$/;
const MOVE_DEPTH = 6;

/**
 * The private fields that only keep a lock held: a lock guard (`_guard: RwLockReadGuard<'a,
 * HashMap<K, V, S>>`, or one in an `Arc`, `Box` or `Option`; `isGuard` says which types are
 * guards) that no code of the file reaches through. Every read of the field moves it on whole:
 * into a struct literal's field, a `let` whose variable goes the same way, `Guard::downgrade`,
 * `Arc::new`/`Box::new`/`Some`, `drop`/`forget`, or a `new` of the file's own types whose
 * parameter goes the same way. Nothing reads the guarded value through the type (dashmap's
 * `Ref`, which reads its key and value through pointers of its own), so sending or sharing the
 * type moves the lock, not the value: the value's parameters need no bound for that field.
 */
export function lockKeepingFields(ctx: RuleContext, def: TypeDef, isGuard: (field: string) => boolean): Set<string> {
  const out = new Set<string>();
  for (const f of def.fields) {
    if (!/^[A-Za-z_]\w*$/.test(f.name) || isPublic(f.typeNode) || !isGuard(f.name)) continue;
    if (onlyMovedWhole(ctx, f.name)) out.add(f.name);
  }
  return out;
}

/** Whether every mention of a field named `name` in the file moves the field on whole (see lockKeepingFields). */
function onlyMovedWhole(ctx: RuleContext, name: string): boolean {
  // Found from the name's places in the text: a walk of every identifier of a large file, on
  // every edit, was an eighth of the slowest edits' time.
  const root = ctx.root;
  for (const at of wordsAt(root.text, name)) {
    const start = root.startIndex + at;
    const node = root.descendantForIndex(start, start + name.length);
    if (!node || !MENTIONS.has(node.type) || node.text !== name) continue;
    const parent = node.parent;
    if (!parent) continue;
    switch (parent.type) {
      case 'field_expression':
        if (parent.childForFieldName('field')?.id === node.id && !movedOn(ctx, parent, 0)) return false;
        break;
      case 'field_pattern':
        // `let Ref { _guard, .. } = r;`: the field taken apart, its value in a variable.
        return false;
      case 'token_tree':
        // `self._guard` inside a macro call: read as tokens, so not followed.
        if (node.previousSibling?.text === '.') return false;
        break;
    }
  }
  return true;
}

/** The nodes that name a field (see onlyMovedWhole). */
const MENTIONS = new Set(['field_identifier', 'shorthand_field_identifier', 'identifier']);

/** Whether the value of `expr` is only moved on whole (see lockKeepingFields). */
function movedOn(ctx: RuleContext, expr: SyntaxNode, depth: number): boolean {
  if (depth > MOVE_DEPTH) return false;
  const parent = expr.parent;
  if (!parent) return false;
  switch (parent.type) {
    case 'parenthesized_expression':
      return movedOn(ctx, parent, depth);
    case 'shorthand_field_initializer':
      return true;
    case 'field_initializer':
      return parent.childForFieldName('value')?.id === expr.id;
    case 'let_declaration': {
      const pattern = parent.childForFieldName('pattern');
      if (parent.childForFieldName('value')?.id !== expr.id || pattern?.type !== 'identifier') return false;
      const scope = parent.parent;
      return scope ? usesOf(scope, pattern).every((use) => movedOn(ctx, use, depth + 1)) : false;
    }
    case 'arguments': {
      const call = parent.parent;
      const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
      if (!call || !callee) return false;
      const path = callee.text.replace(/\s+/g, '');
      if (ENDING_CALLS.test(path)) return true;
      if (PASSING_CALLS.test(path)) return movedOn(ctx, call, depth + 1);
      const param = constructorParam(
        ctx,
        path,
        namedChildren(parent).findIndex((a) => a.id === expr.id),
      );
      if (!param) return false;
      const body = param.fn.childForFieldName('body');
      return body ? usesOf(body, param.pattern).every((use) => movedOn(ctx, use, depth + 1)) : false;
    }
    default:
      return false;
  }
}

/** `Ref::new`'s `index`th parameter, for a `Ref` of the file with one inherent `new`. */
function constructorParam(
  ctx: RuleContext,
  path: string,
  index: number,
): { fn: SyntaxNode; pattern: SyntaxNode } | undefined {
  const m = /^(\w+)::new$/.exec(path);
  if (!m || index < 0) return undefined;
  const fns = (ctx.implsByType.get(m[1]) ?? [])
    .filter((head) => head.traitName === undefined)
    .flatMap((head) => functions(head.node))
    .filter((fn) => fn.childForFieldName('name')?.text === 'new');
  if (fns.length !== 1) return undefined;
  const params = fns[0].childForFieldName('parameters');
  const list = params ? namedChildren(params).filter((p) => p.type === 'parameter') : [];
  const pattern = list[index]?.childForFieldName('pattern');
  return pattern?.type === 'identifier' ? { fn: fns[0], pattern } : undefined;
}

/** The mentions of the variable bound by `pattern` in `scope`, after it. */
function usesOf(scope: SyntaxNode, pattern: SyntaxNode): SyntaxNode[] {
  return nodesOfType(scope, 'identifier').filter((n) => n.text === pattern.text && n.startIndex > pattern.endIndex);
}
