// risky-field: the fields that make an `unsafe impl Send/Sync` a promise only a human can check:
// each field whose own type is not Send (Sync), by the compiler's rule (raw pointers, `NonNull`,
// `UnsafeCell`, `Cell`, `RefCell`, `Rc`, `&T` of a non-Sync `T`, guards...). A field the impl's
// SAFETY comment names is taken as explained.
import type { Ty } from '../model/resolve';
import { renderChain } from '../model/conditions';
import { commentNamesField, isAllowed, type RuleContext } from './context';
import type { Hit, Rule } from './rule';

export const riskyField = {
  code: 'risky-field',
  title: 'unsafe impl Send/Sync over a type with risky fields',
  help: 'The type holds raw pointers, `NonNull`, `UnsafeCell`, `Cell`, `RefCell`, `Rc`, guards or references, which are why the compiler refused the auto impl; check each one is really thread-safe and say why in the SAFETY comment.',
  defaultLevel: 'warning',
  check(ctx: RuleContext): Hit[] {
    const findings: Hit[] = [];
    for (const u of ctx.unsafeImpls) {
      if (!u.def || isAllowed(u, 'risky-field')) continue;
      const unsafeFields = ctx.solution
        .fieldValues(u.def, u.trait)
        .filter((f) => f.value.status === 'no' && !isMarker(f.ty));
      // The only such field may be explained by its type (`raw pointers`, `Cell`) as well as its name.
      const only = unsafeFields.length === 1;
      const risky = unsafeFields.filter(
        (f) =>
          !(
            u.safety.found &&
            (commentNamesField(u.safety.text, f.field) || (only && commentNamesType(u.safety.text, f.ty)))
          ),
      );
      if (risky.length === 0) continue;
      const why = risky.map((f) => {
        const leaf = f.value.reasons[0]
          ? renderChain(f.value.reasons[0], true)
          : `\`${f.ty.text}\` is not \`${u.trait}\``;
        return `field \`${f.field}: ${f.ty.text}\` (${leaf})`;
      });
      const explain = u.safety.found
        ? `the SAFETY comment does not mention ${risky.length === 1 ? 'it' : 'them'}`
        : 'explain each in a SAFETY comment';
      findings.push({
        message: `\`unsafe impl ${u.trait} for ${u.def.name}\` overrides the compiler for ${why.join(', ')}; ${explain}`,
        range: u.range,
        typePath: u.def.path,
        fixes: [],
      });
    }
    return findings;
  },
} satisfies Rule<'risky-field'>;

/** `PhantomData<...>` holds nothing: it switches an auto trait off, which the manual impl undoes. */
function isMarker(ty: Ty): boolean {
  return ty.k === 'known' && ty.known.path === 'std::marker::PhantomData';
}

/** The comment speaks of the field's type: `*const T`, "raw pointer", `NonNull`, `Cell`... */
function commentNamesType(comment: string, ty: Ty): boolean {
  if (comment.includes(ty.text)) return true;
  if (ty.k === 'ptr') return /\b(raw )?pointers?\b/i.test(comment);
  if (ty.k === 'ref') return /\breferences?\b/i.test(comment);
  if (ty.k === 'known') {
    const name = ty.known.path.split('::').pop()!;
    return new RegExp(`\\b${name}\\b`).test(comment);
  }
  return false;
}
