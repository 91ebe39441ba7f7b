// Finding the SAFETY comment of an `unsafe impl`, judged as clippy's `undocumented_unsafe_blocks`
// judges it (measured on clippy 1.95):
// - the lines above the impl are scanned upwards, up to the end of the previous item (or the
//   opening brace of the enclosing block or module);
// - blank lines and single-line attributes between the comment and the impl are skipped; a
//   multi-line attribute stops the search;
// - the run of comments found there (line, block and doc comments, blank lines between them)
//   counts if it contains `SAFETY:` in any case, anywhere;
// - a comment inside the impl, trailing on its line, or above the previous item does not count.
import { isComment, type SyntaxNode } from '../../syntax/parser';

export interface SafetyComment {
  found: boolean;
  /** The comment run above the impl (empty if none), to see which fields it explains. */
  text: string;
}

const SAFETY = /safety:/i;

export function findSafetyComment(impl: SyntaxNode, lines: string[]): SafetyComment {
  const row = impl.startPosition.row;
  // Code before the impl on its own line: nothing above can be its comment.
  const before = (lines[row] ?? '').slice(0, impl.startPosition.column);
  if (before.trim() !== '') return { found: false, text: '' };
  const boundary = previousItemEndRow(impl);
  const collected: string[] = [];
  let inComments = false;
  let i = row - 1;
  while (i > boundary) {
    const line = (lines[i] ?? '').trim();
    if (line === '') {
      i--;
      continue;
    }
    if (!inComments && /^#!?\[.*\]$/.test(line)) {
      i--;
      continue;
    }
    if (line.startsWith('//')) {
      inComments = true;
      collected.unshift(line);
      i--;
      continue;
    }
    if (line.endsWith('*/')) {
      inComments = true;
      let j = i;
      const block: string[] = [];
      while (j > boundary) {
        const l = lines[j] ?? '';
        block.unshift(l.trim());
        if (l.includes('/*')) break;
        j--;
      }
      collected.unshift(...block);
      i = j - 1;
      continue;
    }
    break;
  }
  const text = collected.join('\n');
  return { found: SAFETY.test(text), text };
}

/** The last row of the item before `node` in its block, or the row of the block's opening. */
function previousItemEndRow(node: SyntaxNode): number {
  for (let p = node.previousNamedSibling; p; p = p.previousNamedSibling) {
    if (isComment(p) || p.type === 'attribute_item') continue;
    return p.endPosition.row;
  }
  const parent = node.parent;
  if (!parent || parent.type === 'source_file') return -1;
  return parent.startPosition.row;
}
