// missing-bound: a generic `unsafe impl Send/Sync` that lets a parameter cross threads without
// the bound it needs. What each field needs of a parameter `T` (NeedWalker):
// - held by value, in `Box`/`Vec`/..., or behind a pointer the type manages (`*mut T`,
//   `NonNull<T>`, `AtomicPtr<T>`): `Send` needs `T: Send`, `Sync` needs `T: Sync`;
// - behind `*const T`: `Send` is satisfied by `T: Send` or `T: Sync` (owned or borrowed);
// - behind `&T`: `T: Sync` for both; behind `&mut T`: as by value;
// - in a cell (`UnsafeCell<T>`, `Cell<T>`, ...), the shape of a lock: `Sync` needs `T: Send`;
// - in a crate type: through its fields (its `&self` API for `Sync`), or its own impl's bounds;
// - in `PhantomData`: a declared borrow (`PhantomData<&'a T>`) acts as `&T`; other markers only
//   count when the type's API takes or hands out a `T` (a marker alone is flagged only by noisy
//   checkers);
// - in a trait object without the auto trait, filled by a method taking any `F: Trait`: the
//   bound goes on `F`.
// For `Sync`, a parameter the type's `&self` API mentions is judged by that API instead
// (sync-api.ts: handing out `&T` needs `T: Sync`, moving `T` in or out needs `T: Send`); the
// fields decide for the others. Designs that enforce the bound another way (exemptions.ts) are
// reported as reviewed, for the hover, not as warnings.
// The fix adds the bound to the impl's generics (insertion only; an existing `where` clause for
// the parameter gets it instead), or to the storing method's `F`.
import { attributesOf, nodesOfType, type SyntaxNode } from '../syntax/parser';
import { autoAtom, type AutoTrait } from '../model/conditions';
import { tyChildren, type Ty } from '../model/resolve';
import type { Solution } from '../traits/infer';
import type { TypeDef } from '../model/lower';
import { isAllowed, type RuleContext, type UnsafeImpl } from './context';
import { enforcedElsewhere, lockKeepingFields, untouchedFields } from './exemptions';
import type { Fix, Hit, Insertion, Rule } from './rule';
import {
  derefTargetIndex,
  heldThroughApi,
  storedGenerics,
  syncApiNeeds,
  unreachableThroughShared,
  type StoredGeneric,
} from './sync-api';
import { hasWord } from '../syntax/words';

interface Need {
  param: string;
  /** Any one of these bounds is enough. */
  options: AutoTrait[];
  how: string;
}

const CELLS = new Set(['std::cell::Cell', 'std::cell::RefCell', 'std::cell::UnsafeCell', 'std::cell::OnceCell']);
/** Pointers a type manages itself: they hold their pointee as `*mut T` does, whatever their own auto traits say. */
const OWNING_POINTERS = new Set(['std::ptr::NonNull', 'std::sync::atomic::AtomicPtr']);

/** A trait object without the auto trait, reached through the fields: whatever is stored there crosses too. */
interface DynUse {
  /** `dyn FnOnce() + 'a`, as written. */
  text: string;
  /** The types of this file whose fields lead to it (their impls may store into it). */
  holders: TypeDef[];
  /** Behind a raw pointer (`*mut dyn Future`): a type-erased value whose constructor decides. */
  erased: boolean;
}

/**
 * What a field type needs of the type's parameters for `trait`, walking through the std table,
 * owning pointers, markers and the crate's own types. A crate type with its own manual impl is
 * taken at its word (its impl is checked where it is written); one without is looked through, so
 * a parameter behind `Arc<Inner<T>>` or `*mut Block<T>` is found where it is really held.
 */
class NeedWalker {
  readonly dyns: DynUse[] = [];
  private readonly open: TypeDef[] = [];
  private inCell = 0;
  private behindPointer = 0;

  constructor(private readonly ctx: RuleContext) {}

