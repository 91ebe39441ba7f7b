// The only place tree-sitter nodes become model data: one pass over a file's tree collects its
// scopes (the crate root, inline `mod`s, function bodies), and in each the items that matter to
// Send/Sync: structs, enums, unions, type aliases, traits, `use`s and `impl Send/Sync` blocks.
// Type expressions stay syntax nodes here; resolve.ts turns them into types on demand.
import {
  bodyItems,
  detachedText,
  memberOwner,
  namedChildren,
  typedNamedChildren,
  type SyntaxNode,
} from '../syntax/parser';
import { cfgPredicate, evaluateCfg, type CfgContext } from './cfg';
import type { TypeKind } from './report';

interface GenericParam {
  name: string;
  kind: 'lifetime' | 'type' | 'const';
  /** The declared bounds (`T: Send + Clone`): trait nodes; lifetimes and `?Sized` left out. */
  bounds: SyntaxNode[];
  /** The default type (`T = u8`) or const value. */
  defaultNode?: SyntaxNode;
  node: SyntaxNode;
}

interface WherePredicate {
  left: SyntaxNode;
  bounds: SyntaxNode[];
  node: SyntaxNode;
}

export interface Generics {
  params: GenericParam[];
  where: WherePredicate[];
  /** The `<...>` node, where a fix can add a bound. */
  node?: SyntaxNode;
  whereNode?: SyntaxNode;
}

interface FieldDef {
  /** `x`, `0`, or for enum variants `Variant.x` / `Variant.0`. */
  name: string;
  typeNode: SyntaxNode;
  /** Under a `#[cfg]` this analysis cannot decide: the field may not exist. */
  cfgUndecided?: boolean;
}

export interface TypeDef {
  name: string;
  kind: TypeKind;
  /** `a::b::Foo`: the inline-module path (function bodies add nothing). */
  path: string;
  node: SyntaxNode;
  nameNode: SyntaxNode;
  scope: Scope;
  generics: Generics;
  fields: FieldDef[];
  /**
   * Other declarations of the same name in the same module, under exclusive `#[cfg]`s this
   * analysis could not decide (`#[cfg(feature = "union")] union Data` / `#[cfg(not(...))] enum
   * Data`): an impl written for the name is for whichever one is compiled.
   */
  alternatives?: TypeDef[];
  /** The `#[cfg]` predicates on it this analysis cannot decide (an impl under the same ones is there with it). */
  cfgUndecided?: string[];
}

export interface AliasDef {
  name: string;
  scope: Scope;
  generics: Generics;
  typeNode?: SyntaxNode;
}

export interface TraitDef {
  name: string;
  scope: Scope;
  /** The `trait_item`: its methods' signatures (what a call of one through the trait gives). */
  node: SyntaxNode;
  /** `trait Job: Send + Other`: the supertrait nodes. */
  supertraits: SyntaxNode[];
  /** `type Marker: Send;` in the body: each associated type's bound nodes. */
  assocTypes: Map<string, SyntaxNode[]>;
  /**
   * Methods a macro call in the body declares (tokio's `write_impl! { fn write_u8(&mut self, n:
   * u8) -> WriteU8; .. }` in `AsyncWriteExt`), found when the call is expanded: fn nodes of the
   * expansion's tree, where no trait is around them.
   */
  macroMethods?: SyntaxNode[];
}

/**
 * A fn item: a module's free fn, or a method of an inherent impl. Its signature stays syntax; the
 * futures analysis reads it (async, parameters bounded by `Send`, the return type) when a call
 * names it from anywhere in the crate or from a crate that depends on it.
 */
export interface FnDef {
  name: string;
  node: SyntaxNode;
  /** The module or block it is declared in (for a method: the impl's). */
  scope: Scope;
  /**
   * Other fns of the same name in the same module under `#[cfg]`s this analysis could not decide:
   * a call may name any of them.
   */
  alternatives?: FnDef[];
  /** A method written in an item macro's body: the impl it belongs to (no impl is around it in its tree). */
  impl?: SyntaxNode;
}

/** `impl Type { fn a() .. }`: the methods of a type, found crate-wide through `typeNode`. */
export interface InherentImpl {
  node: SyntaxNode;
  scope: Scope;
  typeNode: SyntaxNode;
  methods: Map<string, FnDef>;
}

export interface ImplDef {
  node: SyntaxNode;
  scope: Scope;
  unsafe: boolean;
  negative: boolean;
  traitNode: SyntaxNode;
  typeNode: SyntaxNode;
  generics: Generics;
  /** The `#[cfg]` predicates on it this analysis cannot decide: the build may not compile it. */
  cfgUndecided?: string[];
  /** Written by a macro's expansion (item-macros.ts): the macro's body holds its text. */
  expanded?: boolean;
}

