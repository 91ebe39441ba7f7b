// The quick fix of future-not-send, and the hint when there is none. The fix puts the held local
// in a `{ }` block that ends before the `.await`: `{` on its own line before the local's `let`, `}`
// after the statement of its last use. rustc then drops the value at the block's end, before the
// `.await`, and the future no longer holds it (a `drop(x)` would not do: rustc keeps a local that
// was borrowed before `drop(x)` to the end of its scope). Offered only when it is sure to compile
// and to work:
// - the `let` and the last use are statements of one block, and the `.await` is in a later one;
// - the value is not used after (or in) the statement of the `.await`;
// - nothing declared by the statements moved into the block is mentioned after the block, and
//   no item is declared there; the name is not shadowed by a later `let` of the block;
// - the `let` starts its line and the last statement ends its line (the braces go on their own
//   lines, with the block's indentation; nothing is re-indented: fixes only insert).
// Uses are found by the name as a word in the statements' text (also inside macros and format
// strings), which can only see too many uses, never too few.
import type { HeldValue, Range } from '../model/report';
import { isComment, type SyntaxNode } from '../syntax/parser';
import type { Fix } from './rule';
import type { TextLines } from './text-lines';

const STATEMENTS_MOVABLE = new Set(['let_declaration', 'expression_statement', 'empty_statement']);

function nodeAt(root: SyntaxNode, r: Range, type: string): SyntaxNode | undefined {
  let node: SyntaxNode | null = root.descendantForPosition(
    { row: r.start.line, column: r.start.character },
    { row: r.end.line, column: r.end.character },
  );
  while (node && node.type !== type) node = node.parent;
  if (!node) return undefined;
  const s = node.startPosition;
  const e = node.endPosition;
  return s.row === r.start.line &&
    s.column === r.start.character &&
    e.row === r.end.line &&
    e.column === r.end.character
    ? node
    : undefined;
}

const word = (name: string) => new RegExp(`(?<![\\w$#])${name.replace(/[^\w]/g, '\\$&')}(?!\\w)`);

/** The names a `let` pattern binds (every identifier in it: enum variants too, which only adds caution). */
function boundNames(letNode: SyntaxNode): string[] {
  const pattern = letNode.childForFieldName('pattern');
  if (!pattern) return [];
  if (pattern.type === 'identifier') return [pattern.text];
  return pattern.descendantsOfType('identifier').flatMap((n) => (n ? [n.text] : []));
}

/** The fix that scopes `held` in a block ending before its `.await`, or undefined when unsure. */
export function scopeFix(root: SyntaxNode, lines: TextLines, held: HeldValue): Fix | undefined {
  if (!held.awaitRange || !/^[A-Za-z_]\w*$/.test(held.name)) return undefined;
  const letNode = nodeAt(root, held.declRange, 'let_declaration');
  const awaitNode = nodeAt(root, held.awaitRange, 'await_expression');
  const block = letNode?.parent;
  if (!letNode || !awaitNode || block?.type !== 'block') return undefined;
  if (!boundNames(letNode).includes(held.name)) return undefined;
  const statements = block.namedChildren.filter((c): c is SyntaxNode => c !== null && !isComment(c));
  const letIdx = statements.findIndex((s) => s.id === letNode.id);
  let awaitStmt: SyntaxNode | null = awaitNode;
  while (awaitStmt && awaitStmt.parent?.id !== block.id) awaitStmt = awaitStmt.parent;
  const awaitIdx = awaitStmt ? statements.findIndex((s) => s.id === awaitStmt.id) : -1;
  if (letIdx < 0 || awaitIdx <= letIdx) return undefined;
  const uses = word(held.name);
  let last = letIdx;
  for (let i = letIdx + 1; i < statements.length; i++) {
    const s = statements[i];
    // A later `let` of the same name: what follows may mean the new one; not worth the risk.
    if (s.type === 'let_declaration' && boundNames(s).includes(held.name)) return undefined;
    if (uses.test(s.text)) last = i;
  }
  // The value is used in or after the statement of the `.await`: the block cannot end before it.
  if (last >= awaitIdx) return undefined;
  const moved = statements.slice(letIdx, last + 1);
  if (moved.some((s) => !STATEMENTS_MOVABLE.has(s.type))) return undefined;
  const declared = moved.flatMap((s) => (s.type === 'let_declaration' ? boundNames(s) : []));
  const after = statements.slice(last + 1);
  for (const name of new Set(declared)) if (after.some((s) => word(name).test(s.text))) return undefined;
  // Braces on their own lines: the `let` starts its line, the last statement ends its line.
  const start = letNode.startPosition;
  const end = moved[moved.length - 1].endPosition;
  const before = lines.at(start.row).slice(0, start.column);
  const rest = lines.at(end.row).slice(end.column);
  if (!/^\s*$/.test(before) || !/^\s*(\/\/.*)?$/.test(rest)) return undefined;
  return {
    title: `Scope \`${held.name}\` in a block that ends before the \`.await\``,
    insertions: [
      { position: { line: start.row, character: 0 }, text: `${before}{\n` },
      { position: { line: end.row, character: lines.at(end.row).length }, text: `\n${before}}` },
    ],
  };
}

/** What to use instead of a held value that is not `Send`, for a finding with no fix. */
export function rewriteHint(held: HeldValue[]): string {
  const types = held.map((h) => h.ty);
  const has = (re: RegExp) => types.some((t) => re.test(t));
  const hints: string[] = [];
  if (has(/^(std::sync::)?MutexGuard\b/))
    hints.push('a `tokio::sync::Mutex` instead of `std::sync::Mutex` (its guard may be held across `.await`)');
  if (has(/^(std::sync::)?RwLock(Read|Write)Guard\b/))
    hints.push('a `tokio::sync::RwLock` instead of `std::sync::RwLock`');
  if (has(/^(std::rc::)?Rc\b/)) hints.push('`Arc` instead of `Rc`');
  const local = 'run the task on one thread with `tokio::task::spawn_local`';
  return hints.length ? `; use ${hints.join(', or ')}, or ${local}` : `; ${local}`;
}