  needs(ty: Ty, trait: AutoTrait, how: string, depth = 0): Need[] {
    if (depth > 20) return [];
    const rec = (t: Ty, tr: AutoTrait, h = how) => this.needs(t, tr, h, depth + 1);
    switch (ty.k) {
      case 'param':
        return [{ param: ty.name, options: [trait], how }];
      case 'ptr': {
        const inner = this.pointee(trait, () =>
          rec(ty.inner, trait, `holds a \`${ty.inner.text}\` behind \`${ty.text}\``),
        );
        return ty.mut || trait === 'Sync'
          ? inner
          : inner.map((n) => ({ ...n, options: [...new Set<AutoTrait>([...n.options, 'Sync'])] }));
      }
      case 'ref':
        return rec(
          ty.inner,
          trait === 'Send' && ty.mut ? 'Send' : 'Sync',
          `gives access to \`${ty.inner.text}\` through \`${ty.text}\``,
        );
      case 'seq':
        return rec(ty.inner, trait);
      case 'tuple':
        return ty.elems.flatMap((e) => rec(e, trait));
      case 'dyn': {
        const fact = trait === 'Send' ? ty.send : ty.sync;
        if (fact.holds !== true)
          this.dyns.push({ text: ty.text, holders: [...this.open], erased: this.behindPointer > 0 });
        return [];
      }
      case 'known': {
        const path = ty.known.path;
        const arg = ty.args[0];
        if (path === 'std::marker::PhantomData') return arg ? this.declared(arg, trait, depth) : [];
        if (OWNING_POINTERS.has(path))
          return arg ? this.pointee(trait, () => rec(arg, trait, `holds a \`${arg.text}\` behind \`${ty.text}\``)) : [];
        if (CELLS.has(path)) {
          if (!arg) return [];
          this.inCell++;
          const inner = rec(
            arg,
            'Send',
            `holds a \`${arg.text}\` in \`${ty.text}\`, which threads sharing it can replace`,
          );
          this.inCell--;
          return inner;
        }
        if (path === 'std::rc::Rc' || path === 'std::rc::Weak')
          return arg ? [...rec(arg, 'Send'), ...rec(arg, 'Sync')] : [];
        const rule = ty.known[trait === 'Send' ? 'send' : 'sync'];
        if (typeof rule === 'string') return [];
        // Arguments past the table's parameters (`HashMap<K, V, S>`'s hasher, an allocator) need
        // the same trait, as the verdicts take them (and as std's impls ask).
        return [
          ...rule.flatMap((a) => {
            const i = ty.known.params.indexOf(a.param);
            return ty.args[i] ? rec(ty.args[i], a.trait) : [];
          }),
          ...ty.extra.flatMap((e) => rec(e, trait)),
        ];
      }
      case 'adt':
        return this.throughAdt(ty, trait, how, depth);
      default:
        return [];
    }
  }

  /**
   * What a pointer's pointee needs. In a field of the type itself the pointer owns it (`*mut T`,
   * `NonNull<T>`, `AtomicPtr<T>`). Behind a type reached through another (`Arc<Inner<T>>`),
   * sharing hands out only the pointer: what threads do with the pointee is that type's unsafe
   * code's business, so `Sync` asks nothing there (moving it, `Send`, still does). Pointers
   * stored in a cell (`UnsafeCell<*mut Node<T>>`, intrusive links) link to data owned elsewhere.
   */
  private pointee(trait: AutoTrait, inner: () => Need[]): Need[] {
    if (this.inCell > 0) return [];
    if (trait === 'Sync' && this.open.length > 0) return [];
    this.behindPointer++;
    try {
      return inner();
    } finally {
      this.behindPointer--;
    }
  }

  /**
   * Inside `PhantomData`, only a declared borrow says what the type holds: `PhantomData<&'a T>`
   * acts as a `&T` (`T: Sync` for either trait), `PhantomData<&'a mut T>` as a `T`. The check
   * keeps these for parameters no other field holds; other markers (`PhantomData<T>`) are judged
   * with the type's API (sync-api.ts, heldThroughApi).
   */
  private declared(ty: Ty, trait: AutoTrait, depth: number): Need[] {
    if (ty.k === 'tuple') return ty.elems.flatMap((e) => this.declared(e, trait, depth));
    if (ty.k !== 'ref') return [];
    const how = `declares a borrow \`${ty.text}\` in a \`PhantomData\``;
    return this.needs(ty.inner, ty.mut ? trait : 'Sync', how, depth + 1);
  }

