// A seeded generator of random, compilable Rust programs for the differential test: nested user
// structs/enums/unions, generics (bounds, where clauses, defaults, lifetimes, consts), aliases,
// inline modules (some shadowing std names), manual `unsafe impl`s, std types from KNOWN_TYPES
// spelled many ways, trait objects and recursion. Programs are a model first, rendered to text, so
// that a failing case can be shrunk by dropping items and fields.
import { KNOWN_TYPES, type HandRow } from '../../server/src/model/known-types';
import type { GenericParam, TypeDecl } from './rust-items';

export type Bound = 'Send' | 'Sync';

export interface GParam {
  kind: 'lifetime' | 'type' | 'const';
  name: string;
  bounds: Bound[];
  /** Bounds written inline (`T: Send`) or in a where clause. */
  boundStyle: 'inline' | 'where';
  default?: string;
}

/** A field type: a template with `$0`, `$1` holes, a type parameter, or a user type/alias. */
export type Ty =
  | { k: 'tpl'; tpl: string; args: Ty[] }
  | { k: 'param'; name: string }
  | { k: 'user'; id: number; args: Ty[] }
  | { k: 'alias'; id: number; args: Ty[] };

export interface GField {
  name?: string;
  ty: Ty;
}

export interface GVariant {
  name: string;
  shape: 'unit' | 'tuple' | 'named';
  fields: GField[];
}

export interface GType {
  id: number;
  name: string;
  module: string;
  kind: 'struct' | 'enum' | 'union';
  shape: 'unit' | 'tuple' | 'named';
  params: GParam[];
  fields: GField[];
  variants: GVariant[];
  repr?: string;
}

export interface GAlias {
  id: number;
  name: string;
  module: string;
  params: string[];
  ty: Ty;
}

export interface GImpl {
  target: number;
  trait: Bound;
  module: string;
  /** Generic over renamed parameters with bounds, or for one concrete instantiation (`X<u8>`). */
  concrete?: string;
  rename: Record<string, string>;
  bounds: Record<string, Bound[]>;
  boundStyle: 'inline' | 'where';
}

export interface GProgram {
  seed: number;
  modules: string[];
  types: GType[];
  aliases: GAlias[];
  impls: GImpl[];
}

export interface GeneratedProgram {
  model: GProgram;
  source: string;
  /** Every generated type, as the oracle's instantiation planner sees it. */
  decls: TypeDecl[];
}

/** mulberry32: small, fast, and the same sequence on every machine. */
export function createRng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}
type Rng = ReturnType<typeof createRng>;

const HEADER = `extern crate alloc;
use std::cell::*;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::rc::Rc;
use std::rc::Rc as Shared;
use std::sync::{Arc, Mutex};

pub trait Plain {}
pub trait Job: Send {}
pub trait ShareOnly: Sync {}
pub trait Both: Job + ShareOnly {}
`;

/** Names imported at the root (and glob-imported by every module), with the std path they mean. */
const SHORT_NAMES: Record<string, string[]> = {
  'std::rc::Rc': ['Rc', 'Shared'],
  'std::sync::Arc': ['Arc'],
  'std::sync::Mutex': ['Mutex'],
  'std::collections::HashMap': ['HashMap'],
  'std::marker::PhantomData': ['PhantomData'],
  'std::cell::Cell': ['Cell'],
  'std::cell::RefCell': ['RefCell'],
  'std::cell::UnsafeCell': ['UnsafeCell'],
  'std::cell::OnceCell': ['OnceCell'],
  'std::boxed::Box': ['Box'],
  'std::vec::Vec': ['Vec'],
  'std::option::Option': ['Option'],
  'std::string::String': ['String'],
};

/** User type names that shadow std names (only ever declared inside modules). */
const SHADOWING_NAMES = ['Rc', 'Cell', 'Mutex', 'Arc', 'RefCell'];

const CORE_PREFIXES = [
  'std::cell::',
  'std::marker::',
  'std::ptr::',
  'std::mem::',
  'std::sync::atomic::',
  'std::num::',
  'std::cmp::',
  'std::ops::',
  'std::option::',
  'std::pin::',
  'std::panic::AssertUnwindSafe',
];
const ALLOC_PATHS = new Set([
  'std::rc::Rc',
  'std::rc::Weak',
  'std::sync::Arc',
  'std::sync::Weak',
  'std::vec::Vec',
  'std::boxed::Box',
  'std::string::String',
  'std::collections::VecDeque',
  'std::collections::BTreeMap',
  'std::collections::BTreeSet',
  'std::collections::LinkedList',
  'std::collections::BinaryHeap',
]);

