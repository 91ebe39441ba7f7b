// Names to items, and type expressions to types. A path resolves the way rustc resolves it within
// one file: function-body items, then the module's own items, `use`s and glob imports, then the
// extern prelude (`std`, `core`, `alloc`, crates) and the std prelude. Modules do not see their
// parent's names. What cannot be seen from this file resolves to `unknown` with a reason.
import {
  isStdModule,
  lookupKnownType,
  PRELUDE_TYPES,
  PRIMITIVES,
  STD_TRAITS_WITHOUT_AUTO_SUPERTRAITS,
  stdOmission,
  type KnownType,
} from './known-types';
import { namedChildren, type SyntaxNode } from '../syntax/parser';
import { renderTerm, type ProjStep, type TypeTerm } from './conditions';
import {
  lowerGenerics,
  pathSegments,
  type AliasDef,
  type FnDef,
  type Generics,
  type Scope,
  type TraitDef,
  type TypeDef,
} from './lower';

export type Item =
  | { kind: 'type'; def: TypeDef }
  | { kind: 'alias'; def: AliasDef }
  | { kind: 'trait'; def: TraitDef }
  | { kind: 'mod'; scope: Scope }
  | { kind: 'std'; path: string[] }
  | { kind: 'known'; known: KnownType }
  | { kind: 'extern'; crate: string }
  /** `twins`: what the name stands for in each build, when it is a cfg twin (Scope.cfgTwins). */
  | { kind: 'none'; reason: string; twins?: Item[] };

/** A resolved type. `text` is how the source wrote it, for messages. */
export type Ty = { text: string } &
  /** `bounds`: the parameter's declared trait bounds, to name the trait of `T::Item`. */
  (
    | { k: 'param'; name: string; bounds?: ParamBounds }
    /**
     * `<R as RawMutex>::GuardMarker` (written so, or `R::GuardMarker`): an associated type of a
     * parameter, with the trait that declares it. `implied`: auto traits the associated type's own
     * declaration guarantees (`type Marker: Send;`). `traitArgs`: a generic trait's arguments
     * (`S: Service<Req>`), over the same parameters as the type. `via`: the associated types it
     * is reached through (`<A::LinkOps as LinkOps>::LinkPtr`: `A`'s `LinkOps`, see ProjStep).
     * `bounds`: the other bounds that declaration puts on it (`type Raw: RawMutex;`), as written.
     */
    | {
        k: 'proj';
        param: string;
        traitName: string;
        assoc: string;
        implied: ('Send' | 'Sync')[];
        traitArgs?: TypeTerm[];
        via?: ProjStep[];
        bounds?: string[];
      }
    /** `<Waiter as Link>::Target`: an associated type of a concrete type, found through its impl when solved. */
    | { k: 'assoc'; self: Ty; traitName: string; assoc: string }
    | { k: 'adt'; def: TypeDef; args: Map<string, Ty> }
    | { k: 'known'; known: KnownType; args: Ty[]; extra: Ty[] }
    | { k: 'plain' }
    | { k: 'ref'; mut: boolean; inner: Ty }
    | { k: 'ptr'; mut: boolean; inner: Ty }
    | { k: 'seq'; inner: Ty }
    | { k: 'tuple'; elems: Ty[] }
    /** `written`: the traits of a `dyn`/`impl` type as written, read with the parameters then in scope (see projectionOnto). */
    | {
        k: 'dyn';
        send: TraitFact;
        sync: TraitFact;
        written?: { traits: SyntaxNode[]; scope: Scope; env: Map<string, Ty> };
      }
    /**
     * `hole`: a type parameter of a call that the call leaves to inference (`oneshot::channel()`'s
     * `T`), the same object wherever that parameter appears; the futures analysis may fill it from
     * a later use (`tx.send(1)`). Unknown until then, like any other unknown type.
     */
    | { k: 'unknown'; reason: string; hole?: object }
  );

/** The types directly inside `ty` (arguments, pointee, elements): what every walk over a type visits. */
export function tyChildren(ty: Ty): Ty[] {
  switch (ty.k) {
    case 'adt':
      return [...ty.args.values()];
    case 'known':
      return [...ty.args, ...ty.extra];
    case 'ref':
    case 'ptr':
    case 'seq':
      return [ty.inner];
    case 'tuple':
      return ty.elems;
    case 'assoc':
      return [ty.self];
    default:
      return [];
  }
}

/** The steps from a projection's parameter to it, its own last (`<A::LinkOps as LinkOps>::LinkPtr`: two). */
export function stepsOf(ty: Ty & { k: 'proj' }): ProjStep[] {
  const own: ProjStep = { traitName: ty.traitName, assoc: ty.assoc };
  if (ty.traitArgs) own.traitArgs = ty.traitArgs;
  return [...(ty.via ?? []), own];
}

/** Whether `ty` or any type inside it satisfies `test`. */
export function someTy(ty: Ty, test: (t: Ty) => boolean): boolean {
  return test(ty) || tyChildren(ty).some((c) => someTy(c, test));
}

/**
 * A generic parameter's trait bounds (`R: RawMutex`, `where R: Lock`), where they were written,
 * with the type parameters of that declaration (what a bound's own arguments can name).
 */
interface ParamBounds {
  nodes: SyntaxNode[];
  scope: Scope;
  params: string[];
}

/**
 * `ty` as a term (see TypeTerm), when writing the term back gives the text it was written with:
 * anything the term would lose (a lifetime, a path prefix, an alias, a default argument, an array
 * length) makes it undefined, and so does a text that no longer says what the type is (a type
 * lowered with other arguments than its own). `exact: false` asks only what the type is, to
 * compare it with another.
 */
export function termOf(ty: Ty, exact = true): TypeTerm | undefined {
  const all = (xs: Ty[]) => {
    const out = xs.map((x) => termOf(x, exact));
    return out.every((x): x is TypeTerm => x !== undefined) ? out : undefined;
  };
  let term: TypeTerm | undefined;
  switch (ty.k) {
    case 'param':
      term = { t: 'param', name: ty.name };
      break;
    case 'plain': {
      const name = ty.text.replace(/\s+/g, '');
      if (PRIMITIVES.has(name) || name === '()') term = name === '()' ? { t: 'tuple', elems: [] } : { t: 'prim', name };
      break;
    }
    case 'adt': {
      const args = all([...ty.args.values()]);
      if (args) term = { t: 'path', name: ty.def.name, key: ty.def.path, args };
      break;
    }
    case 'known': {
      const args = ty.extra.length ? undefined : all(ty.args);
      if (args) term = { t: 'path', name: ty.known.path.split('::').pop()!, key: ty.known.path, args };
      break;
    }
    case 'ref': {
      const inner = termOf(ty.inner, exact);
      if (inner) term = { t: 'ref', mut: ty.mut, inner };
      break;
    }
    case 'tuple': {
      const elems = all(ty.elems);
      if (elems) term = { t: 'tuple', elems };
      break;
    }
    // Written back, these would lose what they are (`[T; 4]` and `[T]` are one kind here).
    case 'seq':
    case 'ptr':
    case 'dyn':
    case 'proj':
    case 'assoc':
    case 'unknown':
      break;
  }
  if (!term || !exact) return term;
  const bare = (s: string) => s.replace(/\s+/g, '');
  return bare(renderTerm(term)) === bare(ty.text) ? term : undefined;
}

/**
 * The environment of a declaration's own parameters: each stands for itself, carrying its bounds
 * (from `<...>` and the where clause), so that `R::GuardMarker` can name its trait.
 */