  /**
   * A crate type with its own manual impl is taken at its word (that impl is checked where it
   * is written); one without is looked through: its `&self` API decides for `Sync` where it
   * mentions a parameter, its fields for the rest.
   */
  private throughAdt(ty: Extract<Ty, { k: 'adt' }>, trait: AutoTrait, how: string, depth: number): Need[] {
    if (this.open.includes(ty.def)) return [];
    const inner = this.solution.manualImpls.some((m) => m.def === ty.def && m.trait === trait)
      ? this.declaredByImpl(ty, trait, how)
      : this.lookThrough(ty, trait, depth);
    return inner.flatMap((n) => {
      const arg = ty.args.get(n.param);
      if (!arg) return [];
      if (arg.k === 'param') return [{ ...n, param: arg.name }];
      // Any one option is enough: each parameter inside the argument may take any of them.
      const each = n.options.map((o) => this.needs(arg, o, n.how, depth + 1));
      return each[0].map((first) => ({
        ...first,
        options: [
          ...new Set(each.flatMap((list) => list.filter((x) => x.param === first.param).flatMap((x) => x.options))),
        ],
      }));
    });
  }

  /**
   * A type's own manual impl, taken at its word but not beyond: a parameter it bounds by
   * `Send + Sync` needs one of the two here (crossbeam's `Atomic<T>` asks both of every `T`,
   * more than a queue owning its nodes through it needs).
   */
  private declaredByImpl(ty: Extract<Ty, { k: 'adt' }>, trait: AutoTrait, how: string): Need[] {
    const v = this.solution.verdict(ty.def, trait);
    if (v.status !== 'conditional') return [];
    const byParam = new Map<string, AutoTrait[]>();
    for (const a of v.requires) if (a.kind === 'auto') byParam.set(a.param, [...(byParam.get(a.param) ?? []), a.trait]);
    return [...byParam].map(([param, options]) => ({ param, options, how }));
  }

  private lookThrough(ty: Extract<Ty, { k: 'adt' }>, trait: AutoTrait, depth: number): Need[] {
    const api = trait === 'Sync' ? syncApiNeeds(this.ctx, ty.def) : [];
    const fromApi: Need[] = api.map((n) => ({
      param: n.param,
      options: [n.need],
      how: `reaches \`${ty.text}\`, where ${n.why}`,
    }));
    this.open.push(ty.def);
    const fromFields = this.solution.fieldTypes(ty.def).flatMap((f) =>
      this.needs(f.ty, trait, `holds a \`${f.ty.text}\``, depth + 1)
        .filter((n) => !api.some((a) => a.param === n.param))
        .map((n) => ({ ...n, how: `reaches \`${ty.text}\`, whose field \`${f.name}\` ${n.how}` })),
    );
    this.open.pop();
    return [...fromApi, ...fromFields];
  }

  private get solution(): Solution {
    return this.ctx.solution;
  }
}

