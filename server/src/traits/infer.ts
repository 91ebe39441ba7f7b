// The auto-trait solver. The rules, as rustc applies them:
//
// 1. A struct, enum or union is Send (Sync) when every field's type is; a type with a manual
//    `unsafe impl Send/Sync` or `impl !Send/!Sync` takes that impl's conditions instead.
// 2. Primitives, `fn` pointers, `str` are both. Raw pointers are neither. `&T` is Send iff
//    `T: Sync`, Sync iff `T: Sync`; `&mut T` is Send iff `T: Send`, Sync iff `T: Sync`. Arrays,
//    slices and tuples are what their elements are. Std types follow the table in known-types.ts.
//    `dyn Trait` is Send/Sync only through a `+ Send`/`+ Sync` bound or a supertrait.
// 3. Generic parameters stay symbolic: a verdict is a set of atoms over the type's own parameters
//    (`T: Send`), which hold exactly when the type is Send. Using a type substitutes its
//    arguments into its atoms. Atoms that the declaration's own bounds guarantee are dropped.
// 4. Cycles are coinductive: the solver starts from "every type is Send and Sync" and weakens
//    verdicts until nothing changes (a greatest fixpoint), so a recursive type is Send unless
//    something on the cycle is not.
// 5. What cannot be seen (another crate's types, macros, associated types) is `unknown`, never a
//    guess. `no` beats `unknown`: a type with one field that is surely not Send is not Send.
import {
  AtomSet,
  autoAtom,
  boundAtom,
  equalsAtom,
  projectionAtom,
  projectionText,
  renameAtom,
  renameAtomParams,
  renderAtom,
  substituteSteps,
  termKey,
  type Atom,
  type AutoTrait,
  type Chain,
  type ProjStep,
  type TypeTerm,
} from '../model/conditions';
import type { Status, TraitVerdict } from '../model/report';
import type { FileItems, ImplDef, TypeDef } from '../model/lower';
import { paramEnv, Resolver, someTy, stepsOf, termOf, tyChildren, type Ty } from '../model/resolve';
import { pathSegments } from '../model/lower';
import { attributesOf, namedChildren, type SyntaxNode } from '../syntax/parser';
import { lookupKnownType, PRIMITIVES } from '../model/known-types';
import { hasWord } from '../syntax/words';

export interface Value {
  status: Status;
  /** `T: Send`, `T = u8`: all must hold (for `conditional`). */
  atoms: AtomSet;
  reasons: Chain[];
}

const MAX_REASONS = 3;
const MAX_STEPS = 8;
const AUTO_TRAITS: readonly AutoTrait[] = ['Send', 'Sync'];

const YES: Value = { status: 'yes', atoms: new AtomSet(), reasons: [] };
const no = (leaf: string): Value => ({ status: 'no', atoms: new AtomSet(), reasons: [{ steps: [], leaf }] });
const unknown = (leaf: string): Value => ({ status: 'unknown', atoms: new AtomSet(), reasons: [{ steps: [], leaf }] });
const holdsIf = (a: Atom): Value => ({ status: 'conditional', atoms: new AtomSet([a]), reasons: [] });
/** A conditional value, or `yes` when nothing is left to require. */
const conditional = (atoms: AtomSet, reasons: Chain[] = []): Value =>
  atoms.size ? { status: 'conditional', atoms, reasons } : YES;

/**
 * The chains worth showing: no cycles (a chain through the same type twice has a shorter twin),
 * the shortest one per first field, at most a few.
 */