export function paramEnv(generics: Generics, scope: Scope): Map<string, Ty> {
  const env = new Map<string, Ty>();
  const params = generics.params.filter((p) => p.kind === 'type').map((p) => p.name);
  for (const p of generics.params) {
    if (p.kind !== 'type') continue;
    const nodes = [...p.bounds];
    for (const w of generics.where)
      if (w.left.type === 'type_identifier' && w.left.text === p.name) nodes.push(...w.bounds);
    env.set(p.name, { k: 'param', name: p.name, text: p.name, bounds: { nodes, scope, params } });
  }
  return env;
}

/**
 * Std traits and the associated types they declare or inherit, by the trait that declares them
 * (`DerefMut`'s `Target` is `Deref`'s). Other std traits may declare some: unknown there.
 */
const STD_ASSOC: Record<string, Record<string, string>> = {
  Iterator: { Item: 'Iterator' },
  DoubleEndedIterator: { Item: 'Iterator' },
  ExactSizeIterator: { Item: 'Iterator' },
  FusedIterator: { Item: 'Iterator' },
  IntoIterator: { Item: 'IntoIterator', IntoIter: 'IntoIterator' },
  Future: { Output: 'Future' },
  Deref: { Target: 'Deref' },
  DerefMut: { Target: 'Deref' },
};

/** Traits of the std prelude (every edition) that have associated types. */
const PRELUDE_TRAITS = new Set(['Iterator', 'IntoIterator', 'DoubleEndedIterator', 'ExactSizeIterator']);

/** Std traits without associated types: a bound of one says nothing of `T::X`. */
const STD_NO_ASSOC = new Set([
  'Send',
  'Sync',
  'Sized',
  'Unpin',
  'Clone',
  'Copy',
  'Debug',
  'Display',
  'Default',
  'Eq',
  'PartialEq',
  'Ord',
  'PartialOrd',
  'Hash',
  'Any',
]);

/** What a trait object's bounds say about one auto trait. */
export type TraitFact = { holds: true } | { holds: false; why: string } | { holds: 'unknown'; why: string };

/**
 * The sysroot's crates a path can start with, and the root the std table lists their types under:
 * std's three crates under `std`, proc_macro (a proc macro's tokens) under its own name.
 */
const SYSROOT_CRATES = new Map([
  ['std', 'std'],
  ['core', 'std'],
  ['alloc', 'std'],
  ['proc_macro', 'proc_macro'],
]);

/** `name` as a crate of the sysroot, if it is one. */
function sysrootCrate(name: string): Item | undefined {
  const root = SYSROOT_CRATES.get(name);
  return root === undefined ? undefined : { kind: 'std', path: [root] };
}

/** Why a path from a detached file's crate root or parent names nothing (see Scope.detached). */
const DETACHED = 'no module of this build reaches this file, so its crate and its place there are unknown';
let nextScopeId = 0;
const MAX_DEPTH = 40;
/**
 * How many globs' paths may be looked up through other globs, one inside another: each retry
 * tries every glob for the path's first name, so without a bound seven globs of unknown crates
 * (`use a::b::*;` ..) made a lookup try their every order, and a 12-line file never finished.
 * One is what real code needs (`pub use p::*; pub use q::*;` with `q` from `p`).
 */
const MAX_GLOB_RETRIES = 1;

/**
 * Finds another crate by the name code uses for it (`tokio`, or an `extern crate ... as` alias
 * already mapped to the real name): its root module, or why it cannot be read. Undefined: the
 * name is not a crate this project knows.
 */
export type CrateFinder = (from: Scope, name: string) => Item | undefined;

export class Resolver {
  /** The imports and globs being followed (see guarded): a cycle among them names nothing. */
  private readonly busy = new Set<string>();
  /** The same for fns (see fnIn), apart: following a fn's imports changes no type lookup. */
  private readonly fnsBusy = new Set<string>();
  /** Scopes of different crates share module paths: cycle keys use an identity per scope. */
  private readonly scopeIds = new WeakMap<Scope, number>();

  private scopeKey(scope: Scope): number {
    let id = this.scopeIds.get(scope);
    if (id === undefined) {
      id = nextScopeId++;
      this.scopeIds.set(scope, id);
    }
    return id;
  }

  constructor(private readonly findCrate: CrateFinder = () => undefined) {}

  /** Resolves a path as written in `scope`. */
  resolvePath(scope: Scope, segments: string[]): Item {
    if (segments.length === 0) return { kind: 'none', reason: 'empty path' };
    if (segments[0] === '::') {
      // `::x`: the crate root's `x` in edition 2015, the crate `x` since.
      const root = crateRoot(scope);
      if (segments.length === 1) return { kind: 'none', reason: 'empty path' };
      if (root.edition2015 && root.detached) {
        // The crate root is not known; `std` is in every one (injected as `extern crate std`),
        // and the sysroot's other crates are taken to be named by their `extern crate`.
        const sysroot = sysrootCrate(segments[1]);
        if (sysroot) return this.members(sysroot, segments.slice(2));
        return {
          kind: 'none',
          reason: `\`::${segments[1]}\` names the crate root's item (edition 2015), and ${DETACHED}`,
        };
      }
      if (root.edition2015) {
        // The root's own items, then the crates it can name (`std`, `extern crate`s).
        const first = this.lookupIn(root, segments[1], true) ??
          this.externItem(root, segments[1]) ?? {
            kind: 'none',
            reason: `\`${segments[1]}\` is not declared in module \`crate\``,
          };
        return this.members(first, segments.slice(2));
      }
      const ext = this.externItem(scope, segments[1]) ?? {
        kind: 'none',
        reason: `\`${segments[1]}\` is not a crate this project knows`,
      };
      return this.members(ext, segments.slice(2));
    }
    return this.members(this.resolveFirst(scope, segments[0]), segments.slice(1));
  }

  /** An import's path: in edition 2015 it starts at the crate root, unless `self`/`super`/`crate`. */
  private importPath(scope: Scope, path: string[]): Item {
    const root = crateRoot(scope);
    if (root.edition2015 && !['self', 'super', 'crate', '$crate', '::'].includes(path[0]))
      return this.resolvePath(scope, ['::', ...path]);
    // `use memchr::{memchr, memmem};`: the import of `memchr::memchr` (a fn, and a private
    // module, which cannot be imported) does not stand for the crate in the next path. Code that
    // compiles has no other meaning for a name that is both a crate and an import of that crate.
    const first = scope.module.imports.get(path[0]);
    if (first && first.length > 1 && first[0] === path[0] && !root.detached) {
      const crate = this.externItem(scope, path[0]);
      if (crate && crate.kind !== 'extern' && crate.kind !== 'none') return this.members(crate, path.slice(1));
    }
    return this.resolvePath(scope, path);
  }

  private members(start: Item, segments: string[]): Item {
    let item = start;
    for (const seg of segments) {
      item = this.member(item, seg);
      if (item.kind === 'none' || item.kind === 'extern') break;
    }
    return item;
  }