export const missingBound = {
  code: 'missing-bound',
  title: 'generic unsafe impl Send/Sync without the bound it needs',
  help: "A generic `unsafe impl<T> Send/Sync` without `T: Send`/`T: Sync` lets a non-thread-safe `T` cross threads. For `Sync` the bound follows from the type's `&self` methods: handing out `&T` needs `T: Sync`, moving a `T` in or out needs `T: Send`.",
  defaultLevel: 'warning',
  check(ctx: RuleContext): Hit[] {
    const findings: Hit[] = [];
    for (const u of ctx.unsafeImpls) {
      const m = u.manual;
      const def = u.def;
      if (!m || !def || m.rename.size === 0 || isAllowed(u, 'missing-bound')) continue;
      const toImplParam = new Map([...m.rename].map(([implName, defName]) => [defName, implName]));
      const fields = ctx.solution.fieldTypes(def);
      // Parameters only in markers (`PhantomData<T>`) are held when the API says so; otherwise
      // they are markers and not flagged (the noisy checkers' mistake).
      const held = new Set(fields.flatMap((f) => heldParams(f.ty)));
      // A `where` predicate on a type rather than a parameter (`where OnceCell<T>: Sync`,
      // `where A::Item: Send`) may imply any bound on the parameters it mentions: not flagged.
      const covered = new Set<string>();
      for (const w of u.impl.generics.where) {
        if (w.left.type === 'type_identifier' || w.left.type === 'lifetime') continue;
        for (const [implName, defName] of m.rename) if (hasWord(w.left.text, implName)) covered.add(defName);
      }
      const heldBy = new Map<string, string[]>();
      for (const f of fields) for (const p of heldParams(f.ty)) heldBy.set(p, [...(heldBy.get(p) ?? []), f.name]);
      const missing: { param: string; trait: AutoTrait; why: string }[] = [];
      const need = (param: string, options: AutoTrait[], why: string, viaApi = false) => {
        if (!toImplParam.has(param) || (!held.has(param) && !viaApi) || covered.has(param)) return;
        if (options.some((o) => m.provided.has(autoAtom(param, o)))) return;
        if (missing.some((x) => x.param === param && x.trait === options[0])) return;
        missing.push({ param, trait: options[0], why });
      };
      const shown = (param: string) => toImplParam.get(param) ?? param;
      // For Sync, the `&self` API decides for the parameters it mentions; the fields for the rest.
      const api = u.trait === 'Sync' ? syncApiNeeds(ctx, def) : [];
      const unreachable = u.trait === 'Sync' ? unreachableThroughShared(ctx, def, heldBy) : new Set<string>();
      for (const n of api)
        need(n.param, [n.need], `${n.why}, so \`Sync\` needs \`${shown(n.param)}: ${n.need}\``, true);
      const onlyInMarkers = markerOnlyParams(def);
      if (u.trait === 'Send') {
        for (const n of heldThroughApi(ctx, def).filter((x) => onlyInMarkers.has(x.param)))
          need(n.param, ['Send'], `${n.why}, so \`Send\` needs \`${shown(n.param)}: Send\``, true);
      }
      const walker = new NeedWalker(ctx);
      const stored: { why: string; entry?: StoredGeneric }[] = [];
      const untouched = untouchedFields(ctx, def);
      const inert: { param: string; field: string }[] = [];
      const guarded = new Map(fields.map((f) => [f.name, guardedValue(f.ty)]));
      const locks = lockKeepingFields(ctx, def, (field) => guarded.get(field) !== undefined);
      const lockOnly: { param: string; field: string; value: string }[] = [];
      for (const { name, ty } of fields) {
        const seen = walker.dyns.length;
        const marker = ty.k === 'known' && ty.known.path === 'std::marker::PhantomData';
        const split = u.trait === 'Send' && splitBorrow(def, name);
        for (const n of walker.needs(ty, u.trait, `holds a \`${ty.text}\``)) {
          if (api.some((a) => a.param === n.param) || unreachable.has(n.param)) continue;
          // A marker speaks for a parameter only when no real field holds it.
          if (marker && !onlyInMarkers.has(n.param)) continue;
          if (untouched.has(name)) {
            if (!n.options.some((o) => m.provided.has(autoAtom(n.param, o))))
              inert.push({ param: n.param, field: name });
            continue;
          }
          const value = locks.has(name) ? guarded.get(name) : undefined;
          if (value && heldParams(value).includes(n.param)) {
            if (toImplParam.has(n.param) && !n.options.some((o) => m.provided.has(autoAtom(n.param, o))))
              lockOnly.push({ param: n.param, field: name, value: value.text });
            continue;
          }
          need(
            n.param,
            split ? [...new Set<AutoTrait>([...n.options, 'Send'])] : n.options,
            `field \`${name}: ${ty.text}\` ${n.how}, so \`${u.trait}\` needs \`${shown(n.param)}: ${n.options[0]}\``,
          );
        }
        // A trait object without the auto trait is sound only if nothing unbounded is stored in it.
        for (const d of walker.dyns.slice(seen)) {
          const principal = /\bdyn\s+(?:[\w:]+::)?(\w+)/.exec(d.text)?.[1];
          if (!principal) continue;
          const through = d.holders.length ? `reaches ${d.holders.map((h) => `\`${h.name}\``).join(', ')}, which ` : '';
          const entries = storedGenerics(ctx, [def, ...d.holders], principal, u.trait);
          const holds = `field \`${name}: ${ty.text}\` ${through}holds a \`${d.text}\` without \`${u.trait}\``;
          // Every way in requires the auto trait: the object has it, whatever its type says.
          if (entries.length > 0 && entries.every((e) => e.guarded)) continue;
          // With no way in seen, a boxed object sent away is flagged; an object shared (`Sync`,
          // which `&self` may never reach) or type-erased behind a pointer is its constructor's
          // business.
          if (entries.length === 0 && u.trait === 'Send' && !d.erased && !stored.some((x) => x.why.startsWith(holds)))
            stored.push({
              why: `${holds}: whatever is stored there goes with the value (\`${d.text} + ${u.trait}\` says so)`,
            });
          for (const entry of entries.filter((e) => !e.guarded)) {
            if (stored.some((x) => x.entry?.boundsNode.id === entry.boundsNode.id)) continue;
            stored.push({ entry, why: `${holds}, and ${entry.sig} stores any \`${entry.name}: ${entry.bounds}\`` });
          }
        }
      }
      // Values the type never touches need no bound: said in the hover, not warned about.
      if (inert.length > 0) {
        const params = [...new Set(inert.map((x) => `\`${shown(x.param)}\``))].join(', ');
        const fieldsText = [...new Set(inert.map((x) => `\`${x.field}\``))].join(', ');
        findings.push({
          message: `\`unsafe impl ${u.trait} for ${u.typeText}\` asks nothing of ${params} for ${fieldsText}, and rightly: ${fieldsText} hold${inert.length === 1 ? 's' : ''} the value as \`ManuallyDrop\` and none of \`${def.name}\`'s own methods reach it, so whoever takes the value out answers for it`,
          range: u.range,
          typePath: def.path,
          fixes: [],
          reviewed: true,
        });
      }
      // A guard kept only to hold a lock moves the lock, not the value: said in the hover.
      if (lockOnly.length > 0) {
        const params = [...new Set(lockOnly.map((x) => `\`${shown(x.param)}\``))].join(', ');
        const held = [...new Set(lockOnly.map((x) => `\`${x.field}\` (a lock on a \`${x.value}\`)`))].join(', ');
        findings.push({
          message: `\`unsafe impl ${u.trait} for ${u.typeText}\` asks nothing of ${params} for ${held}, and rightly: the guard only keeps the lock held; no code of the file reads the value through it, each use moves the guard on whole, so the value does not go with \`${def.name}\``,
          range: u.range,
          typePath: def.path,
          fixes: [],
          reviewed: true,
        });
      }
      if (missing.length === 0 && stored.length === 0) continue;
      const byParam = new Map<string, AutoTrait[]>();
      for (const x of missing) byParam.set(x.param, [...(byParam.get(x.param) ?? []), x.trait]);
      const bounds = [...byParam].map(([param, traits]) => ({
        implParam: toImplParam.get(param)!,
        traits: (['Send', 'Sync'] as const).filter((t) => traits.includes(t)),
      }));
      const verb = u.trait === 'Send' ? 'sent to another thread' : 'shared between threads';
      const fixes: Fix[] = [];
      const parts: string[] = [];
      if (bounds.length > 0) {
        const shownBounds = bounds.map((b) => `\`${b.implParam}: ${b.traits.join(' + ')}\``).join(', ');
        const example = `\`${u.typeText}\` with a non-thread-safe ${bounds.map((b) => `\`${b.implParam}\``).join(' or ')}`;
        parts.push(
          `needs ${shownBounds}: ${missing.map((x) => x.why).join('; ')}. Without it, ${example} can be ${verb}`,
        );
        const insertions = bounds
          .map((b) => boundInsertion(u, b.implParam, b.traits))
          .filter((x): x is Insertion => x !== undefined);
        if (insertions.length === bounds.length) fixes.push({ title: `Add ${shownBounds} to the impl`, insertions });
      }
      if (stored.length > 0) {
        const entries = stored.flatMap((x) => (x.entry ? [x.entry] : []));
        const names = entries.map((e) => `\`${e.name}\``).join(', ');
        parts.push(
          `${bounds.length > 0 ? 'also ' : ''}lets a value that is not \`${u.trait}\` be ${verb} inside it: ${stored.map((x) => x.why).join('; ')}${entries.length > 0 ? `. Add \`${u.trait}\` to the bounds of ${names}` : ''}`,
        );
        if (entries.length > 0)
          fixes.push({
            title: `Add \`${u.trait}\` to the bounds of ${names}`,
            insertions: entries.map((e) => after(e.boundsNode, ` + ${u.trait}`)),
          });
      }
      // A design that enforces the bound another way: the hover says so instead of a warning.
      const shownBounds = bounds.map((b) => `\`${b.implParam}: ${b.traits.join(' + ')}\``).join(', ');
      const elsewhere =
        u.trait === 'Send' && allowsNonSendFields(u.impl.node)
          ? "the impl allows clippy's `non_send_fields_in_send_ty`: its author reviewed what it sends"
          : bounds.length > 0
            ? enforcedElsewhere(
                ctx,
                def,
                shownBounds,
                // A value stored behind a `dyn` is not one of the parameters a constructor bounds.
                stored.length > 0 ? [] : [...byParam].map(([param, traits]) => ({ param, traits })),
              )
            : undefined;
      findings.push({
        message: `\`unsafe impl ${u.trait} for ${u.typeText}\` ${parts.join('; ')}${elsewhere ? `. Not flagged: ${elsewhere}` : ''}`,
        range: u.range,
        typePath: def.path,
        fixes: elsewhere ? [] : fixes,
        ...(elsewhere ? { reviewed: true as const } : {}),
      });
    }
    return findings;
  },
} satisfies Rule<'missing-bound'>;

