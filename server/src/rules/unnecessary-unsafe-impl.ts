// unnecessary-unsafe-impl: an `unsafe impl Send/Sync` the compiler would have given anyway. The
// auto rule is taken from the fields (`solution.fieldValues`, each judged as if the impl did not
// exist); the impl is unnecessary when that verdict is `yes`, or conditional on atoms the impl
// itself requires (or the declaration guarantees), so that wherever the impl applies the auto rule
// does too. Anything else (an `unknown` field, an impl for one instantiation, bounds this analysis
// does not read, several impls for one type) is not reported: when in doubt, stay quiet. No fix:
// the remedy is deleting the impl, which a fix never does.
import { AtomSet, renameAtom, renderAtom } from '../model/conditions';
import { isAllowed, type RuleContext } from './context';
import type { Hit, Rule } from './rule';

export const unnecessaryUnsafeImpl = {
  code: 'unnecessary-unsafe-impl',
  title: 'unsafe impl Send/Sync that the compiler would derive anyway',
  help: "Every field is already `Send`/`Sync` under the impl's own conditions, so the auto rule gives the same impl; removing the `unsafe impl` lets the compiler keep checking fields added later.",
  defaultLevel: 'hint',
  check(ctx: RuleContext): Hit[] {
    const findings: Hit[] = [];
    for (const u of ctx.unsafeImpls) {
      const m = u.manual;
      const def = u.def;
      if (!m || !def || isAllowed(u, 'unnecessary-unsafe-impl') || def.node.hasError) continue;
      if (m.value.status !== 'yes' && m.value.status !== 'conditional') continue;
      if ([...m.value.atoms].some((a) => a.kind === 'equals')) continue;
      if (ctx.solution.manualImpls.filter((x) => x.def === def && x.trait === u.trait).length !== 1) continue;
      const fields = ctx.solution.fieldValues(def, u.trait);
      if (fields.some((f) => f.value.status !== 'yes' && f.value.status !== 'conditional')) continue;
      const declared = ctx.solution.implied(def);
      const needed = [...new AtomSet(fields.flatMap((f) => [...f.value.atoms]))].filter((a) => !declared.has(a));
      if (!needed.every((a) => m.provided.has(a))) continue;
      const toImplParam = new Map([...m.rename].map(([implName, defName]) => [defName, implName]));
      const shown = needed.map((a) => `\`${renderAtom(renameAtom(a, toImplParam.get(a.param) ?? a.param))}\``);
      const when = shown.length
        ? ` whenever ${shown.join(' and ')}, which this impl requires anyway`
        : fields.length
          ? ': every field is'
          : ': it has no fields';
      findings.push({
        message: `\`${def.name}\` is already \`${u.trait}\` by the compiler's auto rule${when}${shown.length ? '' : ` \`${u.trait}\``}; \`unsafe impl ${u.trait} for ${u.typeText}\` adds nothing but an unchecked promise, and removing it lets the compiler keep checking new fields`,
        range: u.range,
        typePath: def.path,
        fixes: [],
      });
    }
    return findings;
  },
} satisfies Rule<'unnecessary-unsafe-impl'>;