  /** `name` as a crate: std, an `extern crate` alias, or a dependency. */
  private externItem(scope: Scope, name: string): Item | undefined {
    const sysroot = sysrootCrate(name);
    if (sysroot) return sysroot;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const ext = s.externCrates.get(name);
      if (ext !== undefined) return sysrootCrate(ext) ?? this.findCrate(scope, ext) ?? { kind: 'extern', crate: ext };
    }
    return (
      this.findCrate(scope, name) ?? (/^[a-z_][a-z0-9_]*$/.test(name) ? { kind: 'extern', crate: name } : undefined)
    );
  }

  private resolveFirst(scope: Scope, name: string): Item {
    // `$crate` in an item macro's body, read where the macro is defined: this crate.
    if (name === 'crate' || name === '$crate') {
      const root = crateRoot(scope);
      return root.detached ? { kind: 'none', reason: `\`crate\`: ${DETACHED}` } : { kind: 'mod', scope: root };
    }
    if (name === 'self') return { kind: 'mod', scope: scope.module };
    if (name === 'super') return parentModule(scope.module);
    return this.lookup(scope, name);
  }

  /** Top-level lookups' results while `memoized` runs (see remembered): nothing changes the scopes meanwhile. */
  private memo?: Map<Scope, Map<string, Item | FnDef | undefined>>;

  /**
   * Runs `f` with lookups remembered: an analysis asks for the same names from the same scopes
   * over and over, and with glob imports each lookup can read many modules (a test file of nix,
   * 43 KB with seven globs, took 1.7 s).
   */
  memoized<T>(f: () => T): T {
    if (this.memo) return f();
    this.memo = new Map();
    try {
      return f();
    } finally {
      this.memo = undefined;
    }
  }

  /**
   * `compute()`, remembered under `scope` and `key` while `memoized` runs, when `topLevel`: a
   * lookup made inside another depends on the cycle guards of that one, and is not kept.
   */
  private remembered<T extends Item | FnDef | undefined>(
    scope: Scope,
    key: string,
    topLevel: boolean,
    compute: () => T,
  ): T {
    if (!this.memo || !topLevel) return compute();
    let byKey = this.memo.get(scope);
    if (!byKey) {
      byKey = new Map();
      this.memo.set(scope, byKey);
    }
    if (!byKey.has(key)) byKey.set(key, compute());
    return byKey.get(key) as T;
  }

  /** `name` as a single-segment path in `scope`, with everything in scope there. */
  lookup(scope: Scope, name: string): Item {
    const topLevel = this.busy.size === 0 && this.globsOff === 0;
    return this.remembered(scope, `type ${name}`, topLevel, () => this.lookupNow(scope, name));
  }

  private lookupNow(scope: Scope, name: string): Item {
    for (let s: Scope | undefined = scope; s; s = s.kind === 'block' ? s.parent : undefined) {
      const found = this.lookupIn(s, name, true);
      if (found) return found;
    }
    const ext = this.externItem(scope, name);
    if (ext && ext.kind !== 'extern') return ext;
    // Own keys only: a type named `constructor` is not the prelude's.
    const prelude = Object.hasOwn(PRELUDE_TYPES, name) ? PRELUDE_TYPES[name] : undefined;
    if (prelude) return { kind: 'known', known: lookupKnownType(prelude)! };
    if (ext) return ext;
    return { kind: 'none', reason: `\`${name}\` is not declared or imported in this file` };
  }

  /**
   * The items a module itself declares or imports (what `mod::name` and glob imports see).
   * `globFrom`: the module whose glob import of `scope` this lookup follows; unless it is `scope`
   * or inside it, the `use`s written without `pub` are not seen (a glob imports only what is
   * visible where it is written).
   */
  private lookupIn(scope: Scope, name: string, withGlobs: boolean, globFrom?: Scope): Item | undefined {
    const hidden = globFrom !== undefined && !isWithin(globFrom, scope.module);
    const def = scope.types.get(name);
    if (def && !(hidden && !declaredPublic(def.node))) return { kind: 'type', def };
    const twins = scope.cfgTwins?.get(name);
    if (twins)
      return {
        kind: 'none',
        reason: cfgTwinReason(name),
        twins: twins.map((t): Item => (Array.isArray(t) ? this.importPath(scope, t) : { kind: 'alias', def: t })),
      };
    const alias = scope.aliases.get(name);
    if (alias && !(hidden && !declaredPublic(alias.typeNode?.parent))) return { kind: 'alias', def: alias };
    const trait = scope.traits.get(name);
    if (trait && !(hidden && !declaredPublic(trait.node))) return { kind: 'trait', def: trait };
    const mod = scope.mods.get(name);
    if (mod) return { kind: 'mod', scope: mod };
    if (scope.outOfFileMods.has(name)) {
      return {
        kind: 'none',
        reason: `module \`${name}\` is in another file; open the crate's folder to analyse across files`,
      };
    }
    // `extern crate alloc;` names the crate in its module: `crate::alloc::boxed::Box`.
    if (scope.externCrates.has(name)) return this.externItem(scope, name);
    const imported = hidden && scope.privateImports?.has(name) ? undefined : scope.imports.get(name);
    if (imported) {
      return this.guarded(`import ${this.scopeKey(scope)} ${name}`, () => {
        // `use lock_api;` / `use log::{self}`: the import names the crate, not itself (in edition
        // 2015 it names the crate root's item, which may be the crate's `extern crate`).
        if (imported[0] === name && !crateRoot(scope).edition2015)
          return this.members(
            this.externItem(scope, name) ?? { kind: 'none', reason: `\`${name}\` is not a crate this project knows` },
            imported.slice(1),
          );
        return this.importPath(scope, imported);
      });
    }
    if (!withGlobs || this.globsOff > 0 || scope.globs.length === 0) return undefined;
    // Each module's globs are searched for a name once per outermost search (see globMisses).
    const outermost = this.globMisses === undefined;
    const misses = (this.globMisses ??= new Set());
    const missKey = `${this.scopeKey(scope)} ${this.globRetries} ${name}${hidden ? ' public' : ''}`;
    if (misses.has(missKey)) return undefined;
    // Marked before the search: a glob back to a module being searched finds nothing new.
    misses.add(missKey);
    try {
      const found = this.lookupInGlobs(scope, name, hidden);
      if (found !== undefined) misses.delete(missKey);
      return found;
    } finally {
      if (outermost) this.globMisses = undefined;
    }
  }

  /**
   * The (module, name) pairs whose globs an outermost search is going or has gone through without
   * finding the name. Globs that form cycles (web-sys: `mod features` glob-imports 1,500 modules that each
   * glob-import it back) are cut only where the path being followed loops, so without this one
   * search followed every path through them: exponential in the modules. Sound: by the time a
   * module's globs are searched, its own items were, and the search visits every module the
   * globs reach; a module met again while its globs are searched is searched by that search.
   */
  private globMisses: Set<string> | undefined;

  private lookupInGlobs(scope: Scope, name: string, publicOnly: boolean): Item | undefined {
    for (const glob of scope.globs) {
      if (publicOnly && scope.privateGlobs?.has(glob)) continue;
      const found = this.guarded(`glob ${this.scopeKey(scope)} ${glob.join('::')} ${name}`, () => {
        // The glob's own path (`std`, `self::a`) is not looked up through globs: that would try
        // every glob inside every other, exponentially, for nothing real code needs.
        // Only when it is not found otherwise (`pub use p::*; pub use q::*;` with `q` from `p`) is
        // it looked up through the other globs too, one glob deep (see MAX_GLOB_RETRIES).
        let target = this.withoutGlobs(() => this.importPath(scope, glob));
        if (
          (target.kind === 'none' || target.kind === 'extern') &&
          this.globsOff === 0 &&
          this.globRetries < MAX_GLOB_RETRIES
        ) {
          this.globRetries++;
          try {
            target = this.importPath(scope, glob);
          } finally {
            this.globRetries--;
          }
        }
        if (target.kind === 'mod') return this.lookupIn(target.scope, name, true, scope.module);
        if (target.kind === 'std') {
          const known = lookupKnownType([...target.path, name].join('::'));
          if (known) return { kind: 'known', known };
          // `pub use std::*;` (tracing-core's `stdlib`): `stdlib::sync` is `std::sync`.
          const path = [...target.path, name];
          return isStdModule(path.join('::')) ? { kind: 'std', path } : undefined;
        }
        return undefined;
      });
      if (found && (found.kind !== 'none' || found.twins)) return found;
      if (found === undefined) continue;
    }
    return undefined;
  }

  /**
   * The fn a call's path names (the value namespace): `f`, `module::f`, an imported or
   * re-exported `f` (`use crate::task::spawn`, `pub use self::spawn::*`), in this crate or in a
   * dependency that is read. Undefined when the path names no fn the project has read (std's
   * fns, a method, a tuple struct's constructor).
   */
  resolveFn(scope: Scope, segments: string[]): FnDef | undefined {
    const topLevel = this.fnsBusy.size === 0 && this.busy.size === 0 && this.globsOff === 0;
    return this.remembered(scope, `fn ${segments.join('::')}`, topLevel, () => this.resolveFnNow(scope, segments));
  }

  private resolveFnNow(scope: Scope, segments: string[]): FnDef | undefined {
    if (segments.length === 0) return undefined;
    const name = segments[segments.length - 1];
    if (segments.length === 1) {
      for (let s: Scope | undefined = scope; s; s = s.kind === 'block' ? s.parent : undefined) {
        const found = this.fnIn(s, name);
        if (found) return found;
      }
      return undefined;
    }
    const owner = this.resolvePath(scope, segments.slice(0, -1));
    return owner.kind === 'mod' ? this.fnIn(owner.scope, name) : undefined;
  }

  /** A fn a module declares, imports or glob-imports under `name`. */
  private fnIn(scope: Scope, name: string, globFrom?: Scope): FnDef | undefined {
    const own = scope.fns.get(name);
    if (own) return own;
    // As lookupIn: another module's glob sees only the `pub use`s.
    const hidden = globFrom !== undefined && !isWithin(globFrom, scope.module);
    const key = `${this.scopeKey(scope)} ${name}${hidden ? ' public' : ''}`;
    if (this.fnsBusy.has(key)) return undefined;
    this.fnsBusy.add(key);
    try {
      const imported =
        scope.cfgTwins?.has(name) || (hidden && scope.privateImports?.has(name)) ? undefined : scope.imports.get(name);
      if (imported && imported.length > 1) {
        const owner = this.importPath(scope, imported.slice(0, -1));
        if (owner.kind === 'mod') return this.fnIn(owner.scope, imported[imported.length - 1]);
        return undefined;
      }
      for (const glob of scope.globs) {
        if (hidden && scope.privateGlobs?.has(glob)) continue;
        const target = this.importPath(scope, glob);
        const found = target.kind === 'mod' ? this.fnIn(target.scope, name, scope.module) : undefined;
        if (found) return found;
      }
      return undefined;
    } finally {
      this.fnsBusy.delete(key);
    }
  }

  private globsOff = 0;
  /** Globs' paths being looked up through the other globs now (see lookupIn). */
  private globRetries = 0;

  private withoutGlobs<T>(f: () => T): T {
    this.globsOff++;
    try {
      return f();
    } finally {
      this.globsOff--;
    }
  }

  private guarded<T extends Item | undefined>(key: string, f: () => T): T | Item {
    if (this.busy.has(key)) return { kind: 'none', reason: 'the imports form a cycle' };
    this.busy.add(key);
    try {
      return f();
    } finally {
      this.busy.delete(key);
    }
  }

  private member(item: Item, name: string): Item {
    switch (item.kind) {
      case 'mod':
        // `super::super::X`, `self::super::X`: each `super` is the parent module (rustc allows
        // them only at the start of a path, which is the only place real code writes them).
        // `use a::b::{self as c}` reads `a::b::self`: the module itself.
        if (name === 'self') return item;
        if (name === 'super') return parentModule(item.scope.module);
        return (
          this.lookupIn(item.scope, name, true) ?? {
            kind: 'none',
            reason: `\`${name}\` is not declared in module \`${item.scope.path.join('::') || 'crate'}\``,
          }
        );
      case 'std': {
        const path = [...item.path, name];
        const known = lookupKnownType(path.join('::'));
        if (known) return { kind: 'known', known };
        const omitted = isCow(path) ? undefined : stdOmission(path.join('::'));
        return omitted ? { kind: 'none', reason: omitted } : { kind: 'std', path };
      }
      case 'extern':
        return item;
      case 'none':
        return item;
      default:
        return { kind: 'none', reason: `\`${name}\` is an associated item, which this analysis does not resolve` };
    }
  }

  // ---- types ----

  /**
   * Lowers a type expression. `env` maps the generic parameters in scope to what they stand for
   * (themselves inside a declaration; the arguments inside an expanded alias).
   */
  /** Lowering a fn parameter's type: see lowerParameterType. */
  private argumentPosition = false;

  /**
   * A fn parameter's type: each `impl Trait` in it (`x: impl Future`, `s: &mut impl Strategy`)
   * is an anonymous type parameter of the fn, named by its text, whose auto traits are the
   * argument's; it is `Send` whatever the argument only when its bounds say so (`+ Send`). Read
   * as an opaque type instead, it would be called not `Send` for want of the bound.
   */
  lowerParameterType(node: SyntaxNode, scope: Scope, env: Map<string, Ty>, self?: Ty): Ty {
    const outer = this.argumentPosition;
    this.argumentPosition = true;
    try {
      return this.lowerType(node, scope, env, self);
    } finally {
      this.argumentPosition = outer;
    }
  }

  lowerType(node: SyntaxNode, scope: Scope, env: Map<string, Ty>, self?: Ty, depth = 0): Ty {
    const text = node.text.replace(/\s+/g, ' ');
    if (depth > MAX_DEPTH) return { k: 'unknown', text, reason: `\`${text}\` nests too deeply to follow` };
    const recur = (n: SyntaxNode) => this.lowerType(n, scope, env, self, depth + 1);
    switch (node.type) {
      case 'primitive_type':
        return PRIMITIVES.has(node.text)
          ? { k: 'plain', text }
          : { k: 'unknown', text, reason: `unknown primitive \`${text}\`` };
      case 'unit_type':
      case 'never_type':
      case 'function_type':
        if (node.type === 'function_type' && node.childForFieldName('trait')) return this.lowerDyn(node, scope, text);
        return { k: 'plain', text };
      case 'reference_type':
      case 'pointer_type': {
        const inner = node.childForFieldName('type');
        const mut = node.namedChildren.some((c) => c?.type === 'mutable_specifier');
        const innerTy: Ty = inner ? recur(inner) : { k: 'unknown', text: '?', reason: 'incomplete type' };
        return node.type === 'reference_type'
          ? { k: 'ref', text, mut, inner: innerTy }
          : { k: 'ptr', text, mut, inner: innerTy };
      }
      case 'array_type':
      case 'slice_type': {
        const el = node.childForFieldName('element') ?? node.childForFieldName('type');
        return el ? { k: 'seq', text, inner: recur(el) } : { k: 'unknown', text, reason: 'incomplete type' };
      }
      case 'tuple_type': {
        const elems = namedChildren(node);
        // `(dyn A + Sync)` parses as a one-element tuple of a bounded type: parentheses only.
        const trailingComma = node.children.some((c, i) => c?.type === ',' && i === node.childCount - 2);
        if (elems.length === 1 && !trailingComma) return recur(elems[0]);
        return { k: 'tuple', text, elems: elems.map(recur) };
      }
      case 'dynamic_type':
      case 'bounded_type':
      case 'abstract_type': {
        // `impl A + B` parses as a bounded type whose first part is `impl A`.
        const anonymous =
          node.type === 'abstract_type' ||
          (node.type === 'bounded_type' && node.namedChildren[0]?.type === 'abstract_type');
        if (this.argumentPosition && anonymous && !/\bSend\b/.test(text)) return { k: 'param', name: text, text };
        return this.lowerDyn(node, scope, text, env);
      }
      case 'type_identifier': {
        if (node.text === 'Self' && self) return self;
        const param = env.get(node.text);
        if (param) return param;
        const item = this.lookup(scope, node.text);
        if (bareTraitObject(item, scope)) return this.lowerDyn(node, scope, text);
        return this.instantiate(item, [], text, scope, env, self, depth);
      }
      case 'scoped_type_identifier': {
        const path = node.childForFieldName('path');
        const assoc = node.childForFieldName('name')?.text;
        if (path?.type === 'bracketed_type' && assoc) {
          // `<I as Iterator>::Item`: the trait as written, when the type is a parameter.
          const qualified = namedChildren(path).find((c) => c.type === 'qualified_type');
          const selfNode = qualified?.childForFieldName('type');
          const traitNode = qualified?.childForFieldName('alias');
          const selfTy = selfNode?.type === 'type_identifier' ? env.get(selfNode.text) : undefined;
          if (selfTy?.k === 'param' && traitNode)
            return this.projection(selfTy.name, assoc, [traitNode], scope, env, text);
          // `<A::LinkOps as LinkOps>::LinkPtr`: an associated type of a parameter's associated type.
          const inner = selfNode && !selfTy && traitNode ? recur(selfNode) : undefined;
          if (inner?.k === 'proj' && traitNode) {
            const outer = this.projection(inner.param, assoc, [traitNode], scope, env, text);
            return outer.k === 'proj' ? { ...outer, via: stepsOf(inner) } : outer;
          }
          // `<Waiter as linked_list::Link>::Target`: the impl says what it is, once impls are known.
          // `<<MyAdapter as Adapter>::LinkOps as LinkOps>::LinkPtr`: the impls say it, step by step.
          if (inner && traitNode && /^(?:scoped_)?type_identifier$/.test(traitNode.type)) {
            const concrete = inner;
            if (concrete.k === 'adt' || concrete.k === 'known' || concrete.k === 'assoc')
              return { k: 'assoc', text, self: concrete, traitName: pathSegments(traitNode).pop()!, assoc };
          }
        }
        if (path && (path.type === 'bracketed_type' || path.type === 'generic_type')) {
          return {
            k: 'unknown',
            text,
            reason: `\`${text}\` is an associated type, which depends on trait impls this analysis does not solve`,
          };
        }
        const segments = pathSegments(node);
        const base = env.get(segments[0]);
        // `I::IntoIter` with `I` given (`stream::iter(v)`): only `IntoIterator` declares `IntoIter`.
        if (segments.length === 2 && segments[1] === 'IntoIter' && (base?.k === 'known' || base?.k === 'adt'))
          return { k: 'assoc', text, self: base, traitName: 'IntoIterator', assoc: 'IntoIter' };
        // `St::Item` with `St` given (futures' `type Output = Option<St::Item>;` read for a
        // `Next<'_, Iter<I>>`): the projection `St`'s declared bounds name, onto what `St` is.
        const onto = segments.length === 2 && base ? this.projectionOnto(node, scope, segments, base, text) : undefined;
        if (onto) return onto;
        if (segments.length === 2 && base?.k === 'param' && base.bounds)
          return this.projection(
            base.name,
            segments[1],
            base.bounds.nodes,
            base.bounds.scope,
            new Map(base.bounds.params.map((p) => [p, { k: 'param', name: p, text: p }])),
            text,
          );
        // `Self::IntoStream` in a trait's method, called on a parameter (`stream.into_stream()` of
        // an `S: IntoStream`): that parameter's projection, through the trait (not a generic one).
        if (segments.length === 2 && segments[0] === 'Self' && self?.k === 'param') {
          let trait = node.parent;
          while (trait && trait.type !== 'trait_item') trait = trait.parent;
          const name = trait?.childForFieldName('name');
          if (trait && name && !trait.childForFieldName('type_parameters'))
            return this.projection(self.name, segments[1], [name], scope, new Map(), `${self.name}::${segments[1]}`);
        }
        // `Self::Item` in a trait impl's fn (`fn next(&mut self) -> Option<Self::Item>`): the
        // impl's own `type Item = ..;`.
        if (segments.length === 2 && segments[0] === 'Self' && self && self.k !== 'param') {
          let impl = node.parent;
          while (impl && impl.type !== 'impl_item' && impl.type !== 'trait_item') impl = impl.parent;
          const written =
            impl?.type === 'impl_item'
              ? impl
                  .childForFieldName('body')
                  ?.namedChildren.find(
                    (c) => c?.type === 'type_item' && c.childForFieldName('name')?.text === segments[1],
                  )
                  ?.childForFieldName('type')
              : undefined;
          if (written && depth < 8) return this.lowerType(written, scope, env, self, depth + 1);
        }
        if (env.has(segments[0]) || segments[0] === 'Self') {
          return {
            k: 'unknown',
            text,
            reason: `\`${text}\` is an associated type, which depends on trait impls this analysis does not solve`,
          };
        }
        const item = this.resolvePath(scope, segments);
        if (bareTraitObject(item, scope)) return this.lowerDyn(node, scope, text);
        return this.instantiate(item, [], text, scope, env, self, depth);
      }
      case 'generic_type': {
        const base = node.childForFieldName('type');
        const argsNode = node.childForFieldName('type_arguments');
        if (!base) return { k: 'unknown', text, reason: 'incomplete type' };
        const args = argsNode
          ? namedChildren(argsNode).filter(
              (a) => a.type !== 'lifetime' && a.type !== 'type_binding' && a.type !== 'trait_bounds',
            )
          : [];
        const segments = pathSegments(base);
        if (base.type === 'scoped_type_identifier' && (env.has(segments[0]) || segments[0] === 'Self')) {
          return {
            k: 'unknown',
            text,
            reason: `\`${text}\` is an associated type, which depends on trait impls this analysis does not solve`,
          };
        }
        const item =
          base.type === 'type_identifier' ? this.lookup(scope, base.text) : this.resolvePath(scope, segments);
        if (bareTraitObject(item, scope)) return this.lowerDyn(node, scope, text);
        return this.instantiate(item, args, text, scope, env, self, depth);
      }
      case 'macro_invocation':
        return { k: 'unknown', text, reason: `\`${text}\` is a macro; its expansion is not analysed` };
      default:
        return { k: 'unknown', text, reason: `\`${text}\` is not a type this analysis understands` };
    }
  }

  /** The name of the trait a bound's path names (`Stream` of `Stream<Item = u8>`), when it declares `assoc` itself. */
  private declaringTrait(path: SyntaxNode | null, scope: Scope, assoc: string): string | undefined {
    if (!path || (path.type !== 'type_identifier' && path.type !== 'scoped_type_identifier')) return undefined;
    const segments = pathSegments(path);
    const last = segments[segments.length - 1];
    const item = segments.length === 1 ? this.lookup(scope, last) : this.resolvePath(scope, segments);
    if (item.kind === 'trait') return item.def.assocTypes.has(assoc) ? item.def.name : undefined;
    const std = item.kind === 'std' || (item.kind === 'none' && segments.length === 1 && PRELUDE_TRAITS.has(last));
    return std && Object.hasOwn(STD_ASSOC, last) && STD_ASSOC[last][assoc] === last ? last : undefined;
  }

  /**
   * `P::assoc` written in a generic item, read with `P` given as `base` (another type, or a
   * parameter of the item the type is used in): the trait is the one `P`'s own declared bounds
   * name (see projection); the projection is then that trait's associated type of `base`: an
   * `assoc` the solver normalizes through `base`'s impl for a concrete type, or, for a parameter,
   * the one its own bounds name or fix (`S: Stream<Item = u8>`: `u8`), when they name the same
   * trait. Undefined where `P` is not a parameter declared around `node`, or no one trait is named.
   */
  private projectionOnto(node: SyntaxNode, scope: Scope, segments: string[], base: Ty, text: string): Ty | undefined {
    if (base.k === 'param' && base.bounds && base.name === segments[0]) return undefined;
    const declared = declaredParam(node, segments[0], scope);
    if (!declared?.bounds) return undefined;
    const { nodes, params } = declared.bounds;
    const paramTys = new Map(params.map((p): [string, Ty] => [p, { k: 'param', name: p, text: p }]));
    const proj = this.projection(declared.name, segments[1], nodes, declared.bounds.scope, paramTys, text);
    if (proj.k !== 'proj' || proj.traitArgs) return undefined;
    const assoc = segments[1];
    if (base.k === 'adt' || base.k === 'known' || base.k === 'assoc')
      return {
        k: 'assoc',
        text: `<${base.text} as ${proj.traitName}>::${assoc}`,
        self: base,
        traitName: proj.traitName,
        assoc,
      };
    // `impl Stream<Item = u8> + Send`, `dyn Stream<Item = u8>`: the item its trait fixes.
    if (base.k === 'dyn' && base.written) {
      const { traits, scope: where, env } = base.written;
      const fixed = this.projection(base.text, assoc, traits, where, env, text, proj.traitName);
      return fixed.k === 'proj' || fixed.k === 'unknown' ? undefined : fixed;
    }
    if (base.k !== 'param' || !base.bounds) return undefined;
    const named = `${base.name}::${assoc}`;
    const own = this.projection(
      base.name,
      assoc,
      base.bounds.nodes,
      base.bounds.scope,
      new Map(base.bounds.params.map((p): [string, Ty] => [p, { k: 'param', name: p, text: p }])),
      named,
      proj.traitName,
    );
    return own.k === 'proj'
      ? own.traitName === proj.traitName
        ? own
        : undefined
      : own.k === 'unknown'
        ? undefined
        : own;
  }

  /**
   * `param::assoc` under the bounds `bounds`: the projection on the one trait among them (or their
   * supertraits) that declares `assoc`. Unknown when no readable trait declares it, when two do,
   * or when a bound fixes it (`I: Iterator<Item = u8>`), so no condition is ever a guess. A generic
   * trait written on the parameter (`S: Service<Req>`) keeps its arguments, read with `env` (the
   * parameters of the declaration the bound is written in), when they can be written back exactly;
   * one reached as a supertrait does not (its arguments are over the trait's own parameters).
   */
  private projection(
    param: string,
    assoc: string,
    bounds: SyntaxNode[],
    scope: Scope,
    env: Map<string, Ty>,
    text: string,
    fixedOf?: string,
  ): Ty {
    /** Bounds that fix `assoc` (`Stream<Item = u8>`), by the trait written, where it declares `assoc`. */
    const fixes: { traitName?: string; typeNode: SyntaxNode; scope: Scope }[] = [];
    const found = new Map<
      string,
      { traitName: string; implied: ('Send' | 'Sync')[]; traitArgs?: TypeTerm[]; bounds?: string[] }
    >();
    const problems: string[] = [];
    const visit = (bound: SyntaxNode, where: Scope, seen: Set<TraitDef>) => {
      let n = bound;
      let traitArgs: TypeTerm[] | undefined;
      if (n.type === 'higher_ranked_trait_bound') n = n.childForFieldName('type') ?? n;
      if (n.type === 'generic_type') {
        const args = n.childForFieldName('type_arguments');
        const bindings = args ? namedChildren(args).filter((a) => a.type === 'type_binding') : [];
        const fixing = bindings.find((b) => b.childForFieldName('name')?.text === assoc);
        if (fixing) {
          problems.push(`the bound \`${oneLine(bound.text)}\` fixes \`${assoc}\``);
          const typeNode = fixing.childForFieldName('type');
          if (fixedOf !== undefined && typeNode && seen.size === 0)
            fixes.push({
              traitName: this.declaringTrait(n.childForFieldName('type'), where, assoc),
              typeNode,
              scope: where,
            });
          return;
        }
        const positional = args ? namedChildren(args).filter((a) => a.type !== 'type_binding') : [];
        if (positional.length) {
          // `Service<Req>`: rustdoc names the projection with the trait's arguments, so they are
          // kept, as terms that can be restated over another type's parameters.
          const terms =
            seen.size === 0 && positional.every((a) => a.type !== 'lifetime')
              ? positional.map((a) => termOf(this.lowerType(a, scope, env)))
              : [];
          if (terms.length === 0 || terms.some((t) => t === undefined)) {
            problems.push(
              `\`${oneLine(bound.text)}\` is a generic trait whose arguments this analysis cannot restate exactly`,
            );
            return;
          }
          traitArgs = terms as TypeTerm[];
        }
        n = n.childForFieldName('type') ?? n;
      }
      if (n.type !== 'type_identifier' && n.type !== 'scoped_type_identifier') {
        problems.push(`the bound \`${oneLine(bound.text)}\` is not understood`);
        return;
      }
      const segments = pathSegments(n);
      const last = segments[segments.length - 1];
      const item = segments.length === 1 ? this.lookup(where, last) : this.resolvePath(where, segments);
      const record = (traitName: string, implied: ('Send' | 'Sync')[], declared: string[] = []) => {
        const key = traitArgs ? `${traitName}<${traitArgs.map(renderTerm).join(', ')}>` : traitName;
        found.set(key, { traitName, implied, traitArgs, ...(declared.length ? { bounds: declared } : {}) });
      };
      if (item.kind === 'trait') {
        const def = item.def;
        if (seen.has(def)) return;
        seen.add(def);
        const declared = def.assocTypes.get(assoc);
        if (declared) {
          const implied: ('Send' | 'Sync')[] = [];
          for (const b of declared) {
            const r = this.traitImplies(b, def.scope, new Set());
            for (const t of ['Send', 'Sync'] as const) if (r[t] === true && !implied.includes(t)) implied.push(t);
          }
          record(
            def.name,
            implied,
            declared.map((b) => oneLine(b.text)),
          );
          return;
        }
        for (const sup of def.supertraits) visit(sup, def.scope, seen);
        return;
      }
      // A std path, or a prelude trait named bare that nothing in the file declares or imports.
      const std =
        item.kind === 'std' ||
        (item.kind === 'none' &&
          segments.length === 1 &&
          PRELUDE_TRAITS.has(last) &&
          item.reason.includes('is not declared or imported'));
      if (std && Object.hasOwn(STD_ASSOC, last)) {
        const declaring = Object.hasOwn(STD_ASSOC[last], assoc) ? STD_ASSOC[last][assoc] : undefined;
        // The table names the declaring trait, which may be another than the one written (with
        // other arguments, or none): a generic std trait's projection is not named.
        if (declaring && traitArgs)
          problems.push(
            `\`${oneLine(bound.text)}\` is a generic std trait, whose projections this analysis does not name`,
          );
        else if (declaring) record(declaring, []);
        return;
      }
      if (std && STD_NO_ASSOC.has(last)) return;
      problems.push(`\`${oneLine(bound.text)}\` is a trait whose associated types this analysis does not read`);
    };
    for (const b of bounds) visit(b, scope, new Set());
    const reason = (why: string): Ty => ({ k: 'unknown', text, reason: `\`${text}\` is an associated type ${why}` });
    // `<S as Stream>::Item` under `S: Stream<Item = u8>` is `u8`, whatever other bounds `S` has
    // (a trait asked for by name: the bound must name it, and no other bound leave it open).
    if (fixedOf !== undefined && found.size === 0 && fixes.length === 1 && fixes[0].traitName === fixedOf)
      return this.lowerType(fixes[0].typeNode, fixes[0].scope, env);
    if (found.size > 1)
      return reason(`that more than one bound of \`${param}\` declares (${[...found.keys()].join(', ')})`);
    if (problems.some((p) => p.includes(' fixes '))) return reason(`set by a bound: ${problems.join('; ')}`);
    const [entry] = [...found.values()];
    if (!entry)
      return reason(
        problems.length
          ? `of a trait this analysis cannot name: ${problems.join('; ')}`
          : `that no bound of \`${param}\` declares`,
      );
    const proj: Ty = { k: 'proj', text, param, traitName: entry.traitName, assoc, implied: entry.implied };
    return {
      ...proj,
      ...(entry.traitArgs ? { traitArgs: entry.traitArgs } : {}),
      ...(entry.bounds ? { bounds: entry.bounds } : {}),
    };
  }

  /** The type a path names (`TcpStream`, `net::TcpStream`), its parameters unspecified (unknown). */
  lowerTypePath(scope: Scope, segments: string[]): Ty {
    return this.instantiate(this.resolvePath(scope, segments), [], segments.join('::'), scope, new Map(), undefined, 0);
  }

  /** An item used as a type, with its written arguments (lifetimes already left out). */
  private instantiate(
    item: Item,
    argNodes: SyntaxNode[],
    text: string,
    scope: Scope,
    env: Map<string, Ty>,
    self: Ty | undefined,
    depth: number,
  ): Ty {
    const lowerArg = (n: SyntaxNode) => this.lowerType(n, scope, env, self, depth + 1);
    switch (item.kind) {
      case 'type': {
        const def = item.def;
        const nonLifetime = def.generics.params.filter((p) => p.kind !== 'lifetime');
        const args = new Map<string, Ty>();
        const defEnv = new Map<string, Ty>();
        for (const [i, p] of nonLifetime.entries()) {
          if (p.kind === 'const') continue;
          const argNode = argNodes[i];
          let ty: Ty;
          if (argNode) ty = lowerArg(argNode);
          else if (p.defaultNode) ty = this.lowerType(p.defaultNode, def.scope, defEnv, undefined, depth + 1);
          else ty = { k: 'unknown', text: p.name, reason: `\`${text}\` leaves \`${p.name}\` unspecified` };
          args.set(p.name, ty);
          defEnv.set(p.name, ty);
        }
        return { k: 'adt', text, def, args };
      }
      case 'alias': {
        const alias = item.def;
        if (!alias.typeNode) return { k: 'unknown', text, reason: `alias \`${alias.name}\` has no type` };
        const aliasEnv = new Map<string, Ty>();
        const params = alias.generics.params.filter((p) => p.kind !== 'lifetime');
        for (const [i, p] of params.entries()) {
          const argNode = argNodes[i];
          if (argNode) aliasEnv.set(p.name, lowerArg(argNode));
          else if (p.defaultNode)
            aliasEnv.set(p.name, this.lowerType(p.defaultNode, alias.scope, aliasEnv, undefined, depth + 1));
          else
            aliasEnv.set(p.name, {
              k: 'unknown',
              text: p.name,
              reason: `\`${text}\` leaves \`${p.name}\` unspecified`,
            });
        }
        const expanded = this.lowerType(alias.typeNode, alias.scope, aliasEnv, undefined, depth + 1);
        return { ...expanded, text };
      }
      case 'known': {
        const known = item.known;
        // Const arguments (`array::IntoIter<T, 3>`) say nothing of Send/Sync.
        const args = argNodes.filter((_, i) => !known.consts?.includes(i)).map(lowerArg);
        return {
          k: 'known',
          text,
          known,
          args: args.slice(0, known.params.length),
          extra: args.slice(known.params.length),
        };
      }
      case 'std': {
        if (isCow(item.path)) return cowOf(argNodes.length === 1 ? lowerArg(argNodes[0]) : undefined, text);
        const path = item.path.join('::');
        return {
          k: 'unknown',
          text,
          reason: `\`${path}\` is not in this tool's table of std types (nor in the toolchain docs it was generated from)`,
        };
      }
      case 'extern':
        return {
          k: 'unknown',
          text,
          reason: `\`${text}\` comes from crate \`${item.crate}\`, whose source this analysis does not read`,
        };
      case 'trait':
        return { k: 'unknown', text, reason: `\`${text}\` names a trait; write \`dyn ${text}\`` };
      case 'mod':
        return { k: 'unknown', text, reason: `\`${text}\` names a module, not a type` };
      case 'none': {
        // A cfg twin that is alike for Send and Sync in every build is taken as the first: a
        // primitive (`type BigDigit = u32;` / `= u64;`), or std types without parameters whose
        // rows agree (`AtomicU64` / `AtomicU32`).
        const twins = item.twins?.map((t) => this.instantiate(t, argNodes, text, scope, env, self, depth + 1));
        if (twins?.length && twins.every((t) => t.k === 'plain')) return { k: 'plain', text };
        const [first] = twins ?? [];
        const bare = (t: Ty) => t.k === 'known' && t.known.params.length === 0 && t.extra.length === 0;
        const sameRows = (t: Ty) =>
          t.k === 'known' &&
          first.k === 'known' &&
          t.known.send === first.known.send &&
          t.known.sync === first.known.sync;
        if (first && twins!.every((t) => bare(t) && sameRows(t))) return { ...first, text };
        return { k: 'unknown', text, reason: item.reason };
      }
    }
  }

  /** `dyn A + B + 'a`: Send/Sync when a bound or a supertrait says so, never otherwise. */
  /** `env`: the parameters in scope, kept with the traits written where a projection may read them (see projectionOnto). */
  private lowerDyn(node: SyntaxNode, scope: Scope, text: string, env?: Map<string, Ty>): Ty {
    const traits = node.type === 'function_type' ? [node] : dynTraits(node);
    const facts = { Send: this.noFact('Send', text), Sync: this.noFact('Sync', text) } as Record<
      'Send' | 'Sync',
      TraitFact
    >;
    for (const t of traits) {
      const implied = this.traitImplies(t, scope, new Set());
      for (const trait of ['Send', 'Sync'] as const) {
        const f = implied[trait];
        if (f === true) facts[trait] = { holds: true };
        else if (f === 'unknown' && facts[trait].holds === false)
          facts[trait] = { holds: 'unknown', why: implied.why ?? `the supertraits of \`${t.text}\` are not known` };
      }
    }
    return { k: 'dyn', text, send: facts.Send, sync: facts.Sync, ...(env ? { written: { traits, scope, env } } : {}) };
  }

  private noFact(trait: string, text: string): TraitFact {
    return { holds: false, why: `\`${text}\` is not \`${trait}\`: no \`+ ${trait}\` bound or \`${trait}\` supertrait` };
  }

  /**
   * The supertraits a bound implies, transitively, as their declarations write them
   * (`RawRwLock` for `R: RawRwLockUpgrade` with `trait RawRwLockUpgrade: RawRwLock`).
   */
  supertraitBounds(node: SyntaxNode, scope: Scope, seen = new Set<TraitDef>()): string[] {
    const n = node.type === 'generic_type' ? (node.childForFieldName('type') ?? node) : node;
    if (n.type !== 'type_identifier' && n.type !== 'scoped_type_identifier') return [];
    const segments = pathSegments(n);
    const item = segments.length === 1 ? this.lookup(scope, segments[0]) : this.resolvePath(scope, segments);
    if (item.kind !== 'trait' || seen.has(item.def)) return [];
    seen.add(item.def);
    return item.def.supertraits.flatMap((sup) => [sup.text, ...this.supertraitBounds(sup, item.def.scope, seen)]);
  }

  /**
   * Which auto traits a trait bound implies: `Send`/`Sync` themselves, local traits through their
   * supertraits, std traits never, other crates' traits unknown.
   */
  traitImplies(
    node: SyntaxNode,
    scope: Scope,
    seen: Set<TraitDef>,
  ): { Send: boolean | 'unknown'; Sync: boolean | 'unknown'; why?: string } {
    let n = node;
    if (n.type === 'generic_type' || n.type === 'function_type')
      n = n.childForFieldName('type') ?? n.childForFieldName('trait') ?? n;
    if (n.type === 'higher_ranked_trait_bound') {
      const inner = n.childForFieldName('type');
      if (inner) return this.traitImplies(inner, scope, seen);
    }
    if (n.type !== 'type_identifier' && n.type !== 'scoped_type_identifier') {
      return { Send: 'unknown', Sync: 'unknown', why: `the bound \`${node.text}\` is not understood` };
    }
    const segments = pathSegments(n);
    const last = segments[segments.length - 1];
    const item = segments.length === 1 ? this.lookup(scope, last) : this.resolvePath(scope, segments);
    if (item.kind === 'trait') {
      const def = item.def;
      if (seen.has(def)) return { Send: false, Sync: false };
      seen.add(def);
      const result: { Send: boolean | 'unknown'; Sync: boolean | 'unknown'; why?: string } = {
        Send: false,
        Sync: false,
      };
      for (const sup of def.supertraits) {
        const r = this.traitImplies(sup, def.scope, seen);
        for (const t of ['Send', 'Sync'] as const) {
          if (r[t] === true) result[t] = true;
          else if (r[t] === 'unknown' && result[t] === false) {
            result[t] = 'unknown';
            result.why = r.why;
          }
        }
      }
      return result;
    }
    const fromStd =
      item.kind === 'std' ||
      (item.kind === 'none' && (last === 'Send' || last === 'Sync' || STD_TRAITS_WITHOUT_AUTO_SUPERTRAITS.has(last)));
    if (fromStd) return { Send: last === 'Send', Sync: last === 'Sync' };
    return {
      Send: 'unknown',
      Sync: 'unknown',
      why: `\`${node.text}\` is a trait from another crate, whose supertraits this analysis does not read`,
    };
  }
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ');