/** Rows usable as field types: their samples, with `'static` made `'a` when they take a `$T`. */
const STD_ROWS = KNOWN_TYPES.filter((r) => r.path !== 'std::thread::LocalKey');

const PRIMS = ['u8', 'i32', 'u64', 'bool', 'char', 'f64', 'usize', 'String', '()', "&'static str"];
/** Arguments that satisfy any Send/Sync bound. */
const SAFE_ARGS = ['u8', 'String', 'i64', 'Vec<u8>', 'std::sync::Arc<u32>'];

const DYN_TYPES = [
  'Box<dyn Plain>',
  'Box<dyn Plain + Send>',
  'Box<dyn Plain + Sync>',
  'Box<dyn Plain + Send + Sync>',
  'Box<dyn Job>',
  'Box<dyn ShareOnly>',
  'Box<dyn Both>',
  "Box<dyn Fn() + Send + 'static>",
  'Box<dyn std::any::Any + Send>',
  'Box<dyn std::error::Error + Send + Sync>',
  'Box<dyn FnMut(u8) -> u8>',
  'std::sync::Arc<dyn Job>',
  'std::sync::Arc<dyn Both>',
  'Box<dyn std::fmt::Debug + Sync>',
];
const DYN_REF_TYPES = ["&'a (dyn Plain + Sync)", "&'a dyn Plain", "&'a dyn Job", "&'a mut (dyn Plain + Send)"];

const TEMPLATES_1 = [
  "&'a $0",
  "&'a mut $0",
  '*const $0',
  '*mut $0',
  '[$0; 2]',
  'Box<[$0]>',
  "&'a [$0]",
  'fn($0) -> u8',
  'fn() -> $0',
  '($0,)',
];
const TEMPLATES_2 = ['($0, $1)', 'fn($0) -> $1', 'Result<$0, $1>', 'HashMap<$0, $1>'];
const INDIRECTIONS = ['Box<$0>', 'Vec<$0>', 'Option<Box<$0>>', 'std::sync::Arc<$0>', 'std::rc::Rc<$0>', "&'a $0"];

interface Ctx {
  rng: Rng;
  program: GProgram;
  /** The type being generated (its params are in scope), if any. */
  self?: GType;
  module: string;
  /** Lifetime `'a` may be used (the item declares it, or will). */
  /** Alias bodies: no user types and no lifetimes. */
  inAlias: boolean;
}

export interface GenerateOptions {
  /** Number of user types (default: 3..8). */
  types?: number;
}

export function generateProgram(seed: number, options: GenerateOptions = {}): GeneratedProgram {
  const rng = createRng(seed);
  const program: GProgram = { seed, modules: [], types: [], aliases: [], impls: [] };
  const moduleCount = rng.int(0, 2);
  for (let i = 0; i < moduleCount; i++) {
    // A second module may nest in the first.
    program.modules.push(i === 1 && rng.chance(0.5) ? `${program.modules[0]}::n${i}` : `m${i}`);
  }
  const modules = ['', ...program.modules];
  const typeCount = options.types ?? rng.int(3, 8);
  const aliasCount = rng.int(0, 2);

  // Declare all types first (names, params), so fields can refer forward.
  const usedNames = new Map<string, Set<string>>();
  for (let i = 0; i < typeCount; i++) {
    const module = rng.pick(modules);
    const names = usedNames.get(module) ?? new Set<string>();
    usedNames.set(module, names);
    const shadow =
      module !== '' && rng.chance(0.25) ? SHADOWING_NAMES.find((n) => !names.has(n) && rng.chance(0.5)) : undefined;
    const kind = rng.chance(0.6) ? 'struct' : rng.chance(0.7) ? 'enum' : 'union';
    const name = shadow ?? `${kind === 'struct' ? 'S' : kind === 'enum' ? 'E' : 'U'}${i}`;
    names.add(name);
    program.types.push({
      id: i,
      name,
      module,
      kind,
      shape: kind === 'struct' ? rng.pick(['named', 'named', 'tuple', 'unit'] as const) : 'named',
      params: genParams(rng),
      fields: [],
      variants: [],
      repr: kind !== 'union' && rng.chance(0.1) ? (kind === 'enum' ? 'u8' : 'C') : undefined,
    });
  }
  for (let i = 0; i < aliasCount; i++) {
    const module = rng.pick(modules);
    const params = rng.chance(0.6) ? ['A'] : [];
    const ctx: Ctx = { rng, program, module, inAlias: true };
    const alias: GAlias = { id: i, name: `Al${i}`, module, params, ty: { k: 'tpl', tpl: 'u8', args: [] } };
    alias.ty =
      params.length && rng.chance(0.7) ? genWrapping(ctx, { k: 'param', name: 'A' }, 2) : genTy({ ...ctx }, 2, params);
    if (params.length && !mentions(alias.ty, 'A'))
      alias.ty = { k: 'tpl', tpl: '($0, $1)', args: [alias.ty, { k: 'param', name: 'A' }] };
    program.aliases.push(alias);
  }
  for (const t of program.types) fillType(rng, program, t);
  settleLifetimes(program);
  for (const t of program.types) maybeImpls(rng, program, t, modules);
  return renderGenerated(program);
}

