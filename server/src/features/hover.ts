// Hover on the name of a struct, enum or union: its Send/Sync verdict in markdown; on an `async fn`
// name or an `async` keyword: whether its future is Send, and why not (the text itself comes from
// present/verdict-text, shared with the CLI).
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { FileAnalysis } from '../engine';
import type { Range, TypeReport } from '../model/report';
import { inactiveModuleText, renderFutureHoverMarkdown, renderHoverMarkdown } from '../present/verdict-text';

function comparePositions(a: Position, b: Position): number {
  return a.line === b.line ? a.character - b.character : a.line - b.line;
}

/** Inclusive at both ends, so a cursor just after the last letter of a name still counts. */
export function rangeContains(range: Range, position: Position): boolean {
  return comparePositions(range.start, position) <= 0 && comparePositions(position, range.end) <= 0;
}

/**
 * On a declaration's name, or on any mention of a user type (a field's type, a signature, an
 * `impl` header) when the analysis resolved mentions.
 */
export function computeHover(analysis: FileAnalysis, position: Position): Hover | null {
  // A file of an inactive module says so under every verdict it shows; a type's reviewed impls
  // say why they are not flagged.
  const notes = (report: TypeReport) => {
    const lines = (analysis.reviewed ?? [])
      .filter((r) => r.typePath === report.path)
      .map((r) => `Reviewed, not flagged (\`${r.code}\`): ${r.message}`);
    if (analysis.inactive) lines.push(inactiveModuleText(analysis.inactive));
    return lines.length > 0 ? lines.join('\n\n') : undefined;
  };
  const report = analysis.types.find((type) => rangeContains(type.nameRange, position));
  if (report !== undefined) {
    return {
      contents: { kind: MarkupKind.Markdown, value: renderHoverMarkdown(report, false, notes(report)) },
      range: report.nameRange,
    };
  }
  const future = analysis.futures?.find((f) => rangeContains(f.nameRange, position));
  if (future !== undefined) {
    return {
      contents: { kind: MarkupKind.Markdown, value: renderFutureHoverMarkdown(future) },
      range: future.nameRange,
    };
  }
  const mention = analysis.mentions?.find((m) => rangeContains(m.range, position));
  if (mention === undefined) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: renderHoverMarkdown(mention.type, true, notes(mention.type)) },
    range: mention.range,
  };
}