/** The traits a `dyn`/`impl` type names (`Stream<Item = u8>` and `Send` of `impl Stream<Item = u8> + Send + '_`). */
function dynTraits(node: SyntaxNode): SyntaxNode[] {
  const traits: SyntaxNode[] = [];
  const collect = (n: SyntaxNode) => {
    switch (n.type) {
      case 'bounded_type':
      case 'dynamic_type':
      case 'abstract_type':
      case 'trait_bounds':
      case 'tuple_type':
        for (const c of namedChildren(n)) collect(c);
        return;
      case 'lifetime':
      case 'removed_trait_bound':
        return;
      default:
        traits.push(n);
    }
  };
  collect(node);
  return traits;
}

/** Items whose `<..>` declare type parameters a type inside them may name. */
const GENERIC_ITEMS = new Set([
  'impl_item',
  'function_item',
  'function_signature_item',
  'struct_item',
  'enum_item',
  'union_item',
  'trait_item',
  'type_item',
]);

/**
 * The type parameter `name` as the item around `node` that declares it has it, with its declared
 * bounds (`impl<St: Stream>`, `where I: Iterator`); undefined where no enclosing item declares it.
 */
function declaredParam(node: SyntaxNode, name: string, scope: Scope): (Ty & { k: 'param' }) | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (!GENERIC_ITEMS.has(n.type)) continue;
    const generics = lowerGenerics(n);
    if (!generics.params.some((p) => p.kind === 'type' && p.name === name)) continue;
    const param = paramEnv(generics, scope).get(name);
    return param?.k === 'param' ? param : undefined;
  }
  return undefined;
}