function shortest(chains: Chain[]): Chain[] {
  const seen = new Set<string>();
  const picked = chains
    .filter((c) => c.steps.length <= MAX_STEPS && new Set(c.steps.map((s) => s.ownerKey)).size === c.steps.length)
    .sort((a, b) => a.steps.length - b.steps.length)
    .filter((c) => {
      const key = c.steps.length ? `${c.steps[0].ownerKey}.${c.steps[0].field}` : c.leaf;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, MAX_REASONS);
  // Every chain went round a cycle: still say why, with the shortest one.
  if (picked.length === 0 && chains.length > 0) return [[...chains].sort((a, b) => a.steps.length - b.steps.length)[0]];
  return picked;
}

/** AND of verdicts: `no` wins, then `unknown`; conditions add up. */
function meet(values: Value[]): Value {
  const nos = values.filter((v) => v.status === 'no');
  if (nos.length) return { status: 'no', atoms: new AtomSet(), reasons: shortest(nos.flatMap((v) => v.reasons)) };
  const unknowns = values.filter((v) => v.status === 'unknown');
  if (unknowns.length)
    return { status: 'unknown', atoms: new AtomSet(), reasons: shortest(unknowns.flatMap((v) => v.reasons)) };
  return conditional(new AtomSet(values.flatMap((v) => [...v.atoms])));
}

function sameShape(a: Value, b: Value): boolean {
  return a.status === b.status && a.atoms.size === b.atoms.size && [...a.atoms].every((x) => b.atoms.has(x));
}

function shortName(ty: Ty): string {
  if (ty.k === 'known') return ty.known.path.split('::').pop()!;
  return ty.text.replace(/<.*$/s, '');
}

/** A manual `unsafe impl Send/Sync` or `impl !Send/!Sync`, matched to the type it is for. */
export interface ManualImpl {
  impl: ImplDef;
  def: TypeDef;
  trait: AutoTrait;
  negative: boolean;
  /** The impl's own conditions, over the type's parameter names. */
  value: Value;
  /** Impl parameter name -> the type's parameter name it stands for. */
  rename: Map<string, string>;
  /** Atoms the impl requires or the declaration guarantees, over the type's parameter names. */
  provided: AtomSet;
  /**
   * `where OnceCell<T>: Sync`: a bound on a type, not a parameter. Its conditions come from that
   * type's own verdict, known only once types are solved, so `value` does not include them yet.
   */
  typeBounds?: { ty: Ty; trait: AutoTrait; text: string }[];
}

export interface Solution {
  verdict(def: TypeDef, trait: AutoTrait): TraitVerdict;
  /** The auto rule's verdict for each field, even when a manual impl replaces it. */
  fieldValues(def: TypeDef, trait: AutoTrait): { field: string; ty: Ty; value: Value }[];
  /** Every manual impl matched so far. */
  readonly manualImpls: ManualImpl[];
  resolver: Resolver;
  /** Whether `ty` is `trait`, over the params of the type it appears in. */
  holds(ty: Ty, trait: AutoTrait): Value;
  fieldTypes(def: TypeDef): { name: string; ty: Ty }[];
  /** Atoms the declaration's own bounds guarantee (`T: Send` for `struct X<T: Send>`). */
  implied(def: TypeDef): AtomSet;
  /** `<self as traitName>::assoc`, where the one impl of that trait for the type says it. */
  associated(self: Ty, traitName: string, assoc: string): Ty | undefined;
}

type Verdicts = Record<AutoTrait, Value>;

/** An impl of another trait than Send/Sync, as the solver's index of them holds it. */
interface TraitImplEntry {
  /** The trait's last path segment. */
  trait: string;
  /** No bound on its parameters. */
  unconditional: boolean;
  impl: ImplDef;
}

/** What the index of trait impls keys a self type by: its declaration, or a std type's text. */
function indexKey(ty: Ty): TypeDef | string | undefined {
  return ty.k === 'adt' ? ty.def : ty.k === 'known' ? ty.text.replace(/\s+/g, '') : undefined;
}

interface Manual {
  value: Value;
  source: 'unsafe-impl' | 'negative-impl';
  /**
   * Every impl for the trait is under a `#[cfg]` this analysis cannot decide: the verdict is the
   * impl's where it agrees with the auto rule's (both builds say the same), unknown otherwise.
   */
  undecided?: ManualImpl;
}

/**
 * The solver, demand-driven: asking for a type's verdict solves it together with every type it
 * reaches through its fields (a greatest fixpoint over that set), and remembers the answers.
 * Types of other crates join the set when a field first reaches them.
 */
export class Solver implements Solution {
  private readonly settled = new Map<TypeDef, Verdicts>();
  private readonly fieldTypeCache = new Map<TypeDef, { name: string; ty: Ty }[]>();
  private readonly impliedCache = new Map<TypeDef, AtomSet>();
  private readonly manualByDef = new Map<TypeDef, ManualImpl[]>();
  private readonly manualCache = new Map<TypeDef, Partial<Record<AutoTrait, Manual>>>();
  /** The table of the fixpoint in progress (unsettled types only). */
  private working = new Map<TypeDef, Verdicts>();
  readonly manualImpls: ManualImpl[] = [];
  private readonly dependents = new Map<TypeDef, Set<TypeDef>>();
  private readonly boundsInProgress = new Set<ManualImpl>();
  private readonly withUnknownFields = new Set<TypeDef>();
  private readonly goneTypes = new WeakSet<TypeDef>();
  /** Impls of other traits, to check bounds like `R: RawMutex` on a concrete type. */
  private readonly traitImpls: ImplDef[] = [];
  /** Impls by self type: the type's declaration, or the written text for std types (`Arc<Handle>`). */
  private traitImplIndex?: Map<TypeDef | string, TraitImplEntry[]>;
  /** The impls for arrays and slices (`impl<T> Array for [T; N]`), by trait name (see elementsAssoc). */
  private arrayImpls?: Map<string, ImplDef[]>;
  /** The impls for any type (`impl<S: Stream<..>> TryStream for S`), by trait name (see blanketAssoc). */
  private blanketImpls?: Map<string, ImplDef[]>;
  /**
   * Each trait impl's entry in that index (null: its self type is nothing the index keys), kept
   * while the names its self type resolves through stay the same: finding the self type of every
   * impl of a crate and its dependencies again costs more than the rest of an edit's analysis.
   */
  private readonly traitImplEntries = new Map<ImplDef, { key: TypeDef | string; entry: TraitImplEntry } | null>();

  constructor(readonly resolver: Resolver) {}

  /**
   * Whether `ty` implements the trait written `rhs`: true when its crate has a direct impl of a
   * trait of that name without bounds; otherwise unknown (a blanket impl might apply).
   */
  private implementsBound(ty: Ty, rhs: string): boolean | undefined {
    if (!/^[A-Za-z_][\w:]*$/.test(rhs)) return undefined;
    const name = rhs.split('::').pop()!;
    return this.implsOf(ty)?.some((i) => i.trait === name && i.unconditional) ? true : undefined;
  }

  /**
   * `<Waiter as Link>::Target`: the `type Target = ..;` of the one impl of a trait of that name for
   * the type: a plain impl for a type without parameters, or an impl for the type over all its
   * parameters (`impl<S> Link for Task<S>`), read with the type's arguments. Undefined otherwise.
   * A generic trait's projection (`<Foo as Service<u8>>::Future`, `traitArgs`) takes the one impl
   * whose trait arguments are those (coherence allows no other), and only when every impl of a
   * trait of that name for the type says what its arguments are.
   */
  private normalize(self: Ty, traitName: string, assoc: string, traitArgs?: TypeTerm[], depth = 0): Ty | undefined {
    if (depth > 8) return undefined;
    if (self.k === 'assoc') {
      // `<<MyAdapter as Adapter>::LinkOps as LinkOps>::LinkPtr`: the inner one first.
      const inner = this.normalize(self.self, self.traitName, self.assoc, undefined, depth + 1);
      return inner && this.normalize(inner, traitName, assoc, traitArgs, depth + 1);
    }
    if (traitName === 'IntoIterator' && self.k === 'known') return stdIntoIterator(self, assoc);
    // A std iterator's `Iterator::Item` is its `IntoIterator::Item` (`impl<I: Iterator> IntoIterator for I`).
    if (traitName === 'Iterator' && assoc === 'Item' && self.k === 'known' && STD_ITERATORS.has(self.known.path))
      return stdIntoIterator(self, assoc);
    if (traitName === 'ToOwned' && assoc === 'Owned' && self.k === 'adt') return this.ownedForm(self);
    if (self.k === 'seq') return traitArgs ? undefined : this.elementsAssoc(self, traitName, assoc);
    const impls = (this.implsOf(self) ?? []).filter((i) => i.trait === traitName);
    if (!traitArgs && impls.length === 0) return this.blanketAssoc(self, traitName, assoc, depth);
    if (!traitArgs) return impls.length === 1 ? this.assocOfImpl(impls[0].impl, self, assoc) : undefined;
    const want = traitArgs.map(termKey).join(', ');
    let found: ImplDef | undefined;
    for (const { impl } of impls) {
      const env = this.implEnv(impl, self);
      const args = impl.traitNode.type === 'generic_type' ? impl.traitNode.childForFieldName('type_arguments') : null;
      if (!env || !args || namedChildren(args).some((a) => a.type === 'lifetime' || a.type === 'type_binding'))
        return undefined;
      const terms = namedChildren(args).map((a) => termOf(this.resolver.lowerType(a, impl.scope, env, self), false));
      if (terms.some((t) => t === undefined)) return undefined;
      if ((terms as TypeTerm[]).map(termKey).join(', ') !== want) continue;
      if (found) return undefined;
      found = impl;
    }
    return found && this.assocOfImpl(found, self, assoc);
  }

  /**
   * `<T as ToOwned>::Owned` of a crate type: the `type Owned` of its own `ToOwned` impl; else,
   * when it is `Clone` (derived, or an impl of its own), itself, by std's blanket `impl<T: Clone>
   * ToOwned for T` (coherence allows no other impl then). Undefined when neither is read.
   */
  private ownedForm(self: Ty & { k: 'adt' }): Ty | undefined {
    const impls = this.implsOf(self) ?? [];
    const own = impls.filter((i) => i.trait === 'ToOwned');
    if (own.length > 0) return own.length === 1 ? this.assocOfImpl(own[0].impl, self, 'Owned') : undefined;
    return impls.some((i) => i.trait === 'Clone') || derives(self.def.node, 'Clone') ? self : undefined;
  }

  /**
   * The impl's parameters, given by `self`: none for a plain impl of a type without parameters,
   * each of the type's for an impl over all of them (`impl<S> Link for Task<S>`). Undefined when
   * the impl is for a narrower instantiation or has parameters `self` does not give.
   */
  private implEnv(impl: ImplDef, self: Ty): Map<string, Ty> | undefined {
    const env = new Map<string, Ty>();
    const implParams = impl.generics.params.filter((p) => p.kind === 'type');
    if (self.k === 'adt' && self.args.size > 0) {
      const written = this.resolver.lowerType(impl.typeNode, impl.scope, paramEnv(impl.generics, impl.scope));
      if (written.k !== 'adt' || written.def !== self.def) return undefined;
      for (const [name, arg] of written.args) {
        const given = self.args.get(name);
        if (arg.k !== 'param' || env.has(arg.name) || !given) return undefined;
        env.set(arg.name, given);
      }
      if (env.size !== implParams.length) return undefined;
    } else if (implParams.length > 0) return undefined;
    return env;
  }

  /**
   * `<[u8; 32] as Array>::Item`: the associated type the trait's impls for arrays or slices over
   * a parameter (`impl<T: Default, const N: usize> Array for [T; N]`) give, read with the
   * elements' type. Array lengths are not told apart here, so every such impl (one per length,
   * where a crate writes them out) must give the same; an impl for one element type (`[u8; 4]`)
   * leaves it undefined.
   */
  private elementsAssoc(self: Ty & { k: 'seq' }, traitName: string, assoc: string): Ty | undefined {
    if (!this.arrayImpls) {
      this.arrayImpls = new Map<string, ImplDef[]>();
      for (const impl of this.traitImpls) {
        if (impl.negative || impl.typeNode.type !== 'array_type') continue;
        const name = traitNameOf(impl);
        this.arrayImpls.set(name, [...(this.arrayImpls.get(name) ?? []), impl]);
      }
    }
    let found: Ty | undefined;
    for (const impl of this.arrayImpls.get(traitName) ?? []) {
      const written = this.resolver.lowerType(impl.typeNode, impl.scope, paramEnv(impl.generics, impl.scope));
      const typeParams = impl.generics.params.filter((p) => p.kind === 'type');
      if (written.k !== 'seq' || written.inner.k !== 'param' || typeParams.length !== 1) return undefined;
      const ty = this.assocWith(impl, new Map([[written.inner.name, self.inner]]), self, assoc);
      if (!ty || (found && found.text !== ty.text)) return undefined;
      found ??= ty;
    }
    return found;
  }

  /**
   * `<X as TryStream>::Ok` where a trait's only impl is a blanket one over a parameter whose
   * bounds fix another trait's associated type (`impl<S, T, E> TryStream for S where S:
   * Stream<Item = Result<T, E>>`): each such bound's type matched against what `X`'s own impl
   * says (`X`'s `Stream::Item` a `Result<u8, io::Error>`: `T` is `u8`, `E` `io::Error`), then
   * the blanket impl's `type Ok = T;` read with them. A type with no impl of its own of a trait
   * whose crate writes one blanket impl has the trait through it or not at all (no other crate
   * may write another). Undefined unless those bounds hold so and bind every parameter.
   */
  private blanketAssoc(self: Ty, traitName: string, assoc: string, depth: number): Ty | undefined {
    if (self.k !== 'adt' && self.k !== 'known') return undefined;
    if (!this.blanketImpls) {
      this.blanketImpls = new Map<string, ImplDef[]>();
      for (const impl of this.traitImpls) {
        const own = impl.generics.params.some((p) => p.kind === 'type' && p.name === impl.typeNode.text);
        if (impl.negative || impl.typeNode.type !== 'type_identifier' || !own) continue;
        const name = traitNameOf(impl);
        this.blanketImpls.set(name, [...(this.blanketImpls.get(name) ?? []), impl]);
      }
    }
    const found = this.blanketImpls.get(traitName) ?? [];
    if (found.length !== 1) return undefined;
    const [impl] = found;
    const params = paramEnv(impl.generics, impl.scope);
    const env = new Map<string, Ty>([[impl.typeNode.text, self]]);
    const bounds = params.get(impl.typeNode.text);
    for (const bound of bounds?.k === 'param' ? (bounds.bounds?.nodes ?? []) : []) {
      if (bound.type !== 'generic_type') continue;
      const trait = pathSegments(bound.childForFieldName('type') ?? bound).pop() ?? '';
      const args = namedChildren(bound.childForFieldName('type_arguments') ?? bound);
      // (A generic trait's arguments, `Service<Req, Response = R>`, would pick the impl: not read.)
      if (args.some((a) => a.type !== 'type_binding' && a.type !== 'lifetime')) return undefined;
      for (const binding of args) {
        const name = binding.childForFieldName('name')?.text;
        const typeNode = binding.childForFieldName('type');
        if (binding.type !== 'type_binding' || !name || !typeNode) continue;
        const given = this.normalize(self, trait, name, undefined, depth + 1);
        const written = this.resolver.lowerType(typeNode, impl.scope, params);
        if (!given || !bindParams(written, given, env)) return undefined;
      }
    }
    const unbound = impl.generics.params.some((p) => p.kind === 'type' && !env.has(p.name));
    return unbound ? undefined : this.assocWith(impl, env, self, assoc);
  }

  /** The impl's `type <assoc> = ..;`, read with the impl's parameters given by `self`. */
  private assocOfImpl(impl: ImplDef, self: Ty, assoc: string): Ty | undefined {
    const env = this.implEnv(impl, self);
    return env && this.assocWith(impl, env, self, assoc);
  }

  /** The impl's `type <assoc> = ..;`, read with its parameters as `env` gives them. */
  private assocWith(impl: ImplDef, env: Map<string, Ty>, self: Ty, assoc: string): Ty | undefined {
    const body = impl.node.childForFieldName('body');
    const item = (body ? namedChildren(body) : []).find(
      (c) => c.type === 'type_item' && c.childForFieldName('name')?.text === assoc,
    );
    const typeNode = item?.childForFieldName('type');
    return typeNode ? this.resolver.lowerType(typeNode, impl.scope, env, self) : undefined;
  }

  /** The impls of other traits whose self type is `ty` (its declaration, or a std type's text). */
  private implsOf(ty: Ty): TraitImplEntry[] | undefined {
    const key = indexKey(ty);
    if (key === undefined) return undefined;
    if (!this.traitImplIndex) {
      // Built aside: lowering a self type may read a dependency, whose impls join `traitImpls`
      // (the loop reaches them) and reset the index meanwhile.
      const index = new Map<TypeDef | string, TraitImplEntry[]>();
      for (const impl of this.traitImpls) {
        if (impl.negative) continue;
        let known = this.traitImplEntries.get(impl);
        if (known === undefined) {
          known = this.traitImplEntry(impl);
          this.traitImplEntries.set(impl, known);
        }
        if (known === null) continue;
        const list = index.get(known.key) ?? [];
        list.push(known.entry);
        index.set(known.key, list);
      }
      this.traitImplIndex = index;
    }
    return this.traitImplIndex.get(key);
  }

  private traitImplEntry(impl: ImplDef): { key: TypeDef | string; entry: TraitImplEntry } | null {
    const params = impl.generics.params.filter((p) => p.kind === 'type');
    const self = this.resolver.lowerType(impl.typeNode, impl.scope, paramEnv(impl.generics, impl.scope));
    const key = indexKey(self);
    if (key === undefined) return null;
    return {
      key,
      entry: {
        trait: traitNameOf(impl),
        unconditional: params.every((p) => p.bounds.length === 0) && impl.generics.where.length === 0,
        impl,
      },
    };
  }

  /** Registers a crate's (or a file's) `impl Send/Sync` blocks, before any of its types is asked about. */
  addImpls(impls: ImplDef[]): void {
    for (const impl of impls) {
      const m = matchImpl(impl, this.resolver, (d) => this.implied(d));
      if (!m) {
        this.traitImpls.push(impl);
        this.traitImplIndex = undefined;
        this.arrayImpls = undefined;
        this.blanketImpls = undefined;
        continue;
      }
      this.manualImpls.push(m);
      for (const def of [m.def, ...(m.def.alternatives ?? [])]) {
        const list = this.manualByDef.get(def) ?? [];
        list.push(def === m.def ? m : { ...m, def });
        this.manualByDef.set(def, list);
        this.manualCache.delete(def);
      }
    }
  }

  /** Drops what is known of the types `stale` selects (their file changed), and their impls. */
  forget(stale: (def: TypeDef) => boolean, staleImpl: (impl: ImplDef) => boolean): void {
    for (const map of [this.settled, this.fieldTypeCache, this.impliedCache, this.manualCache, this.manualByDef] as Map<
      TypeDef,
      unknown
    >[]) {
      for (const def of [...map.keys()]) if (stale(def)) map.delete(def);
    }
    const keptTraitImpls = this.traitImpls.filter((i) => !staleImpl(i));
    this.traitImpls.length = 0;
    this.traitImpls.push(...keptTraitImpls);
    this.traitImplIndex = undefined;
    this.arrayImpls = undefined;
    this.blanketImpls = undefined;
    for (const [impl, known] of [...this.traitImplEntries])
      if (staleImpl(impl) || (known && typeof known.key !== 'string' && stale(known.key)))
        this.traitImplEntries.delete(impl);
    const kept = this.manualImpls.filter((m) => !staleImpl(m.impl) && !(stale(m.def) && this.isGone(m.def)));
    this.manualImpls.length = 0;
    this.manualImpls.push(...kept);
    this.manualByDef.clear();
    this.manualCache.clear();
    for (const m of kept) {
      const list = this.manualByDef.get(m.def) ?? [];
      list.push(m);
      this.manualByDef.set(m.def, list);
    }
  }

  /**
   * One file changed: its old types and every type that reaches them through fields (or that
   * had a field this analysis could not resolve, which the change may have declared) lose their
   * verdicts and field types; the file's old impls are dropped, and impls elsewhere that were
   * for its old types are returned, to be matched again against the new ones. `namesChanged`:
   * whether the file now declares or imports other names (or aliases other types) than before;
   * when it does not, a path written elsewhere resolves as it did, and the other impls keep their
   * place in the index of trait impls.
   */
  forgetFile(
    oldTypes: ReadonlySet<TypeDef>,
    oldImpls: ReadonlySet<ImplDef>,
    alsoStale: (def: TypeDef) => boolean = () => false,
    namesChanged = true,
  ): ImplDef[] {
    if (namesChanged) this.traitImplEntries.clear();
    this.markGone(oldTypes);
    const stale = new Set<TypeDef>(oldTypes);
    for (const def of this.withUnknownFields) stale.add(def);
    for (const def of this.fieldTypeCache.keys()) if (alsoStale(def)) stale.add(def);
    const queue = [...stale];
    while (queue.length) {
      for (const d of this.dependents.get(queue.pop()!) ?? []) {
        if (!stale.has(d)) {
          stale.add(d);
          queue.push(d);
        }
      }
    }
    const rematch = this.manualImpls.filter((m) => oldTypes.has(m.def) && !oldImpls.has(m.impl)).map((m) => m.impl);
    this.forget(
      (def) => stale.has(def),
      (impl) => oldImpls.has(impl) || rematch.includes(impl),
    );
    // Types that only depend on stale ones keep their manual impls: forget() drops impls by def.
    for (const def of stale) {
      this.dependents.delete(def);
      this.withUnknownFields.delete(def);
    }
    return rematch;
  }

  /** Forgets every verdict (the set of types or impls changed); lowered field types are kept. */
  resetVerdicts(): void {
    this.settled.clear();
  }

  fieldTypes(def: TypeDef): { name: string; ty: Ty }[] {
    let f = this.fieldTypeCache.get(def);
    if (!f) {
      const env = paramEnv(def.generics, def.scope);
      const self: Ty = { k: 'adt', def, args: new Map(env), text: 'Self' };
      f = def.fields.map((field) => ({
        name: field.name,
        ty: this.resolver.lowerType(field.typeNode, def.scope, env, self),
      }));
      this.fieldTypeCache.set(def, f);
      // Who depends on whom, so that a change to one file forgets only what it can change.
      for (const { ty } of f) {
        for (const d of adtsIn(ty)) {
          const set = this.dependents.get(d) ?? new Set();
          set.add(def);
          this.dependents.set(d, set);
        }
        if (hasUnknown(ty)) this.withUnknownFields.add(def);
      }
    }
    return f;
  }

  /** Types whose own file is gone (set by the project while it replaces a file's types). */
  private isGone(def: TypeDef): boolean {
    return this.goneTypes.has(def);
  }

  /** The project is about to replace these types with a new lowering of their file. */
  markGone(types: Iterable<TypeDef>): void {
    for (const t of types) this.goneTypes.add(t);
  }

  implied(def: TypeDef): AtomSet {
    let s = this.impliedCache.get(def);
    if (!s) {
      const set = new AtomSet();
      const addBounds = (param: string, bounds: SyntaxNode[]) => {
        for (const b of bounds) {
          const r = this.resolver.traitImplies(b, def.scope, new Set());
          for (const t of AUTO_TRAITS) if (r[t] === true) set.add(autoAtom(param, t));
          // Any declared bound (`R: Lock`) is guaranteed too, so an impl's `R: Lock` adds nothing;
          // so are its supertraits (`R: RawRwLockUpgrade` gives `R: RawRwLock`).
          set.add(boundAtom(param, b.text));
          for (const sup of this.resolver.supertraitBounds(b, def.scope)) set.add(boundAtom(param, sup));
        }
      };
      for (const p of def.generics.params) if (p.kind === 'type') addBounds(p.name, p.bounds);
      const env = paramEnv(def.generics, def.scope);
      for (const w of def.generics.where) {
        if (w.left.type === 'type_identifier' && def.generics.params.some((p) => p.name === w.left.text))
          addBounds(w.left.text, w.bounds);
        else if (w.left.type === 'scoped_type_identifier') {
          // `where R::Marker: Send` on the declaration: that projection condition always holds;
          // so does `where A::LinkOps: LinkedListOps`, and the bound's supertraits.
          const left = this.resolver.lowerType(w.left, def.scope, env);
          if (left.k !== 'proj') continue;
          const via = stepsOf(left);
          for (const b of w.bounds) {
            const r = this.resolver.traitImplies(b, def.scope, new Set());
            for (const t of AUTO_TRAITS) if (r[t] === true) set.add(boundAtom(left.param, t, via));
            set.add(boundAtom(left.param, b.text, via));
            for (const sup of this.resolver.supertraitBounds(b, def.scope)) set.add(boundAtom(left.param, sup, via));
          }
        }
      }
      s = set;
      this.impliedCache.set(def, s);
    }
    return s;
  }

  private manual(def: TypeDef): Partial<Record<AutoTrait, Manual>> {
    let m = this.manualCache.get(def);
    if (m) return m;
    m = {};
    const all = this.manualByDef.get(def) ?? [];
    for (const trait of AUTO_TRAITS) {
      const written = all.filter((x) => x.trait === trait);
      if (written.length === 0) continue;
      // Only one build is compiled: an impl it surely has wins over those it may not.
      // An impl under the same undecided `#[cfg]`s as the type is there whenever the type is.
      const decided = written.filter((x) => !x.impl.cfgUndecided?.some((p) => !def.cfgUndecided?.includes(p)));
      const impls = decided.length ? decided : written;
      const negative = impls.find((x) => x.negative);
      let value: Value;
      if (negative) value = negative.value;
      else if (impls.length === 1) value = this.withTypeBounds(impls[0], def);
      else if (impls.some((x) => x.value.status === 'yes')) value = YES;
      else
        value = unknown(
          `\`${def.name}\` has ${impls.length} \`unsafe impl ${trait}\`s with different conditions; a verdict would be their OR`,
        );
      m[trait] = {
        value,
        source: negative ? 'negative-impl' : 'unsafe-impl',
        ...(decided.length ? {} : { undecided: impls[0] }),
      };
    }
    this.manualCache.set(def, m);
    return m;
  }

  /** An impl's value with its `where Type: Send` bounds turned into atoms over the type's parameters. */
  private withTypeBounds(m: ManualImpl, def: TypeDef): Value {
    if (!m.typeBounds?.length) return m.value;
    if (this.boundsInProgress.has(m))
      return unknown(`the where clause of \`${m.impl.typeNode.text}\`'s impl depends on itself`);
    this.boundsInProgress.add(m);
    try {
      const parts = m.typeBounds.map(({ ty, trait, text }) => {
        const v = this.holds(ty, trait);
        if (v.status !== 'conditional')
          return v.status === 'yes'
            ? v
            : {
                ...v,
                reasons: [
                  {
                    steps: [],
                    leaf: `the impl requires \`${text}\`, and ${v.reasons[0]?.leaf ?? 'that does not hold'}`,
                  },
                ],
              };
        const atoms = new AtomSet();
        for (const a of v.atoms) {
          // A generic trait's arguments name the impl's parameters too (`<S as Service<R>>::Future`).
          const renamed = renameAtomParams(a, (p) => m.rename.get(p));
          if (!renamed) return unknown(`the impl requires \`${text}\`, which depends on \`${renderAtom(a)}\``);
          atoms.add(renamed);
        }
        return conditional(atoms);
      });
      const v = meet([m.value, ...parts]);
      if (v.status !== 'conditional') return v;
      const declared = this.implied(def);
      const atoms = v.atoms.filter((a) => !declared.has(a));
      if (atoms.size === 0) return YES;
      const line = m.impl.node.startPosition.row + 1;
      return {
        status: 'conditional',
        atoms,
        reasons: [
          {
            steps: [],
            leaf: `\`unsafe impl ${m.trait} for ${m.impl.typeNode.text}\` (line ${line}) requires ${[...atoms].map((a) => `\`${renderAtom(a)}\``).join(', ')}`,
          },
        ],
      };
    } finally {
      this.boundsInProgress.delete(m);
    }
  }

  /** The verdicts of `def`, solving it and all it reaches first if needed. */
  private lookup(def: TypeDef, trait: AutoTrait): Value {
    const settled = this.settled.get(def);
    if (settled) return settled[trait];
    const w = this.working.get(def);
    if (w) return w[trait];
    this.ensure([def]);
    return (
      this.settled.get(def)?.[trait] ??
      this.working.get(def)?.[trait] ??
      unknown(`\`${def.name}\` could not be analysed`)
    );
  }

  private evaluate(ty: Ty, trait: AutoTrait): Value {
    return evaluate(ty, trait, (def, t) => this.lookup(def, t), {
      implementsBound: (t, rhs) => this.implementsBound(t, rhs),
      normalize: (t, traitName, assoc, traitArgs) => this.normalize(t, traitName, assoc, traitArgs),
    });
  }

  /**
   * An associated type of a trait's impl for `self` (`<JoinHandle<u8> as Future>::Output`), where
   * the one impl of a trait of that name for the type says it (see normalize).
   */
  associated(self: Ty, traitName: string, assoc: string): Ty | undefined {
    return this.normalize(self, traitName, assoc);
  }

  holds(ty: Ty, trait: AutoTrait): Value {
    this.ensure(adtsIn(ty));
    return this.evaluate(ty, trait);
  }

  fieldValues(def: TypeDef, trait: AutoTrait): { field: string; ty: Ty; value: Value }[] {
    this.ensure([def]);
    return this.rawFieldValues(def, trait);
  }

  private rawFieldValues(def: TypeDef, trait: AutoTrait): { field: string; ty: Ty; value: Value }[] {
    return this.fieldTypes(def).map((f, i) => {
      const value = this.evaluate(f.ty, trait);
      // A field under an undecided `#[cfg]` may not exist: it cannot make the type `no`.
      if (def.fields[i]?.cfgUndecided && value.status !== 'yes') {
        return {
          field: f.name,
          ty: f.ty,
          value: unknown(`field \`${f.name}\` is under a \`#[cfg]\` this analysis cannot decide`),
        };
      }
      return { field: f.name, ty: f.ty, value };
    });
  }

  private autoValue(def: TypeDef, trait: AutoTrait): Value {
    const values = this.rawFieldValues(def, trait).map(({ field, ty, value }) => ({
      ...value,
      reasons: value.reasons.map((c) => ({
        steps: [{ owner: def.name, ownerKey: def.path, field, ty: ty.text }, ...c.steps],
        leaf: c.leaf,
      })),
    }));
    let v = meet(values);
    if (v.status === 'conditional') {
      const drop = this.implied(def);
      v = conditional(v.atoms.filter((a) => !drop.has(a)));
    }
    if (v.status !== 'no' && def.node.hasError) v = unknown(`the declaration of \`${def.name}\` does not parse yet`);
    return v;
  }

  /** Solves every type reachable from `roots` that is not settled yet, and settles them. */
  private ensure(roots: TypeDef[]): void {
    const pending: TypeDef[] = [];
    const seen = new Set<TypeDef>();
    const stack = roots.filter((d) => !this.settled.has(d) && !this.working.has(d));
    while (stack.length) {
      const def = stack.pop()!;
      if (seen.has(def) || this.settled.has(def) || this.working.has(def)) continue;
      seen.add(def);
      pending.push(def);
      for (const f of this.fieldTypes(def)) for (const d of adtsIn(f.ty)) if (!seen.has(d)) stack.push(d);
    }
    if (pending.length === 0) return;
    const fixed = (m: Manual | undefined) => (m && !m.undecided ? m.value : undefined);
    for (const def of pending) {
      const m = this.manual(def);
      this.working.set(def, { Send: fixed(m.Send) ?? YES, Sync: fixed(m.Sync) ?? YES });
    }
    let converged = false;
    for (let round = 0; round < 500 && !converged; round++) {
      converged = true;
      for (const def of pending) {
        const m = this.manual(def);
        const entry = this.working.get(def)!;
        for (const trait of AUTO_TRAITS) {
          if (fixed(m[trait])) continue;
          const v = this.eitherBuild(m[trait], this.autoValue(def, trait));
          if (!sameShape(v, entry[trait])) converged = false;
          entry[trait] = v;
        }
      }
    }
    for (const def of pending) {
      const m = this.manual(def);
      const entry = this.working.get(def)!;
      for (const trait of AUTO_TRAITS) {
        if (fixed(m[trait])) continue;
        // Settled: one more pass builds every reason chain from settled verdicts.
        entry[trait] = converged
          ? this.eitherBuild(m[trait], this.autoValue(def, trait))
          : unknown('the solver did not settle on these types');
      }
    }
    for (const def of pending) {
      this.settled.set(def, this.working.get(def)!);
      this.working.delete(def);
    }
  }

  /** The verdict when an impl (`m`) may or may not be compiled: the auto rule's `auto` otherwise. */
  private eitherBuild(m: Manual | undefined, auto: Value): Value {
    if (!m?.undecided || sameShape(m.value, auto)) return auto;
    const line = m.undecided.impl.node.startPosition.row + 1;
    return unknown(
      `\`${m.source === 'negative-impl' ? 'impl !' : 'unsafe impl '}${m.undecided.trait} for ${m.undecided.impl.typeNode.text}\` (line ${line}) is under a \`#[cfg]\` only the build decides, and without it the fields give another verdict`,
    );
  }

  verdict(def: TypeDef, trait: AutoTrait): TraitVerdict {
    const v = this.lookup(def, trait);
    const source = this.manual(def)[trait]?.source ?? 'auto';
    return toVerdict(
      v,
      source,
      def.generics.params.map((p) => p.name),
    );
  }
}

/** Std iterators: their own `IntoIterator` (`impl<I: Iterator> IntoIterator for I`), items of type `T`. */
const STD_ITERATORS = new Set([
  'std::ops::Range',
  'std::ops::RangeFrom',
  'std::ops::RangeInclusive',
  'std::vec::IntoIter',
  'std::option::IntoIter',
  'std::collections::vec_deque::IntoIter',
]);

/** `<X as IntoIterator>::IntoIter` or `::Item` of a std type, as std's impls set them. */
/** Whether a declaration's `#[derive(..)]` attributes name `trait` (`#[derive(Debug, Clone)]`). */
function derives(decl: SyntaxNode, trait: string): boolean {
  return attributesOf(decl).some((a) =>
    /^#\s*\[\s*derive\s*\(([^)]*)\)\s*\]$/
      .exec(a)?.[1]
      .split(',')
      .some((t) => t.trim().split('::').pop() === trait),
  );
}

function stdIntoIterator(self: Ty & { k: 'known' }, assoc: string): Ty | undefined {
  const path = self.known.path;
  const [item] = self.args;
  if (STD_ITERATORS.has(path)) return assoc === 'IntoIter' ? self : assoc === 'Item' ? item : undefined;
  if (path !== 'std::vec::Vec' || !item) return undefined;
  if (assoc === 'Item') return item;
  const intoIter = lookupKnownType('std::vec::IntoIter');
  if (assoc !== 'IntoIter' || !intoIter) return undefined;
  return { k: 'known', text: `std::vec::IntoIter<${item.text}>`, known: intoIter, args: [item], extra: self.extra };
}

/**
 * Binds the parameters of `written` (a blanket impl's bound, `Result<T, E>`) so that it is `given`
 * (`Result<u8, io::Error>`), into `env`; false where they differ or a parameter would be two types.
 */
function bindParams(written: Ty, given: Ty, env: Map<string, Ty>): boolean {
  if (written.k === 'param') {
    const before = env.get(written.name);
    if (before) return before.text === given.text;
    env.set(written.name, given);
    return true;
  }
  if (someTy(given, (t) => t.k === 'unknown')) return false;
  // `io::Result<T>` is `Result<T, io::Error>`.
  const ioError = lookupKnownType('std::io::Error');
  if (given.k === 'known' && given.known.path === 'std::io::Result' && given.args[0] && ioError) {
    const error: Ty = { k: 'known', known: ioError, args: [], extra: [], text: 'io::Error' };
    const spelled = lookupKnownType('std::result::Result');
    return spelled ? bindParams(written, { ...given, known: spelled, args: [given.args[0], error] }, env) : false;
  }
  if (written.k === 'known' && given.k === 'known' && written.known.path === given.known.path)
    return written.args.length === given.args.length && written.args.every((w, i) => bindParams(w, given.args[i], env));
  if (written.k === 'adt' && given.k === 'adt' && written.def === given.def)
    return [...written.args].every(([n, w]) => {
      const g = given.args.get(n);
      return g !== undefined && bindParams(w, g, env);
    });
  if (written.k === 'tuple' && given.k === 'tuple' && written.elems.length === given.elems.length)
    return written.elems.every((w, i) => bindParams(w, given.elems[i], env));
  return written.k === 'plain' && given.k === 'plain' && written.text === given.text;
}

/** The last segment of the trait an impl is for (`Service` of `impl<S> tower::Service<R> for X`). */
function traitNameOf(impl: ImplDef): string {
  const path =
    impl.traitNode.type === 'generic_type'
      ? (impl.traitNode.childForFieldName('type') ?? impl.traitNode)
      : impl.traitNode;
  return pathSegments(path).pop() ?? '';
}

/** Whether a type expression has a part this analysis could not resolve. */
function hasUnknown(ty: Ty): boolean {
  return someTy(ty, (t) => t.k === 'unknown');
}

/** The user types a type expression mentions. */
function adtsIn(ty: Ty, out: TypeDef[] = []): TypeDef[] {
  if (ty.k === 'adt') out.push(ty.def);
  for (const c of tyChildren(ty)) adtsIn(c, out);
  return out;
}

/** Solves one file on its own: what a single open file without its crate gets. */
export function solve(items: FileItems, resolver = new Resolver()): Solver {
  const solver = new Solver(resolver);
  solver.addImpls(items.impls);
  return solver;
}

/** The verdict as reported: atoms in the order of the type's parameters, `Send` before `Sync`. */
function toVerdict(v: Value, source: TraitVerdict['source'], params: string[]): TraitVerdict {
  const order = (a: Atom) => {
    const i = params.indexOf(a.param);
    const rank = a.kind === 'auto' ? (a.trait === 'Send' ? 0 : 1) : a.kind === 'projection' ? 3 : 2;
    return (i < 0 ? params.length : i) * 4 + rank;
  };
  const requires =
    v.status === 'conditional'
      ? [...v.atoms].sort((a, b) => order(a) - order(b) || renderAtom(a).localeCompare(renderAtom(b)))
      : [];
  return { status: v.status, requires, source, reasons: v.reasons };
}

/** What the solver knows of other traits' impls. */
interface ImplFacts {
  /** Whether a type implements a trait bound written as `rhs` (`RawMutex`): true, or unknown. */
  implementsBound: (ty: Ty, rhs: string) => boolean | undefined;
  /** `<Waiter as Link>::Target` through the type's impl of the trait, if one impl says. */
  normalize: (self: Ty, traitName: string, assoc: string, traitArgs?: TypeTerm[]) => Ty | undefined;
}

/** Whether `ty` is `trait`, given the current verdict of every user type. */
function evaluate(
  ty: Ty,
  trait: AutoTrait,
  lookup: (def: TypeDef, trait: AutoTrait) => Value,
  facts: ImplFacts,
): Value {
  const ev = (t: Ty, tr: AutoTrait) => evaluate(t, tr, lookup, facts);
  switch (ty.k) {
    case 'param':
      return holdsIf(autoAtom(ty.name, trait));
    case 'proj':
      // `type Marker: Send;` in the trait: every implementation's `Marker` is Send.
      return ty.implied.includes(trait)
        ? YES
        : holdsIf(projectionAtom(ty.param, ty.traitName, ty.assoc, trait, ty.traitArgs, ty.via));
    case 'assoc': {
      const normal = facts.normalize(ty.self, ty.traitName, ty.assoc);
      return normal
        ? ev(normal, trait)
        : unknown(
            `\`${ty.text}\` is an associated type whose impl for \`${ty.self.text}\` this analysis does not find`,
          );
    }
    case 'plain':
      return YES;
    case 'ptr':
      return no(`raw pointer \`${ty.text}\` is never \`${trait}\``);
    case 'ref': {
      const need: AutoTrait = trait === 'Send' && ty.mut ? 'Send' : 'Sync';
      const v = ev(ty.inner, need);
      if (v.status !== 'no') return v;
      const how = ty.mut
        ? `\`&mut T\` is \`${trait}\` only if \`T\` is \`${need}\``
        : `\`&T\` is \`${trait}\` only if \`T\` is \`Sync\``;
      return { ...v, reasons: v.reasons.map((c) => ({ ...c, leaf: `${how}, and ${c.leaf}` })) };
    }
    case 'seq':
      return ev(ty.inner, trait);
    case 'tuple':
      return meet(ty.elems.map((e) => ev(e, trait)));
    case 'dyn': {
      const f = trait === 'Send' ? ty.send : ty.sync;
      if (f.holds === true) return YES;
      return f.holds === false ? no(f.why) : unknown(f.why);
    }
    case 'unknown':
      return unknown(ty.reason);
    case 'known': {
      const rule = ty.known[trait === 'Send' ? 'send' : 'sync'];
      const extras = ty.extra.map((e) => ev(e, trait));
      if (rule === 'no') return meet([no(`\`${shortName(ty)}\` is never \`${trait}\``), ...extras]);
      if (rule === 'yes') return meet([YES, ...extras]);
      const parts = rule.map((a) => {
        const arg = ty.args[ty.known.params.indexOf(a.param)];
        return arg ? ev(arg, a.trait) : YES;
      });
      return meet([...parts, ...extras]);
    }
    case 'adt': {
      const entry = lookup(ty.def, trait);
      if (entry.status === 'no' || entry.status === 'unknown') return entry;
      const parts = [...entry.atoms].map((a) => substituteAtom(a, ty, trait, ev, facts));
      return meet(parts);
    }
  }
}

/** A condition of `ty.def` over its own parameters, with `ty`'s arguments put in. */
function substituteAtom(
  a: Atom,
  ty: Ty & { k: 'adt' },
  trait: AutoTrait,
  ev: (t: Ty, tr: AutoTrait) => Value,
  facts: ImplFacts,
): Value {
  const arg = ty.args.get(a.param);
  if (!arg) return unknown(`\`${ty.text}\` does not say what \`${a.param}\` is`);
  switch (a.kind) {
    case 'auto':
      return ev(arg, a.trait);
    case 'bound': {
      if (arg.k === 'param' && !a.via) return holdsIf(renameAtom(a, arg.name));
      // `<A as Adapter>::LinkOps: LinkedListOps` at `List<A>` or `List<MyAdapter>`: the bound on what
      // the argument's associated type is.
      const reached = reach(arg, a.via ?? [], a, ty, trait, facts);
      if ('value' in reached) return reached.value;
      const target = reached.ty;
      if (target.k === 'param' || target.k === 'proj') {
        // A bound naming the type's other parameters (`Service<Q>`) would have to be restated.
        if (ty.def.generics.params.some((p) => hasWord(a.bound, p.name)))
          return unknown(
            `\`${ty.def.name}\` is \`${trait}\` only if \`${renderAtom(a)}\`, which this analysis does not restate for \`${ty.text}\``,
          );
        if (target.k === 'param') return holdsIf(boundAtom(target.name, a.bound));
        // `type Raw: RawMutex;` in the trait: every implementation's `Raw` has the bound.
        if (target.bounds?.includes(a.bound)) return YES;
        return holdsIf(boundAtom(target.param, a.bound, stepsOf(target)));
      }
      // `unsafe impl<R: RawMutex + Send> Send for Mutex<R>` used as `Mutex<parking_lot::RawMutex>`:
      // holds when the crate has `impl RawMutex for parking_lot::RawMutex`.
      if (facts.implementsBound(target, a.bound) === true) return YES;
      return unknown(
        `\`${ty.def.name}\` is \`${trait}\` only if \`${renderAtom(a)}\`, which this analysis does not check for \`${target.text}\``,
      );
    }
    case 'projection': {
      // `<R as RawMutex>::GuardMarker: Send` with `R` given: the same condition on the argument
      // when it is a parameter (or a parameter's associated type: the steps add up); for a
      // concrete type, each step's impl says what it is (`<R as RawRwLock>::GuardMarker` with
      // `R = parking_lot::RawRwLock`: its impl's `GuardMarker`).
      const own: ProjStep = {
        traitName: a.traitName,
        assoc: a.assoc,
        ...(a.traitArgs ? { traitArgs: a.traitArgs } : {}),
      };
      const reached = reach(arg, [...(a.via ?? []), own], a, ty, trait, facts);
      return 'value' in reached ? reached.value : ev(reached.ty, a.trait);
    }
    case 'equals': {
      if (a.projection) return projectionEquals(a, a.projection, ty, trait, facts);
      // `T = u8`: an impl for one instantiation.
      const norm = (s: string) => s.replace(/\s+/g, '');
      if (norm(arg.text) === norm(a.type)) return YES;
      // Used with the outer type's own parameter: the same condition, on that parameter.
      if (arg.k === 'param') return holdsIf(renameAtom(a, arg.name));
      const constructed = arg.k === 'known' || arg.k === 'adt' || arg.k === 'ref' || arg.k === 'ptr';
      const primitive = (arg.k === 'plain' && PRIMITIVES.has(norm(arg.text))) || constructed;
      // Two different primitives, or a primitive and a constructed type (`Vec<..>` is never `u8`).
      if (primitive && PRIMITIVES.has(norm(a.type))) {
        return no(`\`${ty.def.name}\` is \`${trait}\` only for \`${renderAtom(a)}\``);
      }
      return unknown(
        `\`${ty.def.name}\` is \`${trait}\` only for \`${renderAtom(a)}\`, and \`${arg.text}\` may or may not be that type`,
      );
    }
  }
}

/**
 * The type `steps` reach from `arg`, the argument `ty` gives for the parameter of `a` (a condition
 * of `ty.def`, whose steps' trait arguments are over its parameters): a projection of a parameter
 * once one is reached (`<<A as Adapter>::LinkOps as LinkOps>::LinkPtr` at `Cursor<A>`), else the
 * type each step's impl says (at `Cursor<MyAdapter>`: `MyAdapter`'s `LinkOps`, then that type's
 * `LinkPtr`). A step no impl resolves is `unknown`, never a guess.
 */
function reach(
  arg: Ty,
  stepsOver: ProjStep[],
  a: Atom,
  ty: Ty & { k: 'adt' },
  trait: AutoTrait,
  facts: ImplFacts,
): { ty: Ty } | { value: Value } {
  const what = `\`${ty.def.name}\` is \`${trait}\` only if \`${renderAtom(a)}\``;
  // `<S as Service<Req>>::Future` at `State<T, Vec<R>>`: the trait's arguments are given too,
  // each as a term that writes back exactly, or the condition cannot be stated.
  const steps = substituteSteps(stepsOver, (p) => {
    const given = ty.args.get(p);
    return given && termOf(given);
  });
  if (!steps)
    return { value: unknown(`${what}, and this analysis cannot restate its traits' arguments for \`${ty.text}\``) };
  let cur = arg;
  for (const [i, step] of steps.entries()) {
    if (cur.k === 'param' || cur.k === 'proj') {
      const param = cur.k === 'param' ? cur.name : cur.param;
      const via = [...(cur.k === 'proj' ? stepsOf(cur) : []), ...steps.slice(i, -1)];
      const last = steps[steps.length - 1];
      const text = projectionText(param, last.traitName, last.assoc, last.traitArgs, via);
      const proj: Ty = { k: 'proj', text, param, traitName: last.traitName, assoc: last.assoc, implied: [] };
      return {
        ty: { ...proj, ...(last.traitArgs ? { traitArgs: last.traitArgs } : {}), ...(via.length ? { via } : {}) },
      };
    }
    const next = facts.normalize(cur, step.traitName, step.assoc, step.traitArgs);
    if (!next)
      return { value: unknown(`${what}, and this analysis does not resolve \`${step.assoc}\` for \`${cur.text}\``) };
    cur = next;
  }
  return { ty: cur };
}

/**
 * `T = <L as Link>::Target` at `List<A, B>`: holds when `B` is `A`'s `Target`, written as the same
 * projection of the same parameter, or found through `A`'s impl to be the same type as `B`.
 */
function projectionEquals(
  a: Atom,
  p: { param: string; traitName: string; assoc: string },
  ty: Ty & { k: 'adt' },
  trait: AutoTrait,
  facts: ImplFacts,
): Value {
  const owner = ty.args.get(p.param);
  const arg = ty.args.get(a.param);
  const what = `\`${ty.def.name}\` is \`${trait}\` only for \`${renderAtom(a)}\``;
  if (!owner || !arg) return unknown(`${what}, and \`${ty.text}\` does not say what it is`);
  // `List<Task<S>, <Task<S> as Link>::Target>`: the very projection the impl is for.
  const sameSelf = (x: Ty, y: Ty): boolean =>
    x.k === 'param' && y.k === 'param'
      ? x.name === y.name
      : x.k === 'adt' && y.k === 'adt'
        ? x.def === y.def &&
          [...x.args].every(([n, t]) => {
            const u = y.args.get(n);
            return !!u && sameSelf(t, u);
          })
        : x.k === 'plain' && y.k === 'plain' && x.text.replace(/\s+/g, '') === y.text.replace(/\s+/g, '');
  if (arg.k === 'assoc' && arg.traitName === p.traitName && arg.assoc === p.assoc && sameSelf(arg.self, owner))
    return YES;
  if (owner.k === 'param') {
    const same =
      arg.k === 'proj' &&
      !arg.traitArgs &&
      !arg.via &&
      arg.param === owner.name &&
      arg.traitName === p.traitName &&
      arg.assoc === p.assoc;
    return same ? YES : unknown(`${what}, and \`${arg.text}\` may or may not be that type`);
  }
  const expected = facts.normalize(owner, p.traitName, p.assoc);
  const actual = arg.k === 'assoc' ? facts.normalize(arg.self, arg.traitName, arg.assoc) : arg;
  const key = (t: Ty | undefined): string | undefined => {
    if (!t) return undefined;
    if (t.k === 'adt') {
      const args = [...t.args.values()].map(key);
      return args.every((x) => x !== undefined) ? `${t.def.path}<${args.join(',')}>` : undefined;
    }
    if (t.k === 'plain') return t.text.replace(/\s+/g, '');
    return undefined;
  };
  const [e, g] = [key(expected), key(actual)];
  if (e !== undefined && e === g) return YES;
  return unknown(`${what}, and this analysis cannot tell whether \`${arg.text}\` is that type`);
}

/** Matches an `impl Send/Sync` to its type and turns its bounds into atoms over the type's params. */
function matchImpl(impl: ImplDef, resolver: Resolver, implied: (def: TypeDef) => AtomSet): ManualImpl | undefined {
  const traitNode = impl.traitNode;
  if (traitNode.type !== 'type_identifier' && traitNode.type !== 'scoped_type_identifier') return undefined;
  const segments = pathSegments(traitNode);
  const last = segments[segments.length - 1];
  if (last !== 'Send' && last !== 'Sync') return undefined;
  const traitItem =
    segments.length === 1 ? resolver.lookup(impl.scope, last) : resolver.resolvePath(impl.scope, segments);
  if (traitItem.kind === 'trait') return undefined; // a local trait that happens to be called Send
  const trait: AutoTrait = last;

  const implParams = impl.generics.params.filter((p) => p.kind === 'type');
  const env = paramEnv(impl.generics, impl.scope);
  const ty = resolver.lowerType(impl.typeNode, impl.scope, env);
  if (ty.k !== 'adt') return undefined;
  const def = ty.def;
  const line = impl.node.startPosition.row + 1;
  const what = `${impl.negative ? 'impl !' : 'unsafe impl '}${trait} for ${impl.typeNode.text.replace(/\s+/g, ' ')}`;

  if (impl.negative) {
    return {
      impl,
      def,
      trait,
      negative: true,
      value: no(`\`${what}\` (line ${line})`),
      rename: new Map(),
      provided: new AtomSet(),
    };
  }

  const rename = new Map<string, string>();
  const atoms = new AtomSet();
  const problems: string[] = [];
  const mentions = (t: Ty): boolean => someTy(t, (x) => x.k === 'param' || x.k === 'proj');
  const args = [...ty.args].sort(([, x], [, y]) => (x.k === 'param' ? 0 : 1) - (y.k === 'param' ? 0 : 1));
  for (const [param, arg] of args) {
    if (arg.k === 'param' && env.has(arg.name) && !rename.has(arg.name)) rename.set(arg.name, param);
    else if (arg.k === 'proj' && !arg.traitArgs && !arg.via && rename.has(arg.param)) {
      // `List<L, L::Target>`: the impl is for instantiations whose `T` is `L`'s `Target`.
      const owner = rename.get(arg.param)!;
      atoms.add({
        kind: 'equals',
        param,
        type: projectionText(owner, arg.traitName, arg.assoc),
        projection: { param: owner, traitName: arg.traitName, assoc: arg.assoc },
      });
    } else if (mentions(arg))
      problems.push(`\`${what}\` is for a partly generic instantiation, which this analysis does not reduce`);
    else if (arg.k === 'unknown') problems.push(arg.reason);
    else atoms.add(equalsAtom(param, arg.text));
  }
  /**
   * Bounds on an impl parameter, or on its associated type `via` reaches (`where A::LinkOps:
   * LinkedListOps`, the steps' trait arguments over the impl's parameters): `subject` as written.
   */
  const addBounds = (implParam: string, bounds: SyntaxNode[], via: ProjStep[] = [], subject = implParam) => {
    const param = rename.get(implParam);
    const steps = substituteSteps(via, (p) => {
      const to = rename.get(p);
      return to === undefined ? undefined : { t: 'param', name: to };
    });
    for (const b of bounds) {
      if (!param || !steps) {
        problems.push(`the bound \`${subject}: ${b.text}\` is on a parameter the type does not use directly`);
        continue;
      }
      const r = resolver.traitImplies(b, impl.scope, new Set());
      for (const t of AUTO_TRAITS) if (r[t] === true) atoms.add(boundAtom(param, t, steps));
      const isAuto = /^(?:(?:std|core)::marker::)?(?:Send|Sync)$/.test(b.text.replace(/\s+/g, ''));
      if (isAuto) continue;
      // `X: Service<Y>` on `Wrap<X, Y>` declared as `Wrap<S, Q>` is `S: Service<Q>`.
      const names = [...env.keys()].filter((n) => hasWord(b.text, n));
      const unnamed = names.find((n) => !rename.has(n));
      if (unnamed) {
        problems.push(`the bound \`${subject}: ${b.text}\` names \`${unnamed}\`, which the type does not use directly`);
        continue;
      }
      const text = names.length
        ? b.text.replace(new RegExp(`\\b(${names.join('|')})\\b`, 'g'), (n) => rename.get(n)!)
        : b.text;
      atoms.add(boundAtom(param, text, steps));
    }
  };
  for (const p of implParams) addBounds(p.name, p.bounds);
  const typeBounds: { ty: Ty; trait: AutoTrait; text: string }[] = [];
  for (const w of impl.generics.where) {
    if (w.left.type === 'type_identifier' && env.has(w.left.text)) addBounds(w.left.text, w.bounds);
    else if (w.left.type !== 'lifetime') {
      // `where OnceCell<T>: Sync`: solved later, from that type's verdict (see Solver.withTypeBounds).
      const left = resolver.lowerType(w.left, impl.scope, env);
      for (const b of w.bounds) {
        const t = b.text.replace(/\s+/g, '').replace(/^(?:(?:std|core)::marker::)/, '');
        if (t === 'Send' || t === 'Sync')
          typeBounds.push({ ty: left, trait: t, text: `${w.left.text.replace(/\s+/g, ' ')}: ${t}` });
        // `where A::LinkOps: LinkedListOps`: a bound on the parameter's associated type.
        else if (left.k === 'proj') addBounds(left.param, [b], stepsOf(left), w.left.text.replace(/\s+/g, ' '));
        else problems.push(`the where clause \`${w.node.text}\` is not understood`);
      }
    }
  }
  const declared = implied(def);
  const provided = new AtomSet([...atoms, ...declared]);
  const kept = atoms.filter((a) => !declared.has(a));
  const shown = [...kept].map((a) => `\`${renderAtom(a)}\``).join(', ');
  let value: Value;
  if (problems.length)
    value = { status: 'unknown', atoms: new AtomSet(), reasons: problems.map((leaf) => ({ steps: [], leaf })) };
  else value = conditional(kept, [{ steps: [], leaf: `\`${what}\` (line ${line}) requires ${shown}` }]);
  return { impl, def, trait, negative: false, value, rename, provided, typeBounds };
}
