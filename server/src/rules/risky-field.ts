// risky-field: a field whose hazard an `unsafe impl Send/Sync` leaves uncovered, judged by what the
// field is, not by how the SAFETY comment is worded. Of the fields the compiler objected to (their
// own type is not Send/Sync), these are hazards that no bound on the impl can cover:
// - an `Rc` or `rc::Weak`, under Send or Sync: its reference count is not atomic, so a clone left
//   behind races with the one that moved; quiet only when the field is private, no method of the
//   file clones it, and the SAFETY comment names it (the author's word that it never escapes);
// - a `Cell`, `RefCell`, `UnsafeCell` or `OnceCell` under Sync, when nothing in the type
//   synchronizes (no atomic, lock, once-cell or channel anywhere in its fields, the type not
//   itself named as one, no parameter bounded by a lock trait) and a `&self` method of the file
//   writes the field: two threads can then write it at once;
// - a reference to such a cell under Send: whoever kept the other reference writes it at once;
// - a std lock guard under Send: it must be released on the thread that locked it.
// Raw pointers, `NonNull`, references to a parameter and trait objects are left to `missing-bound`
// (a parameter without its bound) and to the SAFETY comment: a pointer's safety is a contract only
// a human can state, so a documented impl with the right bounds gets nothing.
import type { TypeDef } from '../model/lower';
import type { AutoTrait } from '../model/report';
import type { Ty } from '../model/resolve';
import { tyChildren } from '../model/resolve';
import { commentNamesField, isAllowed, nodeRange, type RuleContext, type UnsafeImpl } from './context';
import type { Hit, Related, Rule } from './rule';

type Hazard = 'rc' | 'cell' | 'shared-cell' | 'guard';

const RC = new Set(['std::rc::Rc', 'std::rc::Weak']);
const CELLS = new Set(['std::cell::Cell', 'std::cell::RefCell', 'std::cell::UnsafeCell', 'std::cell::OnceCell']);
const GUARDS = new Set([
  'std::sync::MutexGuard',
  'std::sync::RwLockReadGuard',
  'std::sync::RwLockWriteGuard',
  'std::cell::Ref',
  'std::cell::RefMut',
]);
/** What synchronizes: std's atomics, locks, once-cells and channels, by path. */
const STD_SYNC = /^std::sync::(atomic::|Mutex$|RwLock$|Once$|OnceLock$|LazyLock$|Condvar$|Barrier$|mpsc::)/;
/** Other crates' types (or ones the analysis cannot resolve) named like a synchronizer. */
const SYNC_NAME = /(Atomic|Mutex|RwLock|Lock\b|Lock<|Once|Spin|Semaphore|Notify|Condvar|Barrier|Sender|Receiver)/;

export const riskyField = {
  code: 'risky-field',
  title: 'unsafe impl Send/Sync over a field whose hazard nothing covers',
  help: 'The impl promises thread safety over a field no bound can make safe: an `Rc` (its count is not atomic), a `Cell`/`RefCell`/`UnsafeCell` shared by `Sync` while nothing in the type synchronizes it, or a lock guard sent to another thread. Synchronize the field (an atomic, a lock), replace it (`Arc` for `Rc`), or drop the impl.',
  defaultLevel: 'warning',
  check(ctx: RuleContext): Hit[] {
    const findings: Hit[] = [];
    for (const u of ctx.unsafeImpls) {
      const def = u.def;
      if (!def || isAllowed(u, 'risky-field')) continue;
      const hazards = ctx.solution
        .fieldValues(def, u.trait)
        .filter((f) => f.value.status === 'no')
        .flatMap((f) => {
          const hazard = hazardOf(ctx, f.ty, u.trait, 0);
          return hazard ? [{ ...f, hazard }] : [];
        })
        .filter((f) => {
          if (f.hazard === 'cell') return !synchronized(ctx, u, def) && writtenThroughShared(ctx, u, def, f.field);
          if (f.hazard === 'rc') return rcEscapes(ctx, u, def, f.field) || !commentNamesField(u.safety.text, f.field);
          return true;
        });
      if (hazards.length === 0) continue;
      const why = hazards.map((f) => `field \`${f.field}: ${f.ty.text}\` ${HAZARD_TEXT[f.hazard](def.name)}`);
      const related: Related[] = hazards.flatMap((f) => {
        const field = def.fields.find((d) => d.name === f.field);
        const node = field?.typeNode.parent ?? field?.typeNode;
        return node ? [{ range: nodeRange(node), message: `\`${f.field}\`: ${HAZARD_TEXT[f.hazard](def.name)}` }] : [];
      });
      findings.push({
        message: `\`unsafe impl ${u.trait} for ${def.name}\` holds what no bound can make thread-safe: ${why.join('; ')}`,
        range: u.range,
        typePath: def.path,
        fixes: [],
        related,
      });
    }
    return findings;
  },
} satisfies Rule<'risky-field'>;