/** What `super` names in `module`. */
function parentModule(module: Scope): Item {
  const parent = module.parent?.module;
  if (parent) return { kind: 'mod', scope: parent };
  return { kind: 'none', reason: module.detached ? `\`super\`: ${DETACHED}` : '`super` at the crate root' };
}

/** Whether an item is written with a visibility (`pub`, `pub(crate)`, ..): what other modules' globs see. */
function declaredPublic(node: SyntaxNode | null | undefined): boolean {
  return node != null && namedChildren(node).some((c) => c.type === 'visibility_modifier');
}

/** Whether `scope` is the module `module` or inside it. */
function isWithin(scope: Scope, module: Scope): boolean {
  for (let s: Scope | undefined = scope.module; s; s = s.parent?.module) if (s === module) return true;
  return false;
}

/** The root module of the crate `scope` belongs to. */

export function crateRoot(scope: Scope): Scope {
  let s = scope;
  while (s.parent) s = s.parent;
  return s;
}

/** Why a name given two meanings under undecided `#[cfg]`s (Scope.cfgTwins) stands for nothing known. */
function cfgTwinReason(name: string): string {
  return `\`${name}\` is defined twice, under \`#[cfg]\`s only the build decides (flags its build script sets or features)`;
}

/** `std::borrow::Cow` (or `alloc::`), which the std table omits: its rule is over `B::Owned`. */
function isCow(path: readonly string[]): boolean {
  return path.length === 3 && ['std', 'alloc'].includes(path[0]) && path[1] === 'borrow' && path[2] === 'Cow';
}

