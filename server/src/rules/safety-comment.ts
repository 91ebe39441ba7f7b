// Finding the SAFETY comment of an `unsafe impl`, judged as clippy's `undocumented_unsafe_blocks`
// judges it (measured on clippy 1.95):
// - the lines above the impl are scanned upwards, up to the end of the previous item (or the
//   opening brace of the enclosing block or module);
// - blank lines and single-line attributes between the comment and the impl are skipped; a
//   multi-line attribute stops the search;
// - the run of comments found there (line, block and doc comments, blank lines between them)
//   counts if it contains `SAFETY:` in any case, anywhere;
// - a comment inside the impl, trailing on its line, or above the previous item does not count.
// The same comment run may carry `// rust-send-sync: allow(code, ...)`, which silences rules on
// that one impl.
import { isComment, type SyntaxNode } from '../syntax/parser';
import type { TextLines } from './text-lines';

export interface SafetyComment {
  found: boolean;
  /** The comment run above the impl (empty if none), to see which fields it explains. */
  text: string;
  /** The row of the run's first line (outside macro bodies), where a `SAFETY:` label would go. */
  firstRow?: number;
}

const SAFETY = /safety:/i;

export function findSafetyComment(impl: SyntaxNode, lines: TextLines): SafetyComment {
  const row = impl.startPosition.row;
  // Code before the impl on its own line: nothing above can be its comment.
  const before = lines.at(row).slice(0, impl.startPosition.column);
  if (before.trim() !== '') return { found: false, text: '' };
  const boundary = previousItemEndRow(impl);
  const collected: string[] = [];
  let firstRow: number | undefined;
  let inComments = false;
  let i = row - 1;
  while (i > boundary) {
    const line = lines.at(i).trim();
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
      firstRow = i;
      i--;
      continue;
    }
    if (line.endsWith('*/')) {
      inComments = true;
      let j = i;
      const block: string[] = [];
      while (j > boundary) {
        const l = lines.at(j);
        block.unshift(l.trim());
        if (l.includes('/*')) break;
        j--;
      }
      collected.unshift(...block);
      firstRow = j;
      i = j - 1;
      continue;
    }
    break;
  }
  const text = collected.join('\n');
  return { found: SAFETY.test(text), text, ...(firstRow === undefined ? {} : { firstRow }) };
}

/** The item before `node` in its block or module, skipping comments and attributes. */
export function previousItem(node: SyntaxNode): SyntaxNode | undefined {
  for (let p = node.previousNamedSibling; p; p = p.previousNamedSibling) {
    if (isComment(p) || p.type === 'attribute_item') continue;
    return p;
  }
  return undefined;
}

/** `// rust-send-sync: allow(missing-bound, risky-field)` in the comment run: the codes it silences. */
export function allowedCodes(comment: string): Set<string> {
  const codes = new Set<string>();
  for (const m of comment.matchAll(/rust-send-sync:\s*allow\(([^)]*)\)/g)) {
    for (const code of m[1].split(',')) if (code.trim()) codes.add(code.trim());
  }
  return codes;
}

/**
 * The SAFETY comment of an impl written in a `macro_rules!` body, found as clippy finds it there:
 * by lines only, from the line above the `unsafe` token up to the line after `macro_rules!`
 * (`floorRow`), whatever precedes `unsafe` on its own line and with no stop at earlier items.
 * Blank lines are skipped; the first other line must start a run of `//` lines with `SAFETY:` in
 * one of them, or some line above must start a block comment with `SAFETY:` that only blank space
 * follows.
 */
export function findMacroSafetyComment(row: number, lines: TextLines, floorRow: number): SafetyComment {
  const above: { row: number; text: string }[] = [];
  for (let i = row - 1; i > floorRow; i--) {
    const text = lines.at(i).trim();
    if (text !== '') above.push({ row: i, text });
  }
  if (above.length === 0) return { found: false, text: '' };
  if (above[0].text.startsWith('//')) {
    const run: string[] = [];
    for (const l of above) {
      if (!l.text.startsWith('//')) break;
      run.unshift(l.text);
    }
    return { found: SAFETY.test(run.join('\n')), text: run.join('\n') };
  }
  const block = above.find((l) => l.text.startsWith('/*'));
  if (!block) return { found: false, text: '' };
  const rest = lines.joined(block.row, row).trim();
  const end = rest.indexOf('*/');
  const comment = end < 0 ? rest : rest.slice(0, end + 2);
  const onlyBlankAfter = end >= 0 && rest.slice(end + 2).trim() === '';
  return { found: onlyBlankAfter && SAFETY.test(comment), text: comment };
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