export interface Scope {
  kind: 'module' | 'block';
  /** Module path segments (blocks keep their module's path). */
  path: string[];
  parent?: Scope;
  /** The nearest enclosing module (itself for modules): what `self::` names. */
  module: Scope;
  /**
   * The `#[cfg]` predicates written on this module's `mod` item, and the one an item macro around
   * it adds (`cfg_rt! { mod x; }`): what says whether the module is compiled.
   */
  cfg?: string[];
  types: Map<string, TypeDef>;
  /** Free fns (the value namespace, apart from constructors and statics). */
  fns: Map<string, FnDef>;
  aliases: Map<string, AliasDef>;
  traits: Map<string, TraitDef>;
  mods: Map<string, Scope>;
  /**
   * `mod foo;`: a module whose body is in another file (with its `#[path]` and `#[cfg]`s, if any).
   * `inactive`: a `mod` this build leaves out, kept only with `keepInactiveModules`.
   */
  outOfFileMods: Map<string, { path?: string; cfg?: string[]; inactive?: boolean }>;
  /** `use a::b as c` -> c => [a, b]. */
  imports: Map<string, string[]>;
  /**
   * Names an alias or import gives under a `#[cfg]` this analysis cannot decide (a flag a build
   * script may set), and of those, the ones given two different meanings that way
   * (`#[cfg(threadsafe)] type Ref<A> = Arc<A>;` / `#[cfg(not(threadsafe))] type Ref<A> = Rc<A>;`):
   * what such a name stands for depends on the build, so it resolves to nothing known.
   */
  undecidedNames?: Set<string>;
  cfgTwins?: Map<string, NameTarget[]>;
  /** `use a::b::*` -> [a, b]. */
  globs: string[][];
  /**
   * The names and globs of `use`s written without `pub`: visible in this module and the modules
   * inside it only, so another module's glob of this one does not see them (Resolver.lookupIn).
   */
  privateImports?: Set<string>;
  privateGlobs?: Set<string[]>;
  /** `use a::Ext as _` -> [a, Ext]: a trait in scope for its methods, under no name. */
  unnamed?: string[][];
  /** `extern crate foo as bar` -> bar => foo. */
  externCrates: Map<string, string>;
  /** On a crate's root: edition 2015, where `::x` and `use x::y` start at the crate root. */
  edition2015?: boolean;
  /** On a crate's root: edition 2018 or before (closures capture whole variables, `dyn` is optional: see Manifest). */
  beforeEdition2021?: boolean;
  /** On a crate's root: its build's `#[cfg]` context, for the `#[cfg]`s on statements in bodies. */
  buildCfg?: CfgContext;
  /**
   * On the root of a file of a package that no module tree of the build reaches (a test's
   * expected expansion, a module of another target OS): the file's own module, whose crate root
   * and parent are unknown, so `crate::`, `super::` and edition 2015's root paths name nothing.
   */
  detached?: boolean;
}

export interface FileItems {
  root: Scope;
  types: TypeDef[];
  impls: ImplDef[];
  /**
   * Impls this build does not compile (a `#[cfg]` that is off): they give no verdicts, but their
   * SAFETY comments are still checked, as clippy checks them in the builds that compile them.
   */
  inactiveImpls: ImplDef[];
  /** Inherent impls (`impl Type { .. }`), whose methods calls elsewhere may name. */
  inherentImpls: InherentImpl[];
  /**
   * The scope of each fn body that declares items (`struct YieldNow; .. YieldNow { .. }.await`),
   * by the body's start offset: what names in the body resolve through first.
   */
  bodyScopes?: Map<number, Scope>;
}

export interface LowerOptions {
  /** The module scope this file fills (a crate root or a `mod foo;` file); a new root if absent. */
  scope?: Scope;
  /** Lower only these top-level items, with their attributes (one macro call's body). */
  only?: AttributedNode[];
  cfg?: CfgContext;
  /**
   * Items written inside an item-level macro call (`cfg_rt! { pub struct X; }`): the call's body
   * parsed as items, positions unchanged, and whether this build compiles them. Undefined: not an
   * item macro, or left for later. Absent hook: such items are not seen.
   */
  macroItems?: (
    call: SyntaxNode,
    scope: Scope,
    /** The call is in an impl's body (`impl X { cfg_net! { pub fn bind() .. } }`): its fns are the impl's methods. */
    impl?: InherentImpl,
    /** The call is in a trait's body: its fns are the trait's methods (see TraitDef.macroMethods). */
    trait?: TraitDef,
  ) => { root: SyntaxNode; active: boolean } | undefined;
  /** The `#[cfg]` of the item macro whose body is lowered (`only`), put on the modules it declares. */
  outerCfg?: string;
}

export function newScope(kind: Scope['kind'], path: string[], parent?: Scope): Scope {
  const scope = {
    kind,
    path,
    parent,
    types: new Map(),
    fns: new Map(),
    aliases: new Map(),
    traits: new Map(),
    mods: new Map(),
    outOfFileMods: new Map(),
    imports: new Map(),
    globs: [],
    externCrates: new Map(),
  } as unknown as Scope;
  scope.module = kind === 'module' ? scope : parent!.module;
  return scope;
}

export const TYPE_ITEMS: Record<string, TypeKind> = { struct_item: 'struct', enum_item: 'enum', union_item: 'union' };

/** Collects the items of a whole file. Never throws on broken syntax: what does not parse is skipped. */
export function lowerFile(root: SyntaxNode, options: LowerOptions = {}): FileItems {
  const out: Out = {
    root: options.scope ?? newScope('module', []),
    types: [],
    impls: [],
    inactiveImpls: [],
    inherentImpls: [],
    bodyScopes: new Map(),
    options,
    macroDepth: 0,
    depth: 0,
  };
  if (options.only) {
    lowerItemList(options.only, out.root, out, '');
  } else {
    lowerItems(root, out.root, out, '');
  }
  return {
    root: out.root,
    types: out.types,
    impls: out.impls,
    inactiveImpls: out.inactiveImpls,
    inherentImpls: out.inherentImpls,
    bodyScopes: out.bodyScopes,
  };
}