/**
 * `#[allow(clippy::non_send_fields_in_send_ty)]` on the impl: clippy's lint for the same concern
 * (fields, and parameters without `Send`, sent by an `unsafe impl Send`), silenced where it is
 * written, so the author has answered it (sysinfo's `Wrap<T>`, for its parallel iterations).
 */
function allowsNonSendFields(impl: SyntaxNode): boolean {
  return attributesOf(impl).some((a) => /\ballow\s*\([^)]*\bclippy::non_send_fields_in_send_ty\b/.test(a));
}

const GUARD_WRAPPERS = new Set(['std::sync::Arc', 'std::boxed::Box', 'std::option::Option']);

/**
 * The value a lock guard field guards: `HashMap<K, V, S>` of `RwLockReadGuard<'a, HashMap<K, V,
 * S>>`, also in an `Arc`, `Box` or `Option`; undefined for other types. A guard is one of std's
 * (`std::sync::..Guard`) or a type named `..Guard` whose `Deref` impl names one of its parameters
 * as `Target` (lock_api's `RwLockReadGuard<'a, R, T>`: `T`; spin's `<'a, T, R>`: `T` too).
 */
function guardedValue(ty: Ty): Ty | undefined {
  if (ty.k === 'known' && GUARD_WRAPPERS.has(ty.known.path)) return ty.args[0] && guardedValue(ty.args[0]);
  if (ty.k === 'known' && /^std::sync::(?:\w+::)?\w*Guard$/.test(ty.known.path)) return ty.args[ty.args.length - 1];
  if (ty.k === 'adt' && ty.def.name.endsWith('Guard')) {
    const target = derefTarget(ty.def);
    return target === undefined ? undefined : ty.args.get(target);
  }
  return undefined;
}

