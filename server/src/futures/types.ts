// What a local's value is, to the futures analysis (LocalTy), and the operations on types it
// needs without a type checker: binding a signature's parameters from what a call gives (unify),
// rebuilding a type part by part (mapTy), and the holes a call leaves to inference, filled by a
// later use (holesIn, fillHole, filled).
import type { SyntaxNode } from '../syntax/parser';
import type { Value } from '../traits/infer';
import type { Ty } from '../model/resolve';
import { someTy } from '../model/resolve';
import { PRIMITIVES } from '../model/known-types';
import { ioResultSpelledOut } from './std-methods';

/** What a local's value is: a type, a future of this file, or unknown and why. */
export type LocalTy =
  | { k: 'ty'; ty: Ty }
  /** `subst`: the type arguments of a generic `async fn` at this call, by parameter name. */
  | { k: 'future'; node: SyntaxNode; subst?: Map<string, LocalTy> }
  /**
   * A closure, or what is `Send` exactly when it is (`poll_fn(closure)`'s `PollFn<F>`): `send` is
   * read off its captures when the closure is walked, as rustc reads them at its creation. Also a
   * future made of others (`try_zip(a, b)`), `Send` when they are.
   */
  | {
      k: 'closure';
      node: SyntaxNode;
      send: Value;
      text: string;
      /** Whether dropping it runs code, where that is known (a `Drop` impl of the type holding the closure). */
      drops?: boolean;
      /** What calling it gives, where its body's value is typed (`move || data.len()`: `usize`). */
      output?: Ty;
      /** What awaiting it gives, for a future made of others (`try_zip(a, b)`), where that is read. */
      awaited?: Ty;
    }
  /**
   * `output`: what awaiting it gives, where the signature says so though the future is not known
   * (`-> impl Future<Output = Response>`).
   */
  | { k: 'unknown'; reason: string; output?: Ty };

/** Strips references: method calls and field reads see through them. */
export function derefAll(ty: Ty): Ty {
  let t = ty;
  while (t.k === 'ref') t = t.inner;
  return t;
}

/** Binds the type parameters of `written` (a parameter's declared type) from `given`, an argument's type. */
export function unify(written: Ty, given: Ty, out: Map<string, LocalTy>): void {
  if (written.k === 'param') {
    if (!out.has(written.name)) out.set(written.name, { k: 'ty', ty: given });
    return;
  }
  const param = ioResultSpelledOut(written);
  const arg = ioResultSpelledOut(given);
  const pairs: [Ty, Ty][] = [];
  if ((param.k === 'ref' || param.k === 'ptr' || param.k === 'seq') && arg.k === param.k)
    pairs.push([param.inner, arg.inner]);
  else if (param.k === 'known' && arg.k === 'known' && param.known.path === arg.known.path)
    param.args.forEach((p, i) => arg.args[i] && pairs.push([p, arg.args[i]]));
  else if (param.k === 'adt' && arg.k === 'adt' && param.def === arg.def)
    for (const [n, p] of param.args) {
      const a = arg.args.get(n);
      if (a) pairs.push([p, a]);
    }
  else if (param.k === 'tuple' && arg.k === 'tuple' && param.elems.length === arg.elems.length)
    param.elems.forEach((p, i) => pairs.push([p, arg.elems[i]]));
  for (const [p, a] of pairs) unify(p, a, out);
}

export function paramNames(ty: Ty): string[] {
  const out: string[] = [];
  someTy(ty, (t) => {
    if (t.k === 'param') out.push(t.name);
    return false;
  });
  return out;
}

/** `ty` with its parts rebuilt by `part` (undefined: kept, and looked into). */
export function mapTy(ty: Ty, part: (t: Ty) => Ty | undefined): Ty {
  const map = (t: Ty): Ty => {
    const replaced = part(t);
    if (replaced) return replaced;
    switch (t.k) {
      case 'adt': {
        const args = new Map([...t.args].map(([n, a]) => [n, map(a)] as const));
        return {
          ...t,
          args,
          text: `${t.def.name}${args.size ? `<${[...args.values()].map((a) => a.text).join(', ')}>` : ''}`,
        };
      }
      case 'known': {
        const args = t.args.map(map);
        const name = t.text.replace(/<.*$/s, '');
        return {
          ...t,
          args,
          extra: t.extra.map(map),
          text: args.length ? `${name}<${args.map((a) => a.text).join(', ')}>` : t.text,
        };
      }
      case 'ref':
      case 'ptr':
      case 'seq': {
        const inner = map(t.inner);
        return { ...t, inner, text: t.text.replace(t.inner.text, () => inner.text) };
      }
      case 'tuple': {
        const elems = t.elems.map(map);
        return { ...t, elems, text: `(${elems.map((e) => e.text).join(', ')}${elems.length === 1 ? ',' : ''})` };
      }
      default:
        return t;
    }
  };
  return map(ty);
}

/** `ty` with the parameters named in `by` replaced. */
export function replaceParams(ty: Ty, by: Map<string, Ty>): Ty {
  return mapTy(ty, (t) => (t.k === 'param' ? by.get(t.name) : undefined));
}

/** The holes of `ty` (see fnResult), each once. */
export function holesIn(ty: Ty): object[] {
  const out = new Set<object>();
  someTy(ty, (t) => {
    if (t.k === 'unknown' && t.hole) out.add(t.hole);
    return false;
  });
  return [...out];
}