interface Out extends FileItems {
  bodyScopes: Map<number, Scope>;
  options: LowerOptions;
  macroDepth: number;
  /** How deep in modules, blocks and broken syntax the walk is. */
  depth: number;
}

/**
 * Deeper than this (modules in modules, blocks in blocks) is not real code: such input is read as
 * far as this depth, so no nesting can exhaust the stack.
 */
export const MAX_NESTING = 200;

/** The predicates of the `#[cfg]` attributes among `attributes`, with the item macro's around them. */
function cfgPredicates(attributes: SyntaxNode[], out: Out): string[] | undefined {
  const preds = attributes
    .map((a) => cfgPredicate(a.text)?.replace(/\s+/g, ' ').trim())
    .filter((p): p is string => p !== undefined);
  if (out.options.outerCfg !== undefined) preds.unshift(out.options.outerCfg);
  return preds.length > 0 ? preds : undefined;
}

/** The predicates among `attributes` (and the item macro's around them) this analysis cannot decide. */
function undecidedPredicates(attributes: SyntaxNode[], out: Out): string[] | undefined {
  const preds = cfgPredicates(attributes, out)?.filter((p) => evaluateCfg(p, out.options.cfg ?? {}) === undefined);
  return preds?.length ? preds : undefined;
}

/** What `#[cfg]` attributes say of the item or field they precede: false drops it. */
function cfgOf(attributes: SyntaxNode[], out: Out): boolean | undefined {
  let result: boolean | undefined = true;
  for (const a of attributes) {
    const pred = cfgPredicate(a.text);
    if (pred === undefined) continue;
    const v = evaluateCfg(pred, out.options.cfg ?? {});
    if (v === false) return false;
    if (v === undefined) result = undefined;
  }
  return result;
}

export interface AttributedNode {
  node: SyntaxNode;
  /** The node's type, read once (see typedNamedChildren). */
  type: string;
  attributes: SyntaxNode[];
}

/** Children with the attributes written before each. */
export function withAttributes(container: SyntaxNode): AttributedNode[] {
  const result: AttributedNode[] = [];
  let pending: SyntaxNode[] = [];
  for (const { node, type } of typedNamedChildren(container)) {
    if (type === 'attribute_item') {
      pending.push(node);
      continue;
    }
    result.push({ node, type, attributes: pending });
    pending = [];
  }
  return result;
}

/**
 * The items of a file, module, impl, trait or block. `owner` is the type of the impl, trait or
 * module whose body `container` is ('' when it is none of them), when the caller knows it.
 */
function lowerItems(container: SyntaxNode | AttributedNode[], scope: Scope, out: Out, owner?: string): void {
  if (out.depth >= MAX_NESTING) return;
  out.depth++;
  try {
    lowerItemList(container, scope, out, owner ?? (Array.isArray(container) ? undefined : ownerOfList(container)));
  } finally {
    out.depth--;
  }
}

/** What `memberOwner` says of each child of `container`, asked once for all of them. */
function ownerOfList(container: SyntaxNode): string {
  return container.type === 'declaration_list' ? (container.parent?.type ?? '') : '';
}

/** `owner` as for lowerItems; undefined: asked of each item. */
function lowerItemList(items: SyntaxNode | AttributedNode[], scope: Scope, out: Out, owner?: string): void {
  for (const { node, type, attributes } of Array.isArray(items) ? items : withAttributes(items)) {
    if (cfgOf(attributes, out) === false) {
      out.inactiveImpls.push(...implsWithin(node, scope));
      if (out.options.cfg?.keepInactiveModules)
        inactiveModule(node, scope, cfgPredicates(attributes, out), attributes, out.options.cfg);
      continue;
    }
    lowerItem(node, scope, out, attributes, type, owner);
  }
}

/**
 * `#[path = "x.rs"]` among an item's attributes, or `#[cfg_attr(unix, path = "sys/unix.rs")]` whose
 * predicate this build takes. A `cfg_attr` path under an undecided predicate names no file: the
 * module then has none this analysis can trust (its items stay unknown), never a guessed one.
 */
function pathAttribute(attributes: SyntaxNode[], cfg: CfgContext = {}): string | undefined {
  for (const a of attributes) {
    const plain = /^#\s*\[\s*path\s*=\s*"([^"]*)"\s*\]$/.exec(a.text)?.[1];
    if (plain !== undefined) return plain;
    const inner = /^#\s*\[\s*cfg_attr\s*\(([\s\S]*)\)\s*\]$/.exec(a.text)?.[1];
    if (inner === undefined) continue;
    const parts = splitTopLevel(inner);
    const paths = parts.slice(1).map((p) => /^path\s*=\s*"([^"]*)"$/.exec(p.trim())?.[1]);
    const path = paths.find((p) => p !== undefined);
    if (path === undefined) continue;
    const on = evaluateCfg(parts[0], cfg);
    if (on === true) return path;
    if (on === undefined) return UNDECIDED_PATH;
  }
  return undefined;
}

/** A module file chosen by a `cfg_attr` this analysis cannot decide: no file has this name. */
const UNDECIDED_PATH = '\0undecided cfg_attr path';