/**
 * `Cow<'a, B>`: `Borrowed(&'a B)` or `Owned(<B as ToOwned>::Owned)`, so, for Send and Sync, the
 * pair of `&B` and the owned form. Every `ToOwned` of std gives an owned form alike in Send and
 * Sync to `B` (`str` and `String`, `[T]` and `Vec<T>`, `Path` and `PathBuf`, a `Clone` type and
 * itself), so the pair is read as `(&B, B)`. A type of the crate has the owned form its impls
 * give it; a parameter's is not read: unknown.
 */
function cowOf(borrowed: Ty | undefined, text: string): Ty {
  if (borrowed === undefined) return { k: 'unknown', text, reason: `\`${text}\` does not say what it borrows` };
  // A crate type's owned form is what its impls say (see Solver.normalize: itself when it is
  // `Clone`, through std's blanket `ToOwned`).
  if (borrowed.k === 'adt')
    return {
      k: 'tuple',
      text,
      elems: [
        { k: 'ref', mut: false, inner: borrowed, text: `&${borrowed.text}` },
        {
          k: 'assoc',
          text: `<${borrowed.text} as ToOwned>::Owned`,
          self: borrowed,
          traitName: 'ToOwned',
          assoc: 'Owned',
        },
      ],
    };
  if (!['plain', 'seq', 'known', 'tuple', 'ref', 'ptr'].includes(borrowed.k))
    return {
      k: 'unknown',
      text,
      reason: `\`${text}\` is Send only if \`<${borrowed.text} as ToOwned>::Owned\` is, and this analysis reads that only for std's types`,
    };
  return { k: 'tuple', text, elems: [{ k: 'ref', mut: false, inner: borrowed, text: `&${borrowed.text}` }, borrowed] };
}

/**
 * A trait named as a type, in a crate of edition 2018 or before: a trait object, `dyn` being
 * optional there (tendril's `Box<RawDecoder>`). Since 2021 it is an error, answered unknown with
 * the fix in the reason.
 */
function bareTraitObject(item: Item, scope: Scope): boolean {
  return item.kind === 'trait' && crateRoot(scope).beforeEdition2021 === true;
}
