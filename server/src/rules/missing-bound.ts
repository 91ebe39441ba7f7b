// missing-bound: a generic `unsafe impl Send/Sync` that lets a parameter cross threads without
// the bound it needs. What each field needs of a parameter `T`:
// - held by value, in `Box`/`Vec`/..., or behind an owning pointer (`*mut T`, `NonNull<T>`):
//   `Send` needs `T: Send`, `Sync` needs `T: Sync`;
// - behind `*const T`: `Send` is satisfied by `T: Send` or `T: Sync` (owned or borrowed);
// - behind `&T`: `T: Sync` for both; behind `&mut T`: as by value;
// - in a cell (`UnsafeCell<T>`, `Cell<T>`, ...), the shape of a lock: `Sync` needs `T: Send`;
// - in `PhantomData<T>` only: nothing (a marker, flagged only by noisy checkers).
// For `Sync`, a parameter the type's `&self` API mentions is judged by that API instead
// (sync-api.ts: handing out `&T` needs `T: Sync`, moving `T` in or out needs `T: Send`); the
// fields decide for the others.
// The fix adds the bound to the impl's generics (insertion only; an existing `where` clause for
// the parameter gets it instead).
import type { SyntaxNode } from '../syntax/parser';
import { autoAtom, type AutoTrait } from '../model/conditions';
import { tyChildren, type Ty } from '../model/resolve';
import type { Solution } from '../traits/infer';
import { isAllowed, type RuleContext, type UnsafeImpl } from './context';
import type { Hit, Insertion, Rule } from './rule';
import { syncApiNeeds, unreachableThroughShared } from './sync-api';

interface Need {
  param: string;
  /** Any one of these bounds is enough. */
  options: AutoTrait[];
  how: string;
}

const CELLS = new Set(['std::cell::Cell', 'std::cell::RefCell', 'std::cell::UnsafeCell', 'std::cell::OnceCell']);