/** `a, b(c, d), e = "f,g"` split at its top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * `#[cfg(windows)] mod sys;` this build leaves out: kept as an inactive module, so its file has a
 * place in the tree (unless an active module already takes the name). Inline ones are not kept.
 */
function inactiveModule(
  node: SyntaxNode,
  scope: Scope,
  cfg: string[] | undefined,
  attributes: SyntaxNode[],
  cfgContext?: CfgContext,
): void {
  const name = node.type === 'mod_item' ? node.childForFieldName('name')?.text : undefined;
  if (!name || node.childForFieldName('body') || scope.outOfFileMods.has(name) || scope.mods.has(name)) return;
  scope.outOfFileMods.set(name, { path: pathAttribute(attributes, cfgContext), cfg, inactive: true });
}

/** The `mod x;` items of an item macro's body this build leaves out (`cfg_unstable! { mod x; }`), kept inactive. */
export function keepInactiveModules(items: AttributedNode[], scope: Scope, outerCfg: string | undefined): void {
  for (const { node, attributes } of items) {
    const preds = attributes
      .map((a) => cfgPredicate(a.text)?.replace(/\s+/g, ' ').trim())
      .filter((p): p is string => p !== undefined);
    inactiveModule(node, scope, outerCfg === undefined ? preds : [outerCfg, ...preds], attributes);
  }
}

/** The `impl` blocks in an item this build leaves out, read for their SAFETY comments only. */
export function implsWithin(node: SyntaxNode, scope: Scope): ImplDef[] {
  // Most items left out hold no impl: their text says so faster than a walk of their nodes.
  if (node.type !== 'impl_item' && !IMPL_WORD.test(node.text)) return [];
  const nodes =
    node.type === 'impl_item' ? [node] : node.descendantsOfType('impl_item').filter((n): n is SyntaxNode => n !== null);
  return nodes.map((n) => lowerImpl(n, scope)).filter((i): i is ImplDef => i !== undefined);
}

const IMPL_WORD = /(?<![A-Za-z0-9_])impl(?![A-Za-z0-9_])/;

/** A trait impl (`impl<T> Trait for Type`), or undefined for an inherent or half-typed one. */
function lowerImpl(
  node: SyntaxNode,
  scope: Scope,
  traitNode = node.childForFieldName('trait'),
  typeNode = node.childForFieldName('type'),
): ImplDef | undefined {
  if (!traitNode || !typeNode) return undefined;
  return {
    node,
    scope,
    unsafe: node.children.some((c) => c?.type === 'unsafe'),
    negative: node.children.some((c) => c?.type === '!'),
    traitNode,
    typeNode,
    generics: lowerGenerics(node),
  };
}

/** The fns among an item macro's items (`only`) that `cfg` keeps: methods of the impl the call is in. */
export function addMethods(impl: InherentImpl, only: AttributedNode[], cfg: CfgContext): void {
  for (const { node, attributes } of only) {
    if (node.type !== 'function_item') continue;
    if (attributes.some((a) => evaluateCfg(cfgPredicate(a.text) ?? 'all()', cfg) === false)) continue;
    addFn(impl.methods, node, impl.scope, impl.node);
  }
}

/** Records a fn by name; a second of the same name (under another `#[cfg]`) becomes an alternative. */
function addFn(table: Map<string, FnDef>, node: SyntaxNode, scope: Scope, impl?: SyntaxNode): void {
  const name = node.childForFieldName('name')?.text;
  if (!name) return;
  const def: FnDef = { name, node, scope, ...(impl ? { impl } : {}) };
  const first = table.get(name);
  if (!first) table.set(name, def);
  else (first.alternatives ??= []).push(def);
}

/** `impl<T> Type<T> { .. }`: its methods, by name, from its body's `items`. */
function lowerInherentImpl(
  node: SyntaxNode,
  typeNode: SyntaxNode,
  items: AttributedNode[],
  scope: Scope,
  out: Out,
): void {
  const impl: InherentImpl = { node, scope, typeNode, methods: new Map() };
  for (const { node: item, type, attributes } of items) {
    if (type === 'function_item' && cfgOf(attributes, out) !== false) addFn(impl.methods, item, scope);
    // `cfg_net! { pub async fn bind(..) }`: methods the call's expansion declares, added then.
    else if (type === 'macro_invocation' && cfgOf(attributes, out) !== false) {
      const parsed = out.options.macroItems?.(item, scope, impl);
      if (parsed?.active) addMethods(impl, withAttributes(parsed.root), out.options.cfg ?? {});
    }
  }
  out.inherentImpls.push(impl);
}

