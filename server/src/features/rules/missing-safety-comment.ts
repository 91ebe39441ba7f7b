// missing-safety-comment: an `unsafe impl Send/Sync` with no `// SAFETY:` comment above it (the
// comment is found as clippy finds it, see safety-comment.ts). The fix inserts a comment at the
// impl's indentation that names the fields the compiler objected to, with the cursor where the
// justification goes.
import type { Finding, Fix } from '../../model/report';
import { fieldsNeedingImpl, type Rule, type RuleContext, type UnsafeImpl } from './context';

export const missingSafetyComment: Rule = (ctx) => {
  const findings: Finding[] = [];
  for (const u of ctx.unsafeImpls) {
    if (u.safety.found) continue;
    const typeName = u.impl.typeNode.text.replace(/\s+/g, ' ');
    findings.push({
      code: 'missing-safety-comment',
      severity: 'warning',
      message: `\`unsafe impl ${u.trait} for ${typeName}\` has no \`// SAFETY:\` comment saying why \`${typeName}\` is safe to ${u.trait === 'Send' ? 'send to' : 'share between'} other threads`,
      range: u.range,
      typePath: u.def?.path,
      fixes: [safetyCommentFix(ctx, u)],
    });
  }
  return findings;
};

/** Escapes text for use inside an LSP snippet. */
function snippetEscape(s: string): string {
  return s.replace(/[\\$}]/g, (c) => `\\${c}`);
}

function safetyCommentFix(ctx: RuleContext, u: UnsafeImpl): Fix {
  const row = u.impl.node.startPosition.row;
  const column = u.impl.node.startPosition.column;
  const indent = (ctx.lines[row] ?? '').slice(0, column);
  const name = u.def?.name ?? u.impl.typeNode.text;
  const fields = u.def ? fieldsNeedingImpl(ctx, u.def, u.trait).slice(0, 3) : [];
  const lead = fields.length
    ? `${fields.map((f) => `\`${f.field}: ${f.ty.text}\``).join(', ')} ${fields.length === 1 ? 'is' : 'are'} not \`${u.trait}\`; `
    : '';
  const ask = `TODO: explain why \`${name}\` can be ${u.trait === 'Send' ? 'sent to' : 'shared between'} other threads`;
  const text = `${indent}// SAFETY: ${lead}${ask}\n`;
  const snippet = `${snippetEscape(`${indent}// SAFETY: ${lead}`)}\${0:${snippetEscape(ask)}}\n`;
  return {
    title: `Add a \`// SAFETY:\` comment to \`unsafe impl ${u.trait}\``,
    insertions: [{ position: { line: row, character: 0 }, text, snippet }],
  };
}