const HAZARD_TEXT: Record<Hazard, (owner: string) => string> = {
  rc: () => 'is an `Rc`, whose reference count is not atomic: a clone left on one thread races with this one',
  cell: (owner) =>
    `is written through \`&self\`, and nothing in \`${owner}\` synchronizes it (no atomic, lock or once-cell)`,
  'shared-cell': () => 'is a reference to a cell that its other holders can write at the same time',
  guard: () => 'is a lock guard, which must be released on the thread that locked it',
};

/** The uncoverable hazard that makes `ty` not `trait`, if it is one of those this rule knows. */
function hazardOf(ctx: RuleContext, ty: Ty, trait: AutoTrait, depth: number): Hazard | undefined {
  if (depth > 8 || ctx.solution.holds(ty, trait).status !== 'no') return undefined;
  switch (ty.k) {
    case 'known': {
      const path = ty.known.path;
      if (path === 'std::marker::PhantomData') return undefined;
      if (RC.has(path)) return 'rc';
      if (CELLS.has(path) && trait === 'Sync') return 'cell';
      if (GUARDS.has(path) && trait === 'Send') return 'guard';
      break;
    }
    case 'ref': {
      // `&T` is Send only if `T: Sync`: what makes `T` not Sync is the hazard; a cell behind a
      // shared reference has other holders, whatever the type's own methods do.
      const inner = hazardOf(ctx, ty.inner, ty.mut && trait === 'Send' ? 'Send' : 'Sync', depth + 1);
      return inner === 'cell' && !ty.mut ? 'shared-cell' : inner;
    }
    case 'adt':
      for (const f of ctx.solution.fieldTypes(ty.def)) {
        const h = hazardOf(ctx, f.ty, trait, depth + 1);
        if (h) return h;
      }
      return undefined;
    case 'ptr':
    case 'dyn':
    case 'unknown':
    case 'param':
      return undefined;
    default:
      break;
  }
  for (const child of tyChildren(ty)) {
    const h = hazardOf(ctx, child, trait, depth + 1);
    if (h) return h;
  }
  return undefined;
}

/**
 * Whether the type synchronizes its own cells: it is itself named as a synchronizer (`AtomicCell`,
 * a `Mutex` of its own), a field anywhere in it is one, or the impl bounds a parameter by a trait
 * that is not an auto trait (`R: RawMutex`: a lock the caller supplies).
 */
function synchronized(ctx: RuleContext, u: UnsafeImpl, def: TypeDef): boolean {
  if (SYNC_NAME.test(def.name)) return true;
  if (u.manual && [...u.manual.provided].some((a) => a.kind === 'bound' && !a.via)) return true;
  return synchronizes(ctx, def, new Set());
}