function lowerItem(
  node: SyntaxNode,
  scope: Scope,
  out: Out,
  attributes: SyntaxNode[] = [],
  type: string = node.type,
  /** The type of the impl, trait or module whose body lists `node` ('' for none; see memberOwner). */
  owner: string = memberOwner(node)?.type ?? '',
): void {
  const kind = TYPE_ITEMS[type];
  if (kind) {
    const def = lowerTypeDef(node, kind, scope, out);
    const undecided = undecidedPredicates(attributes, out);
    if (def && undecided) def.cfgUndecided = undecided;
    if (def) {
      const first = scope.types.get(def.name);
      if (!first) scope.types.set(def.name, def);
      else {
        // Pushed, not copied: broken text can repeat a name 20,000 times.
        (first.alternatives ??= []).push(def);
        def.alternatives = [first];
      }
      out.types.push(def);
    }
    // Items inside expressions (array lengths, enum discriminants) are too rare to chase.
    return;
  }
  switch (type) {
    case 'mod_item': {
      const name = node.childForFieldName('name')?.text;
      const body = node.childForFieldName('body');
      if (!name) return;
      if (!body) {
        scope.outOfFileMods.set(name, {
          path: pathAttribute(attributes, out.options.cfg),
          cfg: cfgPredicates(attributes, out),
        });
        return;
      }
      const child = newScope('module', [...scope.module.path, name], scope);
      child.cfg = cfgPredicates(attributes, out);
      scope.mods.set(name, child);
      lowerItems(body, child, out, 'mod_item');
      return;
    }
    case 'type_item': {
      // An impl's `type Item = Rc<u8>;` is the trait's associated type there, not a name of the
      // module: as an alias it would stand for every `Item` the module names.
      if (owner === 'impl_item' || owner === 'trait_item') return;
      const name = node.childForFieldName('name')?.text;
      if (!name) return;
      const def: AliasDef = {
        name,
        scope,
        generics: lowerGenerics(node),
        typeNode: node.childForFieldName('type') ?? undefined,
      };
      if (admitName(scope, name, def, cfgOf(attributes, out) === undefined)) scope.aliases.set(name, def);
      return;
    }
    case 'trait_item': {
      const name = node.childForFieldName('name')?.text;
      const bounds = node.childForFieldName('bounds');
      const assocTypes = new Map<string, SyntaxNode[]>();
      const traitBody = node.childForFieldName('body');
      const def: TraitDef = {
        name: name ?? '',
        scope,
        node,
        supertraits: bounds ? traitBoundNodes(bounds) : [],
        assocTypes,
      };
      for (const { node: item, type: itemType, attributes: itemAttributes } of traitBody
        ? withAttributes(traitBody)
        : []) {
        const assoc = itemType === 'associated_type' ? item.childForFieldName('name')?.text : undefined;
        const assocBounds = item.childForFieldName('bounds');
        if (assoc) assocTypes.set(assoc, assocBounds ? traitBoundNodes(assocBounds) : []);
        // Methods a macro declares are the trait's once the call is expanded (a later round).
        if (name && itemType === 'macro_invocation' && cfgOf(itemAttributes, out) !== false)
          out.options.macroItems?.(item, scope, undefined, def);
      }
      if (name) scope.traits.set(name, def);
      lowerBodies(node, scope, out, 'trait_item');
      return;
    }
    case 'use_declaration': {
      const arg = node.childForFieldName('argument');
      const isPublic = namedChildren(node).some((c) => c.type === 'visibility_modifier');
      if (arg) lowerUse(arg, scope, cfgOf(attributes, out) === undefined, isPublic);
      return;
    }
    case 'extern_crate_declaration': {
      const name = node.childForFieldName('name')?.text;
      const alias = node.childForFieldName('alias')?.text;
      if (name) scope.externCrates.set(alias ?? name, name);
      return;
    }
    case 'impl_item': {
      // Each field read once, and the body's items listed once for the methods and the lowering.
      const traitNode = node.childForFieldName('trait');
      const typeNode = node.childForFieldName('type');
      const body = node.childForFieldName('body');
      const items = body ? withAttributes(body) : undefined;
      const impl = lowerImpl(node, scope, traitNode, typeNode);
      const undecided = undecidedPredicates(attributes, out);
      if (impl && undecided) impl.cfgUndecided = undecided;
      if (impl) out.impls.push(impl);
      else if (typeNode && items && !traitNode) lowerInherentImpl(node, typeNode, items, scope, out);
      if (items) lowerItems(items, scope, out, 'impl_item');
      return;
    }
    case 'function_item': {
      // Methods are the impl's (lowerInherentImpl); a trait's fns are not callable by path alone.
      if (owner !== 'impl_item' && owner !== 'trait_item') addFn(scope.fns, node, scope);
      lowerBodies(node, scope, out);
      return;
    }
    case 'const_item':
    case 'static_item':
      lowerBodies(node, scope, out);
      return;
    case 'expression_statement': {
      // `libc_bitflags!( .. );`: a macro call with parentheses is a statement to the parser.
      const call = node.namedChildren[0];
      if (call?.type === 'macro_invocation' && node.namedChildren.length === 1) lowerItem(call, scope, out, attributes);
      return;
    }
    case 'macro_invocation': {
      // `cfg_rt! { items }` and the like (see item-macros.ts). In a trait's body, the trait's
      // methods (see the trait_item case), not the module's items.
      if (out.macroDepth > 2 || !out.options.macroItems || owner === 'trait_item') return;
      const parsed = out.options.macroItems(node, scope);
      if (!parsed) return;
      if (!parsed.active) {
        out.inactiveImpls.push(...implsWithin(parsed.root, scope));
        return;
      }
      out.macroDepth++;
      try {
        lowerItems(parsed.root, scope, out);
      } finally {
        out.macroDepth--;
      }
      return;
    }
    default:
      // ERROR nodes, macro invocations and the like: their item-looking children still count,
      // so that a half-typed item does not hide the types declared after it.
      if (type === 'ERROR') {
        lowerItems(node, scope, out);
        recoverTypeDefs(node, scope, out);
      }
  }
}