/**
 * What each hole (see fnResult) was filled with by a later use (BodyWalk.fillHoles); null: filled
 * two ways, so not known. Read when a type is judged, after the walk.
 */
const holeFills = new WeakMap<object, Ty | null>();

/** Records what a use fills `hole` with; filled two ways, it is not known (null). */
export function fillHole(hole: object, ty: Ty): void {
  const before = holeFills.get(hole);
  holeFills.set(hole, before === undefined || before?.text === ty.text ? ty : null);
}

/** `ty` with its holes filled where a use filled them. */
export function filled(ty: Ty): Ty {
  if (holesIn(ty).length === 0) return ty;
  return mapTy(ty, (t) => (t.k === 'unknown' && t.hole ? (holeFills.get(t.hole) ?? undefined) : undefined));
}

/** `ty` with each `P::Output` of a parameter in `outputs` replaced by that output. */
export function withOutputs(ty: Ty, outputs: Map<string, Ty>): Ty {
  return mapTy(ty, (t) => {
    if (t.k === 'proj') return (t.assoc === 'Output' && !t.via ? outputs.get(t.param) : undefined) ?? t;
    if (t.k !== 'unknown') return undefined;
    // A parameter known only by name here (a signature's own `T`, its bounds not read).
    const param = /^(\w+)\s*::\s*Output$/.exec(t.text)?.[1];
    return (param !== undefined ? outputs.get(param) : undefined) ?? t;
  });
}

/**
 * Whether `x.field` of an `x` of type `t` reads the field in place: a field of the struct or tuple
 * itself, or behind references and `Box` (derefs the compiler does itself). Through any other
 * `Deref` (a guard, an `Rc`) it calls `deref(&x)`, a borrow of `x`; and a type not known may be such.
 */
export function readsInPlace(t: LocalTy, field: string): boolean {
  if (t.k !== 'ty') return false;
  let base = t.ty;
  for (let i = 0; i < 8; i++) {
    if (base.k === 'ref') base = base.inner;
    else if (base.k === 'known' && base.known.path === 'std::boxed::Box' && base.args[0]) base = base.args[0];
    else break;
  }
  if (base.k === 'tuple') return /^\d+$/.test(field);
  return base.k === 'adt' && base.def.kind === 'struct' && base.def.fields.some((f) => f.name === field);
}

/** How an impl's type fits a given one (see fitImpl). */
export type Fit = 'yes' | 'no' | 'maybe';

const SHAPES = new Set<Ty['k']>(['adt', 'known', 'plain', 'ref', 'ptr', 'seq', 'tuple']);

/** Whether a type is written out at its top (not a parameter, projection, trait object or unknown). */
export function shaped(t: Ty): boolean {
  return SHAPES.has(t.k);
}

/**
 * Whether `given` is an instance of `written`, a type of an impl over the impl's parameters
 * `params`, binding those in `out`: 'no' where the two differ in a part both know (another type,
 * another primitive, a type written out given a parameter of the caller's), 'maybe' where a part
 * of either is not known.
 */
export function fitImpl(written: Ty, given: Ty, params: ReadonlySet<string>, out: Map<string, Ty>): Fit {
  if (written.k === 'param' && params.has(written.name)) {
    const before = out.get(written.name);
    if (!before) out.set(written.name, given);
    return !before || before.text === given.text ? 'yes' : 'maybe';
  }
  const w = ioResultSpelledOut(written);
  const g = ioResultSpelledOut(given);
  // A parameter of the caller's stands for any type: rustc takes no impl for a type written out.
  if (shaped(w) && g.k === 'param') return 'no';
  if (!shaped(w) || !shaped(g)) return 'maybe';
  if (w.k !== g.k) return (w.k === 'plain' && !primitive(w)) || (g.k === 'plain' && !primitive(g)) ? 'maybe' : 'no';
  const all = (pairs: [Ty, Ty | undefined][]): Fit => {
    let fit: Fit = 'yes';
    for (const [p, a] of pairs) {
      const one = a ? fitImpl(p, a, params, out) : 'maybe';
      if (one === 'no') return 'no';
      if (one === 'maybe') fit = 'maybe';
    }
    return fit;
  };
  switch (w.k) {
    case 'adt':
      return g.k === 'adt' && g.def === w.def ? all([...w.args].map(([n, p]) => [p, g.args.get(n)])) : 'no';
    case 'known':
      return g.k === 'known' && g.known.path === w.known.path ? all(w.args.map((p, i) => [p, g.args[i]])) : 'no';
    case 'plain':
      if (w.text.replace(/\s+/g, '') === g.text.replace(/\s+/g, '')) return 'yes';
      return primitive(w) && primitive(g) ? 'no' : 'maybe';
    case 'ref':
    case 'ptr':
      return g.k === w.k && g.mut === w.mut ? all([[w.inner, g.inner]]) : 'no';
    case 'seq':
      // An array's length is not read: only slices are compared.
      return g.k === 'seq' && !w.text.includes(';') && !g.text.includes(';') ? all([[w.inner, g.inner]]) : 'maybe';
    case 'tuple':
      return g.k === 'tuple' && g.elems.length === w.elems.length ? all(w.elems.map((p, i) => [p, g.elems[i]])) : 'no';
    default:
      return 'maybe';
  }
}

function primitive(t: Ty): boolean {
  return t.text === '()' || PRIMITIVES.has(t.text);
}