const derefTargets = new WeakMap<TypeDef, string | null>();

/** The parameter of `def` that its `impl Deref` names as `Target`, if any (found in `def`'s file). */
function derefTarget(def: TypeDef): string | undefined {
  let known = derefTargets.get(def);
  if (known === undefined) {
    const impls = nodesOfType(def.node.tree.rootNode, 'impl_item').flatMap((node) => {
      const typeNode = node.childForFieldName('type');
      return typeNode ? [{ node, typeNode, traitNode: node.childForFieldName('trait') }] : [];
    });
    const at = derefTargetIndex(impls, def.name);
    known = at === undefined ? null : (def.generics.params.filter((p) => p.kind === 'type')[at]?.name ?? null);
    derefTargets.set(def, known);
  }
  return known ?? undefined;
}

/** The parameters a field type holds: outside `PhantomData`, or in it behind a declared borrow (`PhantomData<&'a T>`). */
function heldParams(ty: Ty, marker = false): string[] {
  if (ty.k === 'param') return marker ? [] : [ty.name];
  if (ty.k === 'known' && ty.known.path === 'std::marker::PhantomData')
    return tyChildren(ty).flatMap((c) => heldParams(c, true));
  if (marker && ty.k === 'ref') return heldParams(ty.inner, false);
  return tyChildren(ty).flatMap((c) => heldParams(c, marker));
}

