// Inlay hints, opt-in (`rustSendSync.inlayHints.enable`): each struct, enum and union's verdict
// right after its name and generic parameters (`Send · !Sync`, `Send if T: Send`), with the
// hover's markdown (conditions, reason chains) as the hint's tooltip.
import { MarkupKind, type InlayHint, type Position, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileAnalysis } from '../engine';
import { renderHoverMarkdown, verdictLabel } from '../present/verdict-text';

/** How far past a name the generic parameters are looked for (a declaration's `<...>`). */
const MAX_GENERICS_LENGTH = 2000;

/**
 * The end of the generic parameter list right after a type's name, if there is one: `<` opens
 * it, and the `>` that balances it closes it (`->` in a const generic's default is not one).
 */
function afterGenerics(document: TextDocument, nameEnd: Position): Position {
  const start = document.offsetAt(nameEnd);
  const text = document.getText().slice(start, start + MAX_GENERICS_LENGTH);
  if (!text.startsWith('<')) return nameEnd;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<') depth++;
    else if (c === '>' && text[i - 1] !== '-') depth--;
    if (depth === 0) return document.positionAt(start + i + 1);
  }
  return nameEnd;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** The hints of the types whose names are in `range`. */
export function computeInlayHints(analysis: FileAnalysis, document: TextDocument, range: Range): InlayHint[] {
  return (
    analysis.types
      .filter((type) => !before(type.nameRange.start, range.start) && !before(range.end, type.nameRange.end))
      // A type a macro's expansion declares has its name where the call is, not written there.
      .filter((type) => document.getText(type.nameRange) === type.name)
      .map((type) => ({
        position: afterGenerics(document, type.nameRange.end),
        label: verdictLabel(type),
        paddingLeft: true,
        tooltip: { kind: MarkupKind.Markdown, value: renderHoverMarkdown(type) },
      }))
  );
}
