// Turns one LSP content change into the edit tree-sitter needs to reuse an old tree. Offsets are
// taken exactly as vscode-languageserver-textdocument takes them (positions clamped to the text,
// a reversed range put right), so tree and text cannot disagree. web-tree-sitter here counts
// indices and columns in UTF-16 code units, as LSP does, and starts a new row only at `\n`
// (not at a lone `\r`), so points are computed from the text rather than from LSP lines.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { pointAt, type SyntaxTree } from '../syntax/parser';

export type TreeEdit = Parameters<SyntaxTree['edit']>[0];
type Point = TreeEdit['startPosition'];

export interface RangeChange {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

/** The point reached from `start` by writing `inserted`. */
function advance(start: Point, inserted: string): Point {
  const lastNewline = inserted.lastIndexOf('\n');
  if (lastNewline === -1) return { row: start.row, column: start.column + inserted.length };
  let rows = 0;
  for (let at = inserted.indexOf('\n'); at !== -1; at = inserted.indexOf('\n', at + 1)) rows++;
  return { row: start.row + rows, column: inserted.length - lastNewline - 1 };
}

/** The edit for `change` applied to `document` as it is before the change. */
export function treeEditFor(document: TextDocument, change: RangeChange): TreeEdit {
  const a = document.offsetAt(change.range.start);
  const b = document.offsetAt(change.range.end);
  const startIndex = Math.min(a, b);
  const oldEndIndex = Math.max(a, b);
  const text = document.getText();
  const startPosition = pointAt(text, startIndex);
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + change.text.length,
    startPosition,
    oldEndPosition: advance(startPosition, text.slice(startIndex, oldEndIndex)),
    newEndPosition: advance(startPosition, change.text),
  };
}
