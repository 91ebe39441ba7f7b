// missing-safety-comment: an `unsafe impl Send/Sync` with no `// SAFETY:` comment above it (the
// comment is found as clippy's `undocumented_unsafe_blocks` finds it, see safety-comment.ts), also
// inside `macro_rules!` bodies, where clippy wants the comment above the `unsafe` token. The fix
// inserts a comment on the line above the impl, at its indentation (below its attributes, where
// clippy still finds it), naming the fields the compiler objected to, with the cursor where the
// justification goes.
import { fieldsNeedingImpl, isAllowed, type ImplSite, type RuleContext, type UnsafeImpl } from './context';
import type { Fix, Hit, Rule } from './rule';

export const missingSafetyComment = {
  code: 'missing-safety-comment',
  title: 'unsafe impl Send/Sync without a SAFETY comment',
  help: 'An `unsafe impl Send` or `unsafe impl Sync` should say, in a `// SAFETY:` comment above it, why the type is safe to send or share across threads.',
  defaultLevel: 'warning',
  check(ctx: RuleContext): Hit[] {
    const findings: Hit[] = [];
    const sites: (ImplSite & Partial<UnsafeImpl> & { macroName?: string })[] = [...ctx.unsafeImpls, ...ctx.macroImpls];
    for (const u of sites) {
      if (u.safety.found || isAllowed(u, 'missing-safety-comment')) continue;
      const where = u.macroName ? ` (in the body of \`macro_rules! ${u.macroName}\`, where the comment must be)` : '';
      const why = `why \`${u.typeText}\` is safe to ${u.trait === 'Send' ? 'send to' : 'share between'} other threads`;
      const label = labelFix(ctx, u);
      findings.push({
        message: label
          ? `\`unsafe impl ${u.trait} for ${u.typeText}\` has a comment above it, but not a \`// SAFETY:\` one: if it says ${why}, label it \`SAFETY:\` (the word clippy's \`undocumented_unsafe_blocks\` and reviewers look for)`
          : `\`unsafe impl ${u.trait} for ${u.typeText}\` has no \`// SAFETY:\` comment saying ${why}${where}`,
        range: u.range,
        typePath: u.def?.path,
        fixes: label ? [label, safetyCommentFix(ctx, u)] : [safetyCommentFix(ctx, u)],
        ...(u.pairCovered ? { waivedBy: 'safetyCommentCoversPair' as const } : {}),
      });
    }
    return findings;
  },
} satisfies Rule<'missing-safety-comment'>;

/**
 * `SAFETY: ` inserted after the comment marker of the first line of the comment above the impl
 * (`// git_odb locks internally.` -> `// SAFETY: git_odb locks internally.`), when there is one
 * (outside macro bodies, and not only a `rust-send-sync: allow(..)` line).
 */
function labelFix(ctx: RuleContext, u: ImplSite & { macroName?: string }): Fix | undefined {
  const row = u.safety.firstRow;
  if (u.macroName || row === undefined) return undefined;
  const words = u.safety.text.replace(/rust-send-sync:\s*allow\([^)]*\)/g, '').replace(/[/*!\s]/g, '');
  if (words === '') return undefined;
  const line = ctx.lines.at(row);
  const marker = /^(\s*)(\/\/[/!]?|\/\*[*!]?)( ?)/.exec(line);
  if (!marker) return undefined;
  return {
    title: `Label the comment above \`unsafe impl ${u.trait}\` as its \`// SAFETY:\` comment`,
    insertions: [{ position: { line: row, character: marker[0].length }, text: marker[3] ? 'SAFETY: ' : ' SAFETY: ' }],
  };
}

/** Escapes text for use inside an LSP snippet. */
function snippetEscape(s: string): string {
  return s.replace(/[\\$}]/g, (c) => `\\${c}`);
}

function safetyCommentFix(ctx: RuleContext, u: ImplSite & { def?: UnsafeImpl['def']; macroName?: string }): Fix {
  const { line: row, character: column } = u.start;
  const line = ctx.lines.at(row);
  const indent = /^\s*/.exec(line)![0];
  // Code before the impl on its line (`struct A; unsafe impl Send for A {}`): the comment can only
  // count on a line of its own, so the fix breaks the line before `unsafe` (still an insertion).
  // In a macro body clippy reads whole lines, so the line above is enough there.
  const split = !u.macroName && line.slice(0, column).trim() !== '';
  const name = u.def?.name ?? u.typeText;
  const fields = u.def ? fieldsNeedingImpl(ctx, u.def, u.trait).slice(0, 3) : [];
  const lead = fields.length
    ? `${fields.map((f) => `\`${f.field}: ${f.ty.text}\``).join(', ')} ${fields.length === 1 ? 'is' : 'are'} not \`${u.trait}\`; `
    : '';
  const ask = `TODO: explain why \`${name}\` can be ${u.trait === 'Send' ? 'sent to' : 'shared between'} other threads`;
  const [pre, post] = split ? [`\n${indent}`, `\n${indent}`] : [indent, '\n'];
  const text = `${pre}// SAFETY: ${lead}${ask}${post}`;
  const snippet = `${snippetEscape(`${pre}// SAFETY: ${lead}`)}\${0:${snippetEscape(ask)}}${snippetEscape(post)}`;
  return {
    title: `Add a \`// SAFETY:\` comment to \`unsafe impl ${u.trait}\``,
    insertions: [{ position: { line: row, character: split ? column : 0 }, text, snippet }],
  };
}