function genParams(rng: Rng): GParam[] {
  const params: GParam[] = [];
  const n = rng.pick([0, 0, 1, 1, 1, 2, 2, 3]);
  const names = ['T', 'U', 'V'];
  for (let i = 0; i < n; i++) {
    const bounds: Bound[] = [];
    if (rng.chance(0.25)) bounds.push('Send');
    if (rng.chance(0.15)) bounds.push('Sync');
    params.push({ kind: 'type', name: names[i], bounds, boundStyle: rng.chance(0.5) ? 'inline' : 'where' });
  }
  // Defaults must trail: only the last type parameter may get one.
  if (n > 0 && rng.chance(0.2))
    params[n - 1].default = rng.pick(['u8', 'String', 'std::rc::Rc<u8>', 'std::cell::Cell<u8>']);
  if (params[n - 1]?.default && params[n - 1].bounds.length) params[n - 1].default = 'u8';
  // A const parameter goes last, and defaults must trail, so the two do not mix.
  if (rng.chance(0.1) && !params.some((p) => p.default))
    params.push({ kind: 'const', name: 'N', bounds: [], boundStyle: 'inline' });
  return params;
}

function typeParamsOf(t: GType | undefined): GParam[] {
  return t ? t.params.filter((p) => p.kind === 'type') : [];
}

function fillType(rng: Rng, program: GProgram, t: GType): void {
  const ctx: Ctx = { rng, program, self: t, module: t.module, inAlias: false };
  const field = (i: number, named: boolean): GField => {
    let ty = genTy(ctx, 0);
    if (t.kind === 'union' && !isCopyPrim(ty)) ty = { k: 'tpl', tpl: '::std::mem::ManuallyDrop<$0>', args: [ty] };
    return named ? { name: `f${i}`, ty } : { ty };
  };
  if (t.kind === 'struct') {
    if (t.shape !== 'unit') t.fields = Array.from({ length: rng.int(1, 3) }, (_, i) => field(i, t.shape === 'named'));
  } else if (t.kind === 'union') {
    t.fields = Array.from({ length: rng.int(1, 3) }, (_, i) => field(i, true));
  } else {
    const count = rng.int(typeParamsOf(t).length ? 1 : 0, 3);
    t.variants = Array.from({ length: count }, (_, i) => {
      const shape = rng.pick(['unit', 'tuple', 'named'] as const);
      const fields =
        shape === 'unit' ? [] : Array.from({ length: rng.int(1, 2) }, (_, j) => field(j, shape === 'named'));
      return { name: `V${i}`, shape, fields };
    });
  }
  if (t.kind === 'union' && t.repr) t.repr = undefined;
  ensureParamsUsed(t);
  if (t.kind === 'enum' && t.repr && (t.variants.length === 0 || t.variants.some((v) => v.shape !== 'unit')))
    t.repr = undefined;
}

