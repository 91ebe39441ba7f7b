// What a type's `&self` API does with its type parameters, read from the impl blocks of the file:
// that, not the fields, decides which bound `Sync` needs (what threads sharing a `&X<T>` can do
// is exactly what the `&self` methods let them do):
// - handing out `&T` (`fn get(&self) -> &T`, `Option<&T>`, a `Ref`-like guard, `impl Deref<Target
//   = T> for X`, `impl Deref<Target = T>` returned) lets two threads read one `T`: `T: Sync`;
//   cloning a `T` through `&self` (a `T: Clone` method returning `T`, and `Clone::clone`, whose
//   new value's access to its own elements is not access to these) is the same;
// - moving a `T` in or out through `&self` (`push(&self, T)`, `pop(&self) -> Option<T>`, a
//   closure returning the `T` to store) lets a `T` made on one thread be used or dropped on
//   another: `T: Send`; so does handing out `&mut T` one thread at a time (a lock guard with
//   `DerefMut`): `T: Send`.
// Anything not recognised (raw pointers, `Arc<T>`, foreign types) says nothing: when in doubt, no
// need is inferred. Reads the signatures' syntax (references, `impl Trait` bindings, closures);
// named types go through the resolver to the std table, or to the file's own `Deref` impls.
import type { SyntaxNode } from '../syntax/parser';
import { namedChildren } from '../syntax/parser';
import type { TypeDef } from '../model/lower';
import { pathSegments } from '../model/lower';
import { KNOWN_TYPES, type Access } from '../model/known-types';
import type { AutoTrait } from '../model/report';
import type { Ty } from '../model/resolve';
import { baseName, implsOf, type RuleContext } from './context';
import { hasWord, wordMatches } from '../syntax/words';

export interface ApiNeed {
  /** The type's own parameter name. */
  param: string;
  need: AutoTrait;
  /** The method and what it does: "`Queue<T>::pop(&self) -> Option<T>` moves a `T` out through a shared reference". */
  why: string;
}

type Mode = 'owned' | 'shared' | 'exclusive';

// Guards of the lock crates (lock_api, spin) named when their crate is not read: std's guards and
// wrappers are rows of the std table (their `access` column, checked with rustc).
const LOCK_CRATE_GUARDS = new Map<string, Access>([
  ['MappedRwLockReadGuard', 'shared'],
  ['MappedMutexGuard', 'exclusive'],
  ['MappedRwLockWriteGuard', 'exclusive'],
  ['SpinMutexGuard', 'exclusive'],
]);

/** The std table's `access` by a type's last name, for names the resolver cannot follow. */
const STD_ACCESS_BY_NAME = new Map<string, Access>(
  KNOWN_TYPES.flatMap((row) => (row.access ? [[row.path.split('::').pop()!, row.access] as const] : [])),
);

/**
 * Answers kept for one analysis (its rule context): the missing-bound rule asks about the same
 * types again for every impl, and for every type it looks through on the way.
 */
function perAnalysis<K, V>(compute: (ctx: RuleContext, key: K) => V): (ctx: RuleContext, key: K) => V {
  const byContext = new WeakMap<RuleContext, Map<K, V>>();
  return (ctx, key) => {
    let known = byContext.get(ctx);
    if (!known) byContext.set(ctx, (known = new Map<K, V>()));
    if (!known.has(key)) known.set(key, compute(ctx, key));
    return known.get(key)!;
  };
}

/** The `&self` API's needs of `def`'s parameters, one entry per (parameter, bound, first reason). */
export const syncApiNeeds = perAnalysis(apiNeeds);