/**
 * `hash_builder: &'a S` beside `table: &'a mut RawTable<..>`: both borrowed out of one `&'a mut`
 * borrow of a parent (an entry API), so nothing else reaches `S` meanwhile and the shared
 * reference acts as `&'a mut S`: `Send` is content with `S: Send` as well as `S: Sync`.
 */
function splitBorrow(def: TypeDef, field: string): boolean {
  const f = def.fields.find((x) => x.name === field);
  const lifetime = f && /^&\s*('\w+)\s+(?!mut\b)/.exec(f.typeNode.text)?.[1];
  if (!lifetime) return false;
  const exclusive = new RegExp(`^&\\s*${lifetime}\\s+mut\\b`);
  return def.fields.some((x) => x.name !== field && exclusive.test(x.typeNode.text));
}

/** The type parameters the fields mention only inside `PhantomData<...>` (or in projections), read from the source text. */
function markerOnlyParams(def: TypeDef): Set<string> {
  const outside = def.fields.map((f) => stripMarkers(f.typeNode.text)).join(' ');
  const all = def.fields.map((f) => f.typeNode.text).join(' ');
  const out = new Set<string>();
  for (const p of def.generics.params) {
    if (p.kind !== 'type') continue;
    // `T::Pointer` is a projection, not a `T` held.
    const held = (text: string) => hasWord(text, p.name, (after) => !/^\s*::/.test(after));
    if (held(all) && !held(outside)) out.add(p.name);
  }
  return out;
}

/** `Foo<T>, PhantomData<(K, V)>` -> `Foo<T>, ` (balanced angle brackets). */
function stripMarkers(text: string): string {
  let out = '';
  let i = 0;
  for (let at = text.indexOf('PhantomData', i); at >= 0; at = text.indexOf('PhantomData', i)) {
    out += text.slice(i, at);
    let j = at + 'PhantomData'.length;
    while (/\s/.test(text[j] ?? '')) j++;
    if (text[j] !== '<') {
      out += 'PhantomData';
      i = at + 'PhantomData'.length;
      continue;
    }
    let depth = 0;
    for (; j < text.length; j++) {
      if (text[j] === '<') depth++;
      else if (text[j] === '>' && text[j - 1] !== '-' && --depth === 0) break;
    }
    i = j + 1;
  }
  return out + text.slice(i);
}

/** `T` -> `T: Send`, `T: Clone` -> `T: Clone + Send`, or the same on the parameter's where predicate. */
function boundInsertion(u: UnsafeImpl, implParam: string, traits: readonly AutoTrait[]): Insertion | undefined {
  const p = u.impl.generics.params.find((x) => x.name === implParam);
  if (!p) return undefined;
  const trait = traits.join(' + ');
  const pred = u.impl.generics.where.find((w) => w.left.text === implParam && w.bounds.length > 0);
  if (p.bounds.length === 0 && pred) return after(pred.bounds[pred.bounds.length - 1], ` + ${trait}`);
  const nameNode: SyntaxNode | null = p.node.childForFieldName('name') ?? p.node;
  const boundsNode = p.node.childForFieldName('bounds');
  if (boundsNode) return after(boundsNode, ` + ${trait}`);
  return after(nameNode, `: ${trait}`);
}

function after(node: SyntaxNode, text: string): Insertion {
  return { position: { line: node.endPosition.row, character: node.endPosition.column }, text };
}