/** Every type parameter must be used; PhantomData does it when the fields do not. */
export function ensureParamsUsed(t: GType): void {
  const all = allFieldTypes(t);
  // Uses inside a reference to the type itself do not count (rustc: "only used recursively").
  const unused = typeParamsOf(t).filter((p) => !all.some((ty) => mentions(ty, p.name, t.id)));
  if (unused.length) {
    const marker: Ty = {
      k: 'tpl',
      tpl: 'PhantomData<$0>',
      args: [
        unused.length === 1
          ? { k: 'param', name: unused[0].name }
          : tupleOf(unused.map((p) => ({ k: 'param', name: p.name }))),
      ],
    };
    if (t.kind === 'enum') t.variants.push({ name: 'Marker', shape: 'tuple', fields: [{ ty: marker }] });
    else {
      if (t.shape === 'unit') t.shape = 'named';
      t.fields.push(t.shape === 'named' || t.kind === 'union' ? { name: '_marker', ty: marker } : { ty: marker });
    }
  }
}

/**
 * Gives `'a` to every type whose fields mention it, directly or through a user type that has it
 * (a reference to such a type renders `'a`), until nothing changes.
 */
export function settleLifetimes(program: GProgram): void {
  for (let changed = true; changed;) {
    changed = false;
    for (const t of program.types) {
      if (t.params.some((p) => p.kind === 'lifetime')) continue;
      const text = allFieldTypes(t)
        .map((ty) => renderTy(program, ty, t.module))
        .join(' ');
      if (text.includes("'a")) {
        t.params.unshift({ kind: 'lifetime', name: "'a", bounds: [], boundStyle: 'inline' });
        changed = true;
      }
    }
  }
}

function tupleOf(tys: Ty[]): Ty {
  return { k: 'tpl', tpl: `(${tys.map((_, i) => `$${i}`).join(', ')},)`, args: tys };
}

function isCopyPrim(ty: Ty): boolean {
  return (
    ty.k === 'tpl' &&
    ty.args.length === 0 &&
    ['u8', 'i32', 'u64', 'bool', 'char', 'f64', 'usize', '()'].includes(ty.tpl)
  );
}

function allFieldTypes(t: GType): Ty[] {
  return [...t.fields, ...t.variants.flatMap((v) => v.fields)].map((f) => f.ty);
}

function mentions(ty: Ty, param: string, exceptInsideType?: number): boolean {
  if (ty.k === 'param') return ty.name === param;
  if (ty.k === 'user' && ty.id === exceptInsideType) return false;
  return ty.args.some((a) => mentions(a, param, exceptInsideType));
}

/** A random type, at nesting depth `depth`. `aliasParams` are the params an alias body may use. */
function genTy(ctx: Ctx, depth: number, aliasParams: string[] = []): Ty {
  const { rng } = ctx;
  const params = ctx.inAlias ? aliasParams : typeParamsOf(ctx.self).map((p) => p.name);
  const leaf = depth >= 3;
  const roll = rng.next();
  if (params.length && roll < 0.22) return { k: 'param', name: rng.pick(params) };
  if (leaf || roll < 0.32) return { k: 'tpl', tpl: rng.pick(PRIMS), args: [] };
  if (roll < 0.55) return genStd(ctx, depth, aliasParams);
  if (roll < 0.62) {
    const dyns = ctx.inAlias ? DYN_TYPES : [...DYN_TYPES, ...DYN_REF_TYPES];
    return { k: 'tpl', tpl: rng.pick(dyns), args: [] };
  }
  if (roll < 0.72) {
    const tpls = TEMPLATES_1.filter((t) => !(ctx.inAlias && t.includes("'a")));
    return { k: 'tpl', tpl: rng.pick(tpls), args: [genTy(ctx, depth + 1, aliasParams)] };
  }
  if (roll < 0.77) {
    return {
      k: 'tpl',
      tpl: rng.pick(TEMPLATES_2),
      args: [genTy(ctx, depth + 1, aliasParams), genTy(ctx, depth + 1, aliasParams)],
    };
  }
  if (roll < 0.8 && ctx.self?.params.some((p) => p.kind === 'const')) {
    return { k: 'tpl', tpl: '[$0; N]', args: [genTy(ctx, depth + 1, aliasParams)] };
  }
  if (!ctx.inAlias && roll < 0.95 && ctx.program.types.length) return genUserRef(ctx, depth);
  if (!ctx.inAlias && ctx.program.aliases.length) {
    const alias = rng.pick(ctx.program.aliases);
    return { k: 'alias', id: alias.id, args: alias.params.map(() => genTy(ctx, depth + 1)) };
  }
  return { k: 'tpl', tpl: rng.pick(PRIMS), args: [] };
}