function apiNeeds(ctx: RuleContext, def: TypeDef): ApiNeed[] {
  const needs: ApiNeed[] = [];
  const add = (n: ApiNeed) => {
    if (!needs.some((x) => x.param === n.param && x.need === n.need)) needs.push(n);
  };
  for (const { body, owner, traitName, reader, methods } of implBlocks(ctx, def)) {
    if (traitName === 'Deref') {
      const target = assocType(body, 'Target');
      if (target) {
        for (const u of reader.read(target, 'shared')) {
          add({
            param: u.param,
            need: 'Sync',
            why: `\`impl Deref for ${owner}\` (\`Target = ${target.text}\`) gives out \`&${u.shown}\` to every thread sharing it`,
          });
        }
      }
    }
    for (const { fn, receiver, sig, ret, inputs } of methods) {
      if (receiver !== 'shared') continue;
      const bounds = (name: string) => reader.boundsOf(name, fn);
      // `Clone::clone` returns a new value of new elements, whatever access that value gives to
      // its own: the elements of this one are only read, to be cloned.
      const clones = traitName === 'Clone' && fn.childForFieldName('name')?.text === 'clone';
      for (const u of ret ? reader.read(ret, 'owned', fn) : []) {
        if (clones)
          add({ param: u.param, need: 'Sync', why: `${sig} clones a \`${u.shown}\` through a shared reference` });
        else if (u.mode === 'shared')
          add({ param: u.param, need: 'Sync', why: `${sig} gives out \`&${u.shown}\` to every thread sharing it` });
        else if (u.mode === 'exclusive')
          add({
            param: u.param,
            need: 'Send',
            why: `${sig} gives out \`&mut ${u.shown}\` through a shared reference, one thread at a time`,
          });
        else if (
          bounds(u.implName).some((b) => /\bClone\b/.test(b)) &&
          !bounds(u.implName).some((b) => /\bCopy\b/.test(b))
        ) {
          add({ param: u.param, need: 'Sync', why: `${sig} clones a \`${u.shown}\` through a shared reference` });
        } else
          add({ param: u.param, need: 'Send', why: `${sig} moves a \`${u.shown}\` out through a shared reference` });
      }
      for (const ty of inputs) {
        for (const u of reader.readInput(ty, fn)) {
          add({ param: u.param, need: 'Send', why: `${sig} moves a \`${u.shown}\` in through a shared reference` });
        }
      }
    }
  }
  return needs;
}

/**
 * What the whole API says a value holds, for parameters its fields mention only in markers
 * (`PhantomData<(K, V)>` over type-erased storage): a method of any receiver, or a constructor,
 * that takes a `T` by value or gives one out (by value, `&T` or `&mut T`) treats the type as
 * holding `T`, so sending the value sends a `T`: `T: Send`.
 */
export const heldThroughApi = perAnalysis(apiHolds);

function apiHolds(ctx: RuleContext, def: TypeDef): ApiNeed[] {
  const needs: ApiNeed[] = [];
  for (const { owner, reader, methods } of implBlocks(ctx, def)) {
    for (const { fn, sig, ret, inputs } of methods) {
      const uses = [
        ...(ret ? reader.read(ret, 'owned', fn).map((u) => ({ ...u, dir: 'out' })) : []),
        ...inputs.flatMap((ty) => reader.readInput(ty, fn).map((u) => ({ ...u, dir: 'in' }))),
      ];
      for (const u of uses) {
        if (needs.some((x) => x.param === u.param)) continue;
        const what = u.mode === 'owned' ? `a \`${u.shown}\`` : `\`${u.mode === 'shared' ? '&' : '&mut '}${u.shown}\``;
        needs.push({
          param: u.param,
          need: 'Send',
          why: `${sig} ${u.dir === 'in' ? 'takes' : 'gives out'} ${what}, so a \`${owner}\` holds \`${u.shown}\` values`,
        });
      }
    }
  }
  return needs;
}

interface ImplBlock {
  impl: SyntaxNode;
  body: SyntaxNode;
  /** The impl's type as written, whitespace collapsed. */
  owner: string;
  traitName?: string;
  reader: TypeReader;
  /** The body's fns, read when first asked. */
  readonly methods: Method[];
}

/** The file's impl blocks for `def` (not its Send/Sync impls) that name at least one of its parameters (or all, `withoutParams`). */
function implBlocks(ctx: RuleContext, def: TypeDef, withoutParams = false): ImplBlock[] {
  return withoutParams ? allImplBlocks(ctx, def) : implBlocksWithParams(ctx, def);
}

const implBlocksWithParams = perAnalysis((ctx: RuleContext, def: TypeDef) => findImplBlocks(ctx, def, false));
const allImplBlocks = perAnalysis((ctx: RuleContext, def: TypeDef) => findImplBlocks(ctx, def, true));