/**
 * `struct Foo { a: Rc<` while typing: the parser gives up on the item, but the type exists and
 * the user is hovering it. It is listed with no fields, so its verdicts read `unknown`.
 */
function recoverTypeDefs(error: SyntaxNode, scope: Scope, out: Out): void {
  const children = error.children.filter((c): c is SyntaxNode => c !== null);
  children.forEach((c, i) => {
    const kind = !c.isNamed ? TYPE_ITEMS[`${c.type}_item`] : undefined;
    const nameNode = children[i + 1];
    if (!kind || !nameNode || (nameNode.type !== 'identifier' && nameNode.type !== 'type_identifier')) return;
    if (scope.types.has(nameNode.text)) return;
    const def: TypeDef = {
      name: nameNode.text,
      kind,
      path: [...scope.module.path, nameNode.text].join('::'),
      node: error,
      nameNode,
      scope,
      generics: { params: [], where: [] },
      fields: [],
    };
    scope.types.set(def.name, def);
    out.types.push(def);
  });
}

/** Function bodies (also inside impl and trait blocks) open block scopes that may declare items. */
function lowerBodies(node: SyntaxNode, scope: Scope, out: Out, owner?: string): void {
  const body = node.childForFieldName('body') ?? node.childForFieldName('value');
  if (!body) return;
  if (body.type === 'declaration_list') {
    lowerItems(body, scope, out, owner);
    return;
  }
  lowerBlock(body, scope, out);
}

/** Words without which a function body declares no item: most bodies are skipped unread. */
const ITEM_WORDS = /\b(?:struct|enum|union|type|trait|impl|mod|macro_rules|use)\b/;
/** The same, and `fn`: words without which a body declares nothing lowerBlock reads. */
export const BODY_WORDS = new RegExp(`${ITEM_WORDS.source}|\\bfn\\b`);

/** The keyword of each item type a body can declare (see bodyItems). */
const BODY_ITEM_KEYWORDS = new Map([
  ['struct', 'struct_item'],
  ['enum', 'enum_item'],
  ['union', 'union_item'],
  ['mod', 'mod_item'],
  ['type', 'type_item'],
  ['trait', 'trait_item'],
  ['use', 'use_declaration'],
  ['impl', 'impl_item'],
  ['fn', 'function_item'],
  ['crate', 'extern_crate_declaration'],
]);
const BODY_ITEM_PATTERN = /(?<![A-Za-z_])(?:struct|enum|union|mod|type|trait|use|impl|fn|crate)\b/g;
export const isItemType = (type: string): boolean => TYPE_ITEMS[type] !== undefined || ITEM_TYPES.has(type);

/** The items a walk of every node under `body` (not into items, `maxDepth` nodes down at most) finds. */
export function itemsOfBody(
  body: SyntaxNode,
  text = body.text,
  maxDepth = MAX_NESTING * 4,
  walkAfterMs?: number,
): SyntaxNode[] {
  return bodyItems(body, text, BODY_ITEM_PATTERN, BODY_ITEM_KEYWORDS, isItemType, maxDepth, walkAfterMs);
}

/**
 * Items declared anywhere in a function body (one block scope for the body), down to
 * MAX_NESTING * 4 nodes. Found from their keywords (see bodyItems): bodies are most of a file,
 * items in them rare, and a walk of every node of a body that names one cost 7% of a registry's
 * check.
 */