/** `inner` wrapped in one or two std layers (for alias bodies over their parameter). */
function genWrapping(ctx: Ctx, inner: Ty, layers: number): Ty {
  let ty = inner;
  for (let i = 0; i < layers; i++) {
    const row = ctx.rng.pick(STD_ROWS.filter((r) => r.sample.includes('$T') && !r.sample.includes("'static")));
    ty = { k: 'tpl', tpl: stdTemplate(ctx, row), args: [ty] };
  }
  return ty;
}

function genStd(ctx: Ctx, depth: number, aliasParams: string[]): Ty {
  const rows = STD_ROWS.filter((r) => !(ctx.inAlias && r.sample.includes("'static") && r.sample.includes('$T')));
  const row = ctx.rng.pick(rows);
  const tpl = stdTemplate(ctx, row);
  return { k: 'tpl', tpl, args: tpl.includes('$0') ? [genTy(ctx, depth + 1, aliasParams)] : [] };
}

/** The row's sample as a template (`$T` -> `$0`), its path spelled one of the ways users write it. */
function stdTemplate(ctx: Ctx, row: HandRow): string {
  let tpl = row.sample.replace(/\$T/g, '$0');
  if (tpl.includes('$0')) tpl = tpl.replace(/'static/g, "'a");
  const spellings = [row.path, `::${row.path}`];
  for (const prefix of CORE_PREFIXES)
    if (row.path.startsWith(prefix)) spellings.push(row.path.replace(/^std::/, 'core::'));
  if (ALLOC_PATHS.has(row.path)) spellings.push(row.path.replace(/^std::/, 'alloc::'));
  // Short names only where no user type on the way up to the root shadows them.
  for (const short of SHORT_NAMES[row.path] ?? [])
    if (!shadowedIn(ctx.program, ctx.module, short)) spellings.push(short, short);
  return tpl.replace(row.path, ctx.rng.pick(spellings));
}

/** Whether `name`, used in `module`, resolves to a user type: the module or one of its ancestors declares it. */
function shadowedIn(program: GProgram, module: string, name: string): boolean {
  const segs = module ? module.split('::') : [];
  for (let d = segs.length; d >= 1; d--) {
    const m = segs.slice(0, d).join('::');
    if (program.types.some((t) => t.module === m && t.name === name)) return true;
  }
  return false;
}

function genUserRef(ctx: Ctx, depth: number): Ty {
  const { rng, self } = ctx;
  const target = rng.pick(ctx.program.types);
  const selfId = self?.id ?? -1;
  const backward = target.id < selfId;
  // By value only to earlier types (no infinite size); anything else goes behind an indirection,
  // with identity arguments for self-recursion and concrete ones forward (no polymorphic recursion).
  let args: Ty[];
  if (backward) {
    args = typeParamsOf(target).map((p) => argFor(ctx, p, depth));
  } else if (target.id === selfId && rng.chance(0.7)) {
    args = typeParamsOf(target).map((p) => ({ k: 'param', name: p.name }));
  } else {
    args = typeParamsOf(target).map(() => ({ k: 'tpl', tpl: rng.pick(SAFE_ARGS), args: [] }));
  }
  const ref: Ty = { k: 'user', id: target.id, args };
  if (backward && rng.chance(0.6)) return ref;
  return { k: 'tpl', tpl: rng.pick(INDIRECTIONS), args: [ref] };
}

/** An argument for `p` of a type referred to by value: any type, or one meeting p's bounds. */
function argFor(ctx: Ctx, p: GParam, depth: number): Ty {
  if (p.bounds.length === 0) return genTy(ctx, depth + 1);
  const own = typeParamsOf(ctx.self).filter((q) => p.bounds.every((b) => q.bounds.includes(b)));
  if (own.length && ctx.rng.chance(0.5)) return { k: 'param', name: ctx.rng.pick(own).name };
  return { k: 'tpl', tpl: ctx.rng.pick(SAFE_ARGS), args: [] };
}

function maybeImpls(rng: Rng, program: GProgram, t: GType, modules: string[]): void {
  for (const trait of ['Send', 'Sync'] as const) {
    if (!rng.chance(0.2)) continue;
    const tps = typeParamsOf(t);
    const module = rng.chance(0.7) ? t.module : rng.pick(modules);
    const simple = tps.length === 1 && t.params.length === 1;
    if (simple && rng.chance(0.25)) {
      program.impls.push({
        target: t.id,
        trait,
        module,
        concrete: rng.pick(['u8', 'String']),
        rename: {},
        bounds: {},
        boundStyle: 'inline',
      });
      continue;
    }
    const rename: Record<string, string> = {};
    const bounds: Record<string, Bound[]> = {};
    for (const p of tps) {
      rename[p.name] = rng.chance(0.3) ? `X${p.name}` : p.name;
      const b = new Set<Bound>(p.bounds);
      if (rng.chance(0.4)) b.add('Send');
      if (rng.chance(0.3)) b.add('Sync');
      bounds[p.name] = [...b].sort();
    }
    program.impls.push({
      target: t.id,
      trait,
      module,
      rename,
      bounds,
      boundStyle: rng.chance(0.5) ? 'inline' : 'where',
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** How code in module `from` names an item: bare, through `super::`, or from `crate::`. */
function pathTo(from: string, target: { module: string; name: string; id: number }): string {
  if (target.module === from) return target.name;
  const parent = from.split('::').slice(0, -1).join('::');
  // Root items are also reachable bare, through every module's `use super::*` chain (their names
  // are unique, so nothing shadows them); vary the spelling by id.
  if (target.module === '') {
    if (target.id % 3 === 0) return `crate::${target.name}`;
    if (target.id % 3 === 1 && parent === '') return `super::${target.name}`;
    return target.name;
  }
  if (target.module === parent && target.id % 2 === 0) return `super::${target.name}`;
  return `crate::${target.module}::${target.name}`;
}

export function renderTy(program: GProgram, ty: Ty, from: string): string {
  switch (ty.k) {
    case 'param':
      return ty.name;
    case 'tpl':
      return ty.tpl.replace(/\$(\d+)/g, (_, i: string) => renderTy(program, ty.args[Number(i)], from));
    case 'alias': {
      const a = program.aliases.find((x) => x.id === ty.id)!;
      const args = ty.args.map((x) => renderTy(program, x, from));
      return `${pathTo(from, a)}${args.length ? `<${args.join(', ')}>` : ''}`;
    }
    case 'user': {
      const t = program.types.find((x) => x.id === ty.id)!;
      let i = 0;
      const args = t.params.map((p) => {
        if (p.kind === 'lifetime') return "'a";
        if (p.kind === 'const') return '2';
        return renderTy(program, ty.args[i++], from);
      });
      return `${pathTo(from, t)}${args.length ? `<${args.join(', ')}>` : ''}`;
    }
  }
}

function renderParams(params: GParam[], withDefaults: boolean): string {
  if (!params.length) return '';
  return `<${params
    .map((p) => {
      if (p.kind === 'lifetime') return p.name;
      if (p.kind === 'const') return `const ${p.name}: usize`;
      const b = p.boundStyle === 'inline' && p.bounds.length ? `: ${p.bounds.join(' + ')}` : '';
      return `${p.name}${b}${withDefaults && p.default ? ` = ${p.default}` : ''}`;
    })
    .join(', ')}>`;
}

function renderWhere(params: GParam[]): string {
  const preds = params
    .filter((p) => p.kind === 'type' && p.boundStyle === 'where' && p.bounds.length)
    .map((p) => `${p.name}: ${p.bounds.join(' + ')}`);
  return preds.length ? ` where ${preds.join(', ')}` : '';
}

function renderFields(program: GProgram, fields: GField[], from: string, named: boolean): string {
  if (named) return `{ ${fields.map((f) => `pub ${f.name}: ${renderTy(program, f.ty, from)}`).join(', ')} }`;
  return `(${fields.map((f) => `pub ${renderTy(program, f.ty, from)}`).join(', ')})`;
}

function renderType(program: GProgram, t: GType): string {
  const head = `${renderParams(t.params, true)}`;
  const where = renderWhere(t.params);
  const repr = t.repr ? `#[repr(${t.repr})]\n` : '';
  if (t.kind === 'enum') {
    const variants = t.variants.map((v) =>
      v.shape === 'unit'
        ? v.name
        : `${v.name}${
            v.shape === 'named'
              ? ` { ${v.fields.map((f) => `${f.name}: ${renderTy(program, f.ty, t.module)}`).join(', ')} }`
              : `(${v.fields.map((f) => renderTy(program, f.ty, t.module)).join(', ')})`
          }`,
    );
    return `${repr}pub enum ${t.name}${head}${where} { ${variants.join(', ')} }`;
  }
  if (t.kind === 'union')
    return `pub union ${t.name}${head}${where} ${renderFields(program, t.fields, t.module, true)}`;
  if (t.shape === 'unit') return `${repr}pub struct ${t.name}${head}${where};`;
  if (t.shape === 'tuple')
    return `${repr}pub struct ${t.name}${head}${renderFields(program, t.fields, t.module, false)}${where};`;
  return `${repr}pub struct ${t.name}${head}${where} ${renderFields(program, t.fields, t.module, true)}`;
}

function renderImpl(program: GProgram, imp: GImpl): string {
  const t = program.types.find((x) => x.id === imp.target)!;
  const target = pathTo(imp.module, t);
  if (imp.concrete) return `unsafe impl ${imp.trait} for ${target}<${imp.concrete}> {}`;
  const name = (p: GParam) => (p.kind === 'type' ? (imp.rename[p.name] ?? p.name) : p.name);
  const declared = t.params.map((p) => {
    if (p.kind === 'lifetime') return p.name;
    if (p.kind === 'const') return `const ${p.name}: usize`;
    const b = imp.bounds[p.name] ?? [];
    return imp.boundStyle === 'inline' && b.length ? `${name(p)}: ${b.join(' + ')}` : name(p);
  });
  const where =
    imp.boundStyle === 'where'
      ? t.params
          .filter((p) => p.kind === 'type' && (imp.bounds[p.name] ?? []).length)
          .map((p) => `${name(p)}: ${imp.bounds[p.name].join(' + ')}`)
      : [];
  const args = t.params.map(name);
  return `unsafe impl${declared.length ? `<${declared.join(', ')}>` : ''} ${imp.trait} for ${target}${args.length ? `<${args.join(', ')}>` : ''}${where.length ? ` where ${where.join(', ')}` : ''} {}`;
}

function renderAlias(program: GProgram, a: GAlias): string {
  return `pub type ${a.name}${a.params.length ? `<${a.params.join(', ')}>` : ''} = ${renderTy(program, a.ty, a.module)};`;
}

export function renderProgram(program: GProgram): string {
  const lines = new Map<string, string[]>();
  const add = (m: string, s: string) => lines.set(m, [...(lines.get(m) ?? []), s]);
  for (const a of program.aliases) add(a.module, renderAlias(program, a));
  for (const t of program.types) add(t.module, renderType(program, t));
  for (const imp of program.impls) add(imp.module, renderImpl(program, imp));
  const renderModule = (path: string, indent: string): string => {
    const own = (lines.get(path) ?? []).map((l) => `${indent}${l}`);
    const children = program.modules.filter(
      (m) => m.startsWith(path ? `${path}::` : '') && m.split('::').length === (path ? path.split('::').length + 1 : 1),
    );
    const nested = children.map(
      (c) =>
        `${indent}pub mod ${c.split('::').pop()} {\n${indent}    use super::*;\n${renderModule(c, `${indent}    `)}${indent}}\n`,
    );
    return `${own.map((l) => `${l}\n`).join('')}${nested.join('')}`;
  };
  return `// generated: seed ${program.seed}\n${HEADER}\n${renderModule('', '')}`;
}

export function declsOf(program: GProgram): TypeDecl[] {
  return program.types.map((t) => ({
    name: t.name,
    path: t.module ? `${t.module}::${t.name}` : t.name,
    module: t.module,
    kind: t.kind,
    params: t.params.map((p): GenericParam =>
      p.kind === 'const' ? { kind: 'const', name: p.name, type: 'usize' } : { kind: p.kind, name: p.name },
    ),
    inFunction: false,
    line: 0,
  }));
}

export function renderGenerated(program: GProgram): GeneratedProgram {
  const source = renderProgram(program);
  return { model: program, source, decls: declsOf(program) };
}