function findImplBlocks(ctx: RuleContext, def: TypeDef, withoutParams: boolean): ImplBlock[] {
  const out: ImplBlock[] = [];
  for (const { node: impl, typeNode, body, traitName } of implsOf(ctx, def)) {
    if (!body) continue;
    const params = implParamMap(impl, typeNode, def);
    if (params.size === 0 && !withoutParams) continue;
    if (traitName === 'Send' || traitName === 'Sync') continue;
    const owner = typeNode.text.replace(/\s+/g, ' ');
    let read: Method[] | undefined;
    out.push({
      impl,
      body,
      owner,
      traitName,
      reader: new TypeReader(ctx, impl, params),
      get methods() {
        return (read ??= methods(body, owner));
      },
    });
  }
  return out;
}

interface Method {
  fn: SyntaxNode;
  /** `&self`: shared; `&mut self`: exclusive; `self`: owned; none: an associated function. */
  receiver: 'shared' | 'exclusive' | 'owned' | 'none';
  /** `` `Queue<T>::pop(&self) -> Option<T>` `` */
  sig: string;
  ret?: SyntaxNode;
  /** The types of the parameters after the receiver. */
  inputs: SyntaxNode[];
}

function methods(body: SyntaxNode, owner: string): Method[] {
  const out: Method[] = [];
  for (const fn of namedChildren(body)) {
    if (fn.type !== 'function_item') continue;
    // An `unsafe fn` makes its caller responsible for what it hands over: not the API's promise.
    if (fn.namedChildren.some((c) => c?.type === 'function_modifiers' && /\bunsafe\b/.test(c.text))) continue;
    const parameters = fn.childForFieldName('parameters');
    const all = parameters ? namedChildren(parameters) : [];
    const self = all[0]?.type === 'self_parameter' ? all[0] : undefined;
    const receiver = !self
      ? 'none'
      : /^&\s*('\w+\s*)?self$/.test(self.text)
        ? 'shared'
        : self.text.startsWith('&')
          ? 'exclusive'
          : 'owned';
    const ret = fn.childForFieldName('return_type') ?? undefined;
    const sig = `\`${owner}::${fn.childForFieldName('name')?.text ?? '?'}${parameters?.text.replace(/\s+/g, ' ') ?? '()'}${ret ? ` -> ${ret.text.replace(/\s+/g, ' ')}` : ''}\``;
    const inputs = all
      .slice(self ? 1 : 0)
      .flatMap((p) => (p.type === 'parameter' ? [p.childForFieldName('type')] : []))
      .filter((t): t is SyntaxNode => !!t);
    out.push({ fn, receiver, sig, ret, inputs });
  }
  return out;
}

interface Use {
  /** The type's parameter name. */
  param: string;
  /** The impl block's name for it. */
  implName: string;
  /** The parameter as the signature writes it. */
  shown: string;
  mode: Mode;
}

/** The impl's type parameters that stand for `def`'s parameters, by position: impl name -> def name. */
function implParamMap(impl: SyntaxNode, typeNode: SyntaxNode, def: TypeDef): Map<string, string> {
  const implParams = new Set<string>();
  const tp = impl.childForFieldName('type_parameters');
  for (const p of tp ? namedChildren(tp) : []) {
    const name =
      p.type === 'type_parameter'
        ? p.childForFieldName('name')?.text
        : p.type === 'type_identifier'
          ? p.text
          : undefined;
    if (name) implParams.add(name);
  }
  const args =
    typeNode.type === 'generic_type'
      ? namedChildren(typeNode.childForFieldName('type_arguments') ?? typeNode).filter((a) => a.type !== 'lifetime')
      : [];
  const defParams = def.generics.params.filter((p) => p.kind !== 'lifetime');
  const map = new Map<string, string>();
  args.forEach((a, i) => {
    const p = defParams[i];
    if (p?.kind === 'type' && a.type === 'type_identifier' && implParams.has(a.text) && !map.has(a.text))
      map.set(a.text, p.name);
  });
  return map;
}

/**
 * For `impl Deref for Name<A, B> { type Target = A; }` among `impls`: the position of `Target`
 * among the type's arguments (lifetimes left out), or undefined.
 */
export function derefTargetIndex(impls: Iterable<DerefImplLike>, name: string): number | undefined {
  for (const { impl, target } of derefTargets(impls, name)) {
    const args =
      impl.typeNode.type === 'generic_type'
        ? namedChildren(impl.typeNode.childForFieldName('type_arguments') ?? impl.typeNode).filter(
            (a) => a.type !== 'lifetime',
          )
        : [];
    const at = args.findIndex((a) => a.text === target.text);
    if (at >= 0) return at;
  }
  return undefined;
}

interface DerefImplLike {
  node: SyntaxNode;
  typeNode: SyntaxNode;
  traitNode?: SyntaxNode | null;
  unsafe?: boolean;
}

/** The `type Target` of each safe `impl Deref` of the type named `name` among `impls`. */
function* derefTargets(
  impls: Iterable<DerefImplLike>,
  name: string,
): Generator<{ impl: DerefImplLike; target: SyntaxNode }> {
  for (const impl of impls) {
    if (impl.unsafe || !impl.traitNode || baseName(impl.typeNode) !== name) continue;
    if (pathSegments(impl.traitNode).pop() !== 'Deref') continue;
    const body = impl.node.childForFieldName('body');
    const target = body ? assocType(body, 'Target') : undefined;
    if (target) yield { impl, target };
  }
}

/** `type Target = T;` in an impl's body: the type node. */
function assocType(body: SyntaxNode, name: string): SyntaxNode | undefined {
  const item = namedChildren(body).find((c) => c.type === 'type_item' && c.childForFieldName('name')?.text === name);
  return item?.childForFieldName('type') ?? undefined;
}

class TypeReader {
  constructor(
    private readonly ctx: RuleContext,
    private readonly impl: SyntaxNode,
    private readonly params: Map<string, string>,
  ) {}

  /** The bounds written for `name` on the impl and on the method (`T: Clone`), as text. */
  boundsOf(name: string, fn?: SyntaxNode): string[] {
    const out: string[] = [];
    for (const owner of fn ? [this.impl, fn] : [this.impl]) {
      const tp = owner.childForFieldName('type_parameters');
      for (const p of tp ? namedChildren(tp) : []) {
        if (p.type === 'type_parameter' && p.childForFieldName('name')?.text === name)
          out.push(p.childForFieldName('bounds')?.text ?? '');
      }
      const where = owner.namedChildren.find((c) => c?.type === 'where_clause');
      for (const pred of where ? namedChildren(where) : []) {
        if (pred.childForFieldName('left')?.text === name) out.push(pred.childForFieldName('bounds')?.text ?? '');
      }
    }
    return out;
  }

  /** The method's generic `F: FnOnce() -> T` bound nodes for a parameter typed `F`. */
  private methodBounds(name: string, fn: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const tp = fn.childForFieldName('type_parameters');
    for (const p of tp ? namedChildren(tp) : []) {
      const b =
        p.type === 'type_parameter' && p.childForFieldName('name')?.text === name
          ? p.childForFieldName('bounds')
          : null;
      if (b) out.push(...namedChildren(b));
    }
    const where = fn.namedChildren.find((c) => c?.type === 'where_clause');
    for (const pred of where ? namedChildren(where) : []) {
      const b = pred.childForFieldName('left')?.text === name ? pred.childForFieldName('bounds') : null;
      if (b) out.push(...namedChildren(b));
    }
    return out;
  }

  /** The parameters a type hands over, and how (`mode` is how the enclosing position holds it). */
  read(node: SyntaxNode, mode: Mode, fn?: SyntaxNode, depth = 0): Use[] {
    if (depth > 12) return [];
    const rec = (n: SyntaxNode, m: Mode) => this.read(n, m, fn, depth + 1);
    switch (node.type) {
      case 'type_identifier': {
        const param = this.params.get(node.text);
        return param ? [{ param, implName: node.text, shown: node.text, mode }] : [];
      }
      case 'reference_type': {
        const inner = node.childForFieldName('type');
        const mut = node.children.some((c) => c?.type === 'mutable_specifier');
        return inner ? rec(inner, mut && mode !== 'shared' ? 'exclusive' : 'shared') : [];
      }
      case 'array_type': {
        const el = node.childForFieldName('element');
        return el ? rec(el, mode) : [];
      }
      case 'tuple_type':
        return namedChildren(node).flatMap((c) => rec(c, mode));
      case 'bounded_type':
        return namedChildren(node).flatMap((c) => rec(c, mode));
      case 'scoped_type_identifier': {
        // `Self::Target`: the impl's own associated type.
        const path = node.childForFieldName('path');
        const name = node.childForFieldName('name')?.text;
        const body = this.impl.childForFieldName('body');
        const target = path?.text === 'Self' && name && body ? assocType(body, name) : undefined;
        return target ? rec(target, mode) : [];
      }
      case 'abstract_type': {
        const t = node.childForFieldName('trait');
        return t ? this.readTrait(t, mode, fn, depth) : [];
      }
      case 'generic_type': {
        const name = baseName(node);
        const args = namedChildren(node.childForFieldName('type_arguments') ?? node).filter(
          (a) => a.type !== 'lifetime' && a.type !== 'type_binding',
        );
        const access = name ? this.accessOf(node, name) : undefined;
        if (access === undefined) return [];
        if (access === 'owns') return args.flatMap((a) => rec(a, mode));
        // A guard gives access to the guarded value: for a type of this file, the argument its
        // `Deref` impl names as `Target` (spin's `RwLockWriteGuard<T, R>`: `T`, not the relax
        // strategy `R`); otherwise the last argument (`MutexGuard<'a, R, T>`: `T`; the raw lock
        // `R` is only used through `&R`).
        const at = name ? derefTargetIndex(this.ctx.items.impls, name) : undefined;
        // glib's `ClassRef<'a, T>` derefs to `Class<T>`, a type of the file holding a projection
        // of `T`, not a `T`: its own `&self` API is judged where its impl is.
        if (at === undefined && name && this.derefsToOwnType(name)) return [];
        const guarded = at !== undefined && at < args.length ? [args[at]] : args.slice(-1);
        return guarded.flatMap((a) => rec(a, mode === 'shared' ? 'shared' : access));
      }
      default:
        return [];
    }
  }

  /** `impl Deref<Target = T>`, `impl DerefMut<Target = T>`, `impl Iterator<Item = &T>`. */
  private readTrait(t: SyntaxNode, mode: Mode, fn: SyntaxNode | undefined, depth: number): Use[] {
    if (t.type !== 'generic_type') return [];
    const name = baseName(t);
    const bindings = namedChildren(t.childForFieldName('type_arguments') ?? t).filter((a) => a.type === 'type_binding');
    const out: Use[] = [];
    for (const b of bindings) {
      const assoc = b.childForFieldName('name')?.text;
      const ty = b.childForFieldName('type');
      if (!ty) continue;
      if (name === 'Deref' && assoc === 'Target') out.push(...this.read(ty, 'shared', fn, depth + 1));
      else if (name === 'DerefMut' && assoc === 'Target')
        out.push(...this.read(ty, mode === 'shared' ? 'shared' : 'exclusive', fn, depth + 1));
      else if (
        (name === 'Iterator' ||
          name === 'IntoIterator' ||
          name === 'DoubleEndedIterator' ||
          name === 'ExactSizeIterator') &&
        assoc === 'Item'
      )
        out.push(...this.read(ty, mode, fn, depth + 1));
    }
    return out;
  }

  /**
   * What a named type gives access to: a std type's `access` row, found through the resolver
   * (aliases and renamed imports included); a type of this file by its own `Deref`/`DerefMut`
   * impls; else, for names the resolver cannot follow, the std table's and the lock crates' guard
   * names. `PhantomData` holds nothing.
   */
  private accessOf(node: SyntaxNode, name: string): Access | undefined {
    // A reentrant guard derefs to `&T` only, yet one thread (the owner) holds it at a time.
    if (/Reentrant\w*Guard$/.test(name)) return 'exclusive';
    const ty = this.resolve(node);
    if (ty?.k === 'known') {
      if (ty.known.path === 'std::marker::PhantomData') return undefined;
      if (ty.known.access) return ty.known.access;
    }
    if (this.ctx.items.types.some((t) => t.name === name)) {
      const derefs = this.ctx.items.impls
        .filter((i) => !i.unsafe && baseName(i.typeNode) === name)
        .map((i) => pathSegments(i.traitNode).pop());
      if (derefs.includes('DerefMut')) return 'exclusive';
      if (derefs.includes('Deref')) return 'shared';
      return undefined;
    }
    if (name === 'PhantomData') return undefined;
    return STD_ACCESS_BY_NAME.get(name) ?? LOCK_CRATE_GUARDS.get(name);
  }

  /** Whether a type of this file named `name` has an `impl Deref` whose `Target` is another type of the file. */
  private derefsToOwnType(name: string): boolean {
    for (const { target } of derefTargets(this.ctx.items.impls, name)) {
      const targetName = baseName(target);
      if (targetName !== undefined && this.ctx.items.types.some((t) => t.name === targetName)) return true;
    }
    return false;
  }

  /** The type as the resolver reads it in the impl's scope (the impl's parameters stay parameters). */
  private resolve(node: SyntaxNode): Ty | undefined {
    const impl = this.ctx.items.impls.find((i) => i.node.id === this.impl.id);
    if (!impl) return undefined;
    const env = new Map<string, Ty>([...this.params.keys()].map((p) => [p, { k: 'param', name: p, text: p }]));
    return this.ctx.solution.resolver.lowerType(node, impl.scope, env);
  }

  /** Parameters a method argument moves into the type: `T` by value, or a closure returning `T`. */
  readInput(node: SyntaxNode, fn: SyntaxNode): Use[] {
    const owned = (uses: Use[]) => uses.filter((u) => u.mode === 'owned');
    if (node.type === 'abstract_type') {
      const t = node.childForFieldName('trait');
      return t?.type === 'function_type' ? this.closureOutput(t, fn) : [];
    }
    if (node.type === 'type_identifier' && !this.params.has(node.text)) {
      return this.methodBounds(node.text, fn).flatMap((b) =>
        b.type === 'function_type' ? this.closureOutput(b, fn) : [],
      );
    }
    return owned(this.read(node, 'owned', fn));
  }

  private closureOutput(f: SyntaxNode, fn: SyntaxNode): Use[] {
    const ret = f.childForFieldName('return_type');
    return ret ? this.read(ret, 'owned', fn).filter((u) => u.mode === 'owned') : [];
  }
}

/**
 * The parameters a shared `&X` gives no access to at all: the file has methods for `X` and none
 * that takes `&self` reaches a field holding the parameter (by `self.field`; any other use of
 * `self` counts as access), no field holding it is public, and no `#[derive]` adds `&self`
 * methods. Then `Sync` needs no bound on them (tokio's `SyncWrapper`). Without methods in the file
 * nothing is known, and the fields decide.
 */
export function unreachableThroughShared(ctx: RuleContext, def: TypeDef, heldBy: Map<string, string[]>): Set<string> {
  const out = new Set<string>();
  if (heldBy.size === 0) return out;
  for (let p = def.node.previousNamedSibling; p?.type === 'attribute_item'; p = p.previousNamedSibling) {
    if (/\bderive\s*\(/.test(p.text)) return out;
  }
  let methods = 0;
  const reached = new Set<string>();
  for (const { body, traitName } of implsOf(ctx, def)) {
    if (!body) continue;
    // Formatting (`impl Debug`) reads fields only to print them, through their own formatting.
    const formatting = traitName !== undefined && FORMATTING_TRAITS.has(traitName);
    for (const fn of namedChildren(body)) {
      if (fn.type !== 'function_item') continue;
      methods++;
      if (formatting) continue;
      const self = namedChildren(fn.childForFieldName('parameters') ?? fn)[0];
      if (self?.type !== 'self_parameter' || !/^&\s*('\w+\s*)?self$/.test(self.text)) continue;
      const fields = fieldsReached(ctx, def, fn.childForFieldName('body')?.text ?? '', 'self', 1);
      if (fields === 'any') return out;
      for (const f of fields) reached.add(f);
    }
  }
  if (methods === 0) return out;
  for (const [param, fields] of heldBy) {
    const publicField = fields.some((f) =>
      def.fields.find((d) => d.name === f)?.typeNode.parent?.children.some((c) => c?.type === 'visibility_modifier'),
    );
    if (!publicField && !fields.some((f) => reached.has(f))) out.add(param);
  }
  return out;
}

/** A generic method parameter that may be stored in a trait object: `init<F: FnOnce() + 'static>(f: F)`. */
export interface StoredGeneric {
  /** `` `Generator<'static, A, T>::init(&mut self, f: F)` `` */
  sig: string;
  /** `F` */
  name: string;
  /** The bounds as written, whitespace collapsed: `FnOnce() + 'static`. */
  bounds: string;
  /** The bounds node, to append ` + Send` after. */
  boundsNode: SyntaxNode;
  /** The bounds already include the auto trait. */
  guarded: boolean;
}

/**
 * The methods of `defs` that take a generic value bounded by `traitName` (`F: FnOnce()`, `W:
 * Write`), what they may store in a `dyn traitName` field; `guarded` when the bounds include
 * `auto` (`Send`/`Sync`).
 */
export function storedGenerics(ctx: RuleContext, defs: TypeDef[], traitName: string, auto: AutoTrait): StoredGeneric[] {
  const out: StoredGeneric[] = [];
  const names = (text: string) => hasWord(text, traitName);
  const lacks = new RegExp(`\\b${auto}\\b`);
  for (const def of defs) {
    for (const { methods } of implBlocks(ctx, def, true)) {
      for (const { fn, sig, inputs } of methods) {
        const tp = fn.childForFieldName('type_parameters');
        for (const p of tp ? namedChildren(tp) : []) {
          const name = p.type === 'type_parameter' ? p.childForFieldName('name')?.text : undefined;
          const boundsNode = p.childForFieldName('bounds');
          if (!name || !boundsNode || !names(boundsNode.text)) continue;
          // Only a parameter the method takes by value can be stored.
          if (!inputs.some((t) => t.text === name)) continue;
          const bounds = boundsNode.text.replace(/^\s*:\s*/, '').replace(/\s+/g, ' ');
          out.push({ sig, name, bounds, boundsNode, guarded: lacks.test(bounds) });
        }
      }
    }
  }
  return out;
}

const FORMATTING_TRAITS = new Set(['Debug', 'Display', 'Pointer', 'LowerHex', 'UpperHex']);

/**
 * The fields a method body reaches through `name` (`self`, or a `&X` parameter): `name.field`.
 * Comparing addresses (`Arc::ptr_eq(&self.inner, ..)`, `ptr::eq`) reaches nothing; `**self` goes
 * through the type's `Deref`, itself a `&self` method judged on its own; `name` handed to a
 * function of this file that takes a `&X` is followed into it (`depth` calls deep). A method call
 * on `name`, or `name` passed anywhere else: `'any'`.
 */
/** What follows a name in fieldsReached: `.field` or `.method(` (groups 1 and 2), or nothing. */
const METHOD_OR_FIELD = /^\s*\.\s*(\w+)\b(\s*\()?/;

function fieldsReached(ctx: RuleContext, def: TypeDef, body: string, name: string, depth: number): Set<string> | 'any' {
  const out = new Set<string>();
  const addressOnly = addressComparisons(body);
  for (const { at, tail } of wordMatches(body, name, METHOD_OR_FIELD)) {
    const field = tail?.[1];
    const call = tail?.[2];
    if (addressOnly.some(([from, to]) => at >= from && at < to)) continue;
    // `**self`, `&*self`: through `Deref` (`*self.field` derefs the field, which is reached).
    if (!field && /\*\s*$/.test(body.slice(Math.max(0, at - 3), at))) continue;
    if (field && !call) {
      out.add(field);
      continue;
    }
    if (call || depth === 0) return 'any';
    // `other.is_pair_of(self)`: follow into the callee when this file has it with a `&X` parameter.
    const callee = /(\w+)\s*\(\s*&?\s*$/.exec(body.slice(0, at))?.[1];
    const target = callee ? calleeTakingRef(ctx, def, callee) : undefined;
    if (!target) return 'any';
    const inner = fieldsReached(ctx, def, target.body, target.param, depth - 1);
    if (inner === 'any') return 'any';
    for (const f of inner) out.add(f);
  }
  return out;
}

/** The spans of `ptr_eq(...)` and `ptr::eq(...)` calls' arguments. */
function addressComparisons(body: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const m of body.matchAll(/\b(?:ptr_eq|ptr::eq|addr_eq)\s*\(/g)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < body.length && depth > 0; i++) {
      if (body[i] === '(') depth++;
      else if (body[i] === ')') depth--;
    }
    spans.push([m.index, i]);
  }
  return spans;
}

/** A function of the file named `name` with a parameter of type `&X` (`X` = `def`): its body and that parameter's name. */
function calleeTakingRef(ctx: RuleContext, def: TypeDef, name: string): { body: string; param: string } | undefined {
  for (const fn of ctx.fnNodes) {
    if (fn.childForFieldName('name')?.text !== name) continue;
    for (const p of namedChildren(fn.childForFieldName('parameters') ?? fn)) {
      const ty = p.type === 'parameter' ? p.childForFieldName('type') : null;
      const pattern = p.type === 'parameter' ? p.childForFieldName('pattern') : null;
      const inner = ty?.type === 'reference_type' ? ty.childForFieldName('type') : null;
      if (inner && pattern?.type === 'identifier' && baseName(inner) === def.name)
        return { body: fn.childForFieldName('body')?.text ?? '', param: pattern.text };
    }
  }
  return undefined;
}