function lowerBlock(node: SyntaxNode, scope: Scope, out: Out): void {
  if (out.depth >= MAX_NESTING) return;
  const text = node.text;
  // A body's fns too: a call of `add` resolves to the `async fn add` the body declares.
  if (!BODY_WORDS.test(text)) return;
  out.depth++;
  try {
    let block: Scope | undefined;
    for (const item of itemsOfBody(node, text)) {
      block ??= newScope('block', scope.module.path, scope);
      lowerItem(item, block, out);
    }
    // Item macros among the body's own statements (`pin_project! { struct CopyFuture<R, W> { .. } }`
    // in async-std's `io::copy`): their items are the block's too (see item-macros.ts).
    if (out.options.macroItems && /!\s*\{/.test(text))
      for (const statement of namedChildren(node)) {
        const call = statement.type === 'expression_statement' ? statement.namedChildren[0] : statement;
        if (call?.type !== 'macro_invocation' || !ITEM_WORDS.test(call.text)) continue;
        block ??= newScope('block', scope.module.path, scope);
        lowerItem(call, block, out);
      }
    if (block) out.bodyScopes.set(node.startIndex, block);
  } finally {
    out.depth--;
  }
}

export const ITEM_TYPES = new Set([
  'mod_item',
  'type_item',
  'trait_item',
  'use_declaration',
  'impl_item',
  'function_item',
  'extern_crate_declaration',
]);

function lowerTypeDef(node: SyntaxNode, kind: TypeKind, scope: Scope, out: Out): TypeDef | undefined {
  const nameNode = node.childForFieldName('name');
  if (!nameNode || nameNode.text === '') return undefined;
  const fields: FieldDef[] = [];
  const body = node.childForFieldName('body');
  if (body) {
    if (body.type === 'enum_variant_list') {
      for (const { node: variant, attributes } of withAttributes(body)) {
        if (variant.type !== 'enum_variant') continue;
        const cfg = cfgOf(attributes, out);
        if (cfg === false) continue;
        const vname = variant.childForFieldName('name')?.text ?? '?';
        const vbody = variant.childForFieldName('body');
        if (vbody)
          fields.push(
            ...lowerFields(vbody, `${vname}.`, out).map((f) => (cfg === undefined ? { ...f, cfgUndecided: true } : f)),
          );
      }
    } else {
      fields.push(...lowerFields(body, '', out));
    }
  }
  const generics = lowerGenerics(node);
  // `struct S<T>(T) where T: Send;`: the where clause follows the tuple body.
  return {
    name: nameNode.text,
    kind,
    path: [...scope.module.path, nameNode.text].join('::'),
    node,
    nameNode,
    scope,
    generics,
    fields,
  };
}

function lowerFields(body: SyntaxNode, prefix: string, out: Out): FieldDef[] {
  const fields: FieldDef[] = [];
  const named = body.type === 'field_declaration_list';
  if (!named && body.type !== 'ordered_field_declaration_list') return fields;
  let index = 0;
  // A tuple field's attributes come before its `pub`, a node of its own: they are its type's.
  let beforeVisibility: SyntaxNode[] = [];
  for (const { node, attributes: own } of withAttributes(body)) {
    if (named && node.type !== 'field_declaration') continue;
    if (!named && node.type === 'visibility_modifier') {
      beforeVisibility = own;
      continue;
    }
    const attributes = beforeVisibility.length > 0 ? [...beforeVisibility, ...own] : own;
    beforeVisibility = [];
    const cfg = cfgOf(attributes, out);
    if (cfg === false) continue;
    const name = named ? node.childForFieldName('name')?.text : String(index++);
    const typeNode = named ? node.childForFieldName('type') : node;
    if (name && typeNode)
      fields.push({ name: prefix + name, typeNode, ...(cfg === undefined ? { cfgUndecided: true } : {}) });
  }
  return fields;
}

export function lowerGenerics(node: SyntaxNode): Generics {
  const generics: Generics = { params: [], where: [] };
  const tp = node.childForFieldName('type_parameters');
  if (tp) {
    generics.node = tp;
    for (const p of namedChildren(tp)) {
      if (p.type === 'lifetime_parameter' || p.type === 'lifetime') {
        const name = (p.childForFieldName('name') ?? p).text;
        generics.params.push({ name, kind: 'lifetime', bounds: [], node: p });
      } else if (p.type === 'type_parameter' || p.type === 'type_identifier') {
        const name = (p.childForFieldName('name') ?? p).text;
        const bounds = p.childForFieldName('bounds');
        generics.params.push({
          name,
          kind: 'type',
          bounds: bounds ? traitBoundNodes(bounds) : [],
          defaultNode: p.childForFieldName('default_type') ?? p.childForFieldName('default') ?? undefined,
          node: p,
        });
      } else if (p.type === 'const_parameter') {
        const name = p.childForFieldName('name')?.text ?? '?';
        generics.params.push({
          name,
          kind: 'const',
          bounds: [],
          defaultNode: p.childForFieldName('value') ?? undefined,
          node: p,
        });
      }
    }
  }
  const where = node.namedChildren.find((c) => c?.type === 'where_clause') ?? undefined;
  if (where) {
    generics.whereNode = where;
    for (const pred of namedChildren(where)) {
      if (pred.type !== 'where_predicate') continue;
      const left = pred.childForFieldName('left');
      const bounds = pred.childForFieldName('bounds');
      if (left) generics.where.push({ left, bounds: bounds ? traitBoundNodes(bounds) : [], node: pred });
    }
  }
  return generics;
}

/** The trait nodes of a `trait_bounds` list: lifetimes and `?Sized` left out. */
function traitBoundNodes(bounds: SyntaxNode): SyntaxNode[] {
  return namedChildren(bounds).filter((b) => b.type !== 'lifetime' && b.type !== 'removed_trait_bound');
}

/** What a `use` puts in its scope, in order: names with their paths, and glob paths. */
type UseEffects = ({ name: string; path: string[] } | { glob: string[] } | { unnamed: string[] })[];

/** The effects of the `use` trees met lately, by their text: a file's `use`s rarely change between edits. */
const useEffects = new Map<string, UseEffects>();
const USE_EFFECTS_KEPT = 4096;

/** Flattens a `use` tree into the scope's imports and globs; `undecided`: under a `#[cfg]` this analysis cannot decide. */
function lowerUse(arg: SyntaxNode, scope: Scope, undecided: boolean, isPublic: boolean): void {
  const text = arg.text;
  let effects = useEffects.get(text);
  if (effects === undefined) {
    const recorded: UseEffects = [];
    // Kept across files: copies of the names, which would otherwise keep this file's text.
    lowerUseTree(arg, [], {
      imports: { set: (name, path) => recorded.push({ name: detachedText(name), path: path.map(detachedText) }) },
      globs: { push: (path) => recorded.push({ glob: path.map(detachedText) }) },
      unnamed: { push: (path) => recorded.push({ unnamed: path.map(detachedText) }) },
    });
    if (useEffects.size >= USE_EFFECTS_KEPT) useEffects.delete(useEffects.keys().next().value!);
    useEffects.set(detachedText(text), (effects = recorded));
  }
  for (const effect of effects)
    if ('glob' in effect) {
      const glob = [...effect.glob];
      scope.globs.push(glob);
      if (!isPublic) (scope.privateGlobs ??= new Set()).add(glob);
    } else if ('unnamed' in effect) (scope.unnamed ??= []).push([...effect.unnamed]);
    else if (admitName(scope, effect.name, effect.path, undecided)) {
      scope.imports.set(effect.name, [...effect.path]);
      if (!isPublic) (scope.privateImports ??= new Set()).add(effect.name);
      else scope.privateImports?.delete(effect.name);
    }
}

/** What an alias or import gives a name: the alias, or the imported path. */
type NameTarget = AliasDef | string[];

/**
 * Whether an alias or import giving `name` the meaning `target` is to be recorded in `scope`.
 * Only one definition of a name is compiled, so one under a `#[cfg]` this build keeps wins over
 * those under a `#[cfg]` it cannot decide; two of the latter that differ make the name a cfg twin
 * (Scope.cfgTwins). Two that this build both keeps are broken code: the last one wins.
 */
function admitName(scope: Scope, name: string, target: NameTarget, undecided: boolean): boolean {
  const alias = scope.aliases.get(name);
  const imported = scope.imports.get(name);
  const prior: NameTarget | undefined = alias ?? imported;
  const priorUndecided = scope.undecidedNames?.has(name) ?? false;
  if (prior === undefined) {
    if (undecided) (scope.undecidedNames ??= new Set()).add(name);
    return true;
  }
  if (undecided) {
    if (priorUndecided && targetText(prior) !== targetText(target)) {
      scope.cfgTwins ??= new Map();
      const twins = scope.cfgTwins.get(name) ?? [prior];
      scope.cfgTwins.set(name, [...twins, target]);
    }
    return false;
  }
  if (priorUndecided) {
    scope.undecidedNames?.delete(name);
    scope.cfgTwins?.delete(name);
    scope.aliases.delete(name);
    scope.imports.delete(name);
  }
  return true;
}

function targetText(target: NameTarget): string {
  return Array.isArray(target) ? `use ${target.join('::')}` : `type ${target.typeNode?.text ?? ''}`;
}

/** Where a `use` tree's names go (a scope's imports and globs). */
interface UseSink {
  imports: { set(name: string, path: string[]): unknown };
  globs: { push(path: string[]): unknown };
  unnamed?: { push(path: string[]): unknown };
}

/** A `use` path's prefix, shared by the lists inside it: written out only where an import is. */
interface UsePrefix {
  segments: readonly string[];
  outer?: UsePrefix;
}

function spelled(prefix: UsePrefix | undefined, ...more: string[]): string[] {
  const parts: (readonly string[])[] = [more];
  for (let p = prefix; p; p = p.outer) parts.push(p.segments);
  return parts.reverse().flat();
}

function lowerUseTree(tree: SyntaxNode, from: string[], scope: UseSink): void {
  // A stack of its own, in the order a recursion would take: a list nested thousands deep (broken
  // or generated text) would overflow JS's. Prefixes are linked, not copied at each level (a
  // copy per level was quadratic in the depth: 2 s at 20,000).
  const stack: [SyntaxNode, UsePrefix | undefined][] = [[tree, from.length ? { segments: from } : undefined]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, prefix] = top;
    const visit = (items: readonly SyntaxNode[], next: UsePrefix | undefined) => {
      for (let k = items.length - 1; k >= 0; k--) stack.push([items[k], next]);
    };
    switch (node.type) {
      case 'use_as_clause': {
        const path = node.childForFieldName('path');
        const alias = node.childForFieldName('alias')?.text;
        if (path && alias && alias !== '_') scope.imports.set(alias, spelled(prefix, ...pathSegments(path)));
        else if (path && alias === '_') scope.unnamed?.push(spelled(prefix, ...pathSegments(path)));
        break;
      }
      case 'use_wildcard': {
        const path = namedChildren(node)[0];
        scope.globs.push(path ? spelled(prefix, ...pathSegments(path)) : spelled(prefix));
        break;
      }
      case 'scoped_use_list': {
        const path = node.childForFieldName('path');
        const list = node.childForFieldName('list');
        if (list) visit(namedChildren(list), path ? { segments: pathSegments(path), outer: prefix } : prefix);
        break;
      }
      case 'use_list':
        visit(namedChildren(node), prefix);
        break;
      case 'self': {
        const segments = spelled(prefix);
        if (segments.length > 0) scope.imports.set(segments[segments.length - 1], segments);
        break;
      }
      default: {
        const segments = spelled(prefix, ...pathSegments(node));
        const last = segments[segments.length - 1];
        if (last && last !== 'self') scope.imports.set(last, segments);
        else if (last === 'self' && segments.length > 1)
          scope.imports.set(segments[segments.length - 2], segments.slice(0, -1));
      }
    }
  }
}

/** `a::b::C` as segments; a leading `::` is a segment `::` (the crate root in edition 2015, else
 * the extern crates). */
export function pathSegments(node: SyntaxNode): string[] {
  if (node.type === 'scoped_identifier' || node.type === 'scoped_type_identifier') {
    const path = node.childForFieldName('path');
    const name = node.childForFieldName('name');
    const global = !path && node.text.trimStart().startsWith('::');
    return [...(path ? pathSegments(path) : global ? ['::'] : []), ...(name ? [name.text] : [])];
  }
  return [node.text];
}