/** `&self` and `&'a self`. */
const SHARED_SELF = /^&\s*('\w+\s*)?self$/;

/** The methods of the file's impl blocks for `def` (inherent impls are no model items: read from the tree). */
function* methodsOf(
  ctx: RuleContext,
  u: UnsafeImpl,
  def: TypeDef,
): Generator<{ shared: boolean; locked: boolean; body: string }> {
  for (const { node: impl, body } of ctx.implsByType.get(def.name) ?? []) {
    if (impl.id === u.impl.node.id) continue;
    for (const fn of body?.namedChildren ?? []) {
      if (fn?.type !== 'function_item') continue;
      const params = fn.childForFieldName('parameters')?.namedChildren ?? [];
      const first = params[0];
      yield {
        shared: first?.type === 'self_parameter' && SHARED_SELF.test(first.text),
        locked: params.some((p) => p?.type === 'parameter' && LOCK_TOKEN.test(p.childForFieldName('type')?.text ?? '')),
        body: fn.childForFieldName('body')?.text ?? '',
      };
    }
  }
}

/**
 * A parameter that proves a global lock is held while the method runs: pyo3's `Python<'py>`, the
 * GIL token (`PyErr`'s `state: UnsafeCell<..>` is written only by methods taking one).
 */
const LOCK_TOKEN = /^(?:(?:pyo3|crate)::)?Python\s*(?:<\s*'\w+\s*>)?$/;

const isPublic = (def: TypeDef, field: string) =>
  def.fields.find((f) => f.name === field)?.typeNode.parent?.children.some((c) => c?.type === 'visibility_modifier') ===
  true;

/** `self.field` as a pattern (the last part of a variant's `Variant.field`). */
function selfField(field: string): string {
  const name = field.includes('.') ? field.slice(field.lastIndexOf('.') + 1) : field;
  return `self\\s*\\.\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`;
}

/**
 * Whether two threads sharing the value can write the cell: a `&self` method of the file writes it (`self.f.set(..)`, `.replace`, `.take`, `.swap`, `.borrow_mut()`,
 * `*self.f.get() = ..`, `ptr::write(self.f.get(), ..)`, `&mut *self.f.get()`) without a token of a
 * held global lock (LOCK_TOKEN). Reads only are fine.
 */
function writtenThroughShared(ctx: RuleContext, u: UnsafeImpl, def: TypeDef, field: string): boolean {
  const f = selfField(field);
  const write = new RegExp(
    [
      `\\b${f}\\s*\\.\\s*(set|replace|take|swap|borrow_mut|get_or_init|update)\\s*\\(`,
      `\\*\\s*${f}\\s*\\.\\s*get\\s*\\(\\s*\\)\\s*([-+*/%&|^]|<<|>>)?=(?!=)`,
      `\\bwrite\\w*\\s*\\(\\s*${f}\\s*\\.\\s*get\\s*\\(`,
      `&\\s*mut\\s*\\*\\s*${f}\\s*\\.\\s*get\\s*\\(`,
    ].join('|'),
  );
  for (const method of methodsOf(ctx, u, def))
    if (method.shared && !method.locked && write.test(method.body)) return true;
  return false;
}

/** Whether an `Rc` field can leave the value: it is public, or a method of the file clones it. */
function rcEscapes(ctx: RuleContext, u: UnsafeImpl, def: TypeDef, field: string): boolean {
  if (isPublic(def, field)) return true;
  const f = selfField(field);
  const clone = new RegExp(`\\b${f}\\s*\\.\\s*clone\\s*\\(|clone\\s*\\(\\s*&\\s*${f}`);
  for (const method of methodsOf(ctx, u, def)) if (clone.test(method.body)) return true;
  return false;
}

/** Whether any field of `def`, however deep, is a synchronizer (an atomic, a lock, a once-cell...). */
function synchronizes(ctx: RuleContext, def: TypeDef, seen: Set<TypeDef>): boolean {
  if (seen.has(def)) return false;
  seen.add(def);
  const visit = (ty: Ty): boolean => {
    if (ty.k === 'known' && STD_SYNC.test(ty.known.path)) return true;
    if (ty.k === 'adt' && (SYNC_NAME.test(ty.def.name) || synchronizes(ctx, ty.def, seen))) return true;
    if (ty.k === 'unknown' && SYNC_NAME.test(ty.text)) return true;
    return tyChildren(ty).some(visit);
  };
  return ctx.solution.fieldTypes(def).some((f) => visit(f.ty));
}