function needs(ty: Ty, trait: AutoTrait, solution: Solution, how: string, depth = 0): Need[] {
  if (depth > 20) return [];
  const rec = (t: Ty, tr: AutoTrait, h = how) => needs(t, tr, solution, h, depth + 1);
  switch (ty.k) {
    case 'param':
      return [{ param: ty.name, options: [trait], how }];
    case 'ptr': {
      const inner = rec(ty.inner, trait, `holds a \`${ty.inner.text}\` behind \`${ty.text}\``);
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
    case 'known': {
      const path = ty.known.path;
      const arg = ty.args[0];
      if (path === 'std::marker::PhantomData') return [];
      if (path === 'std::ptr::NonNull')
        return arg ? rec(arg, trait, `holds a \`${arg.text}\` behind \`${ty.text}\``) : [];
      if (CELLS.has(path))
        return arg
          ? rec(arg, 'Send', `holds a \`${arg.text}\` in \`${ty.text}\`, which threads sharing it can replace`)
          : [];
      if (path === 'std::rc::Rc' || path === 'std::rc::Weak')
        return arg ? [...rec(arg, 'Send'), ...rec(arg, 'Sync')] : [];
      const rule = ty.known[trait === 'Send' ? 'send' : 'sync'];
      if (typeof rule === 'string') return [];
      return rule.flatMap((a) => {
        const arg = ty.args[ty.known.params.indexOf(a.param)];
        return arg ? rec(arg, a.trait) : [];
      });
    }
    case 'adt': {
      const v = solution.verdict(ty.def, trait);
      if (v.status !== 'conditional') return [];
      return v.requires.flatMap((a) => {
        const arg = a.kind === 'auto' ? ty.args.get(a.param) : undefined;
        return arg && a.kind === 'auto' ? rec(arg, a.trait) : [];
      });
    }
    default:
      return [];
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
      // Parameters only in `PhantomData` are markers: not flagged (the noisy checkers' mistake).
      const held = new Set(fields.flatMap((f) => heldParams(f.ty)));
      // A `where` predicate on a type rather than a parameter (`where OnceCell<T>: Sync`,
      // `where A::Item: Send`) may imply any bound on the parameters it mentions: not flagged.
      const covered = new Set<string>();
      for (const w of u.impl.generics.where) {
        if (w.left.type === 'type_identifier' || w.left.type === 'lifetime') continue;
        for (const [implName, defName] of m.rename)
          if (new RegExp(`\\b${implName}\\b`).test(w.left.text)) covered.add(defName);
      }
      const heldBy = new Map<string, string[]>();
      for (const f of fields) for (const p of heldParams(f.ty)) heldBy.set(p, [...(heldBy.get(p) ?? []), f.name]);
      const missing: { param: string; trait: AutoTrait; why: string }[] = [];
      const need = (param: string, options: AutoTrait[], why: string) => {
        if (!toImplParam.has(param) || !held.has(param) || covered.has(param)) return;
        if (options.some((o) => m.provided.has(autoAtom(param, o)))) return;
        if (missing.some((x) => x.param === param && x.trait === options[0])) return;
        missing.push({ param, trait: options[0], why });
      };
      // For Sync, the `&self` API decides for the parameters it mentions; the fields for the rest.
      const api = u.trait === 'Sync' ? syncApiNeeds(ctx, def) : [];
      const unreachable = u.trait === 'Sync' ? unreachableThroughShared(ctx, def, heldBy) : new Set<string>();
      for (const n of api)
        need(n.param, [n.need], `${n.why}, so \`Sync\` needs \`${toImplParam.get(n.param) ?? n.param}: ${n.need}\``);
      for (const { name, ty } of fields) {
        for (const n of needs(ty, u.trait, ctx.solution, `holds a \`${ty.text}\``)) {
          if (api.some((a) => a.param === n.param) || unreachable.has(n.param)) continue;
          const implParam = toImplParam.get(n.param) ?? n.param;
          need(
            n.param,
            n.options,
            `field \`${name}: ${ty.text}\` ${n.how}, so \`${u.trait}\` needs \`${implParam}: ${n.options[0]}\``,
          );
        }
      }
      if (missing.length === 0) continue;
      const byParam = new Map<string, AutoTrait[]>();
      for (const x of missing) byParam.set(x.param, [...(byParam.get(x.param) ?? []), x.trait]);
      const bounds = [...byParam].map(([param, traits]) => ({
        implParam: toImplParam.get(param)!,
        traits: (['Send', 'Sync'] as const).filter((t) => traits.includes(t)),
      }));
      const shownBounds = bounds.map((b) => `\`${b.implParam}: ${b.traits.join(' + ')}\``).join(', ');
      const verb = u.trait === 'Send' ? 'sent to another thread' : 'shared between threads';
      const example = `\`${u.typeText}\` with a non-thread-safe ${bounds.map((b) => `\`${b.implParam}\``).join(' or ')}`;
      const insertions = bounds
        .map((b) => boundInsertion(u, b.implParam, b.traits))
        .filter((x): x is Insertion => x !== undefined);
      findings.push({
        message: `\`unsafe impl ${u.trait} for ${u.typeText}\` needs ${shownBounds}: ${missing.map((x) => x.why).join('; ')}. Without it, ${example} can be ${verb}`,
        range: u.range,
        typePath: def.path,
        fixes: insertions.length === bounds.length ? [{ title: `Add ${shownBounds} to the impl`, insertions }] : [],
      });
    }
    return findings;
  },
} satisfies Rule<'missing-bound'>;

/** The parameters a field type mentions outside `PhantomData`. */
function heldParams(ty: Ty): string[] {
  if (ty.k === 'param') return [ty.name];
  if (ty.k === 'known' && ty.known.path === 'std::marker::PhantomData') return [];
  return tyChildren(ty).flatMap(heldParams);
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
